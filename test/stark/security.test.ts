/**
 * Security calculator: the "Profiles" table in docs/security.md is the calculator's output (rendered here and
 * compared line by line), the SP1-style query count of PROVEN_PARAMS, the LogUp repetitions that lift its
 * proven level to 100 bits, Winterfell's grinding rule, and the refusal helper. Also checks that every
 * StarkParams field is bounded, documented for security and absorbed by the transcript.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/stark/errors.ts';
import {
  DEFAULT_PARAMS, PROVEN_PARAMS, STARK_PARAM_BOUNDS, TEST_PARAMS_INSECURE, absorbParams, validateParams, type StarkParams,
} from '../../src/stark/params.ts';
import {
  PARAM_SECURITY_ROLE,
  assertAcceptableSecurity,
  conjecturedSecurityBits,
  provenSecurityBits,
  provenSecurityTerms,
  referenceSecurityContext,
} from '../../src/stark/security.ts';
import { Transcript } from '../../src/stark/transcript.ts';

function expectCode(f: () => void, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code, (e as Error).message).toBe(code);
    return;
  }
  expect.unreachable(`expected VerifyError ${code}`);
}

const PROFILES: Record<string, StarkParams> = { DEFAULT_PARAMS, PROVEN_PARAMS, TEST_PARAMS_INSECURE };
const TABLE_HEIGHTS = [16, 20, 21, 22];

/** The rows of docs/security.md's "Profiles" table, from the calculator (reference context). */
function renderProfileRows(): string[] {
  const rows: string[] = [];
  for (const [name, params] of Object.entries(PROFILES)) {
    for (const logN of TABLE_HEIGHTS) {
      const ctx = referenceSecurityContext(logN);
      const t = provenSecurityTerms(params, ctx);
      const terms = [t.query, t.ali, t.lookup, t.deep, t.batching, t.folding].map((x) => x.toFixed(1));
      rows.push(`| \`${name}\` | 2^${logN} | **${conjecturedSecurityBits(params, ctx)}** | **${provenSecurityBits(params, ctx)}** | ${terms.join(' | ')} |`);
    }
  }
  return rows;
}

/** The body rows of the table whose header starts with `| profile | trace |`. */
function documentedProfileRows(): string[] {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/security.md', import.meta.url)), 'utf8').split('\n');
  const header = doc.findIndex((line) => line.startsWith('| profile | trace |'));
  expect(header, 'docs/security.md has no "| profile | trace |" table').toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (let i = header + 2; i < doc.length && doc[i].startsWith('|'); i++) rows.push(doc[i]);
  return rows;
}

describe('security levels', () => {
  it('docs/security.md "Profiles" is the calculator\'s output, row for row', () => {
    const rendered = renderProfileRows();
    expect(documentedProfileRows(), `expected rows:\n${rendered.join('\n')}`).toEqual(rendered);
  });

  it('reproduces the headline levels: [conjectured, proven] at 2^16 / 2^20 / 2^22', () => {
    const levels = (p: StarkParams) => [16, 20, 22].map((logN) => {
      const ctx = referenceSecurityContext(logN);
      return [conjecturedSecurityBits(p, ctx), provenSecurityBits(p, ctx)];
    });
    expect(levels(DEFAULT_PARAMS)).toEqual([[101, 45], [100, 45], [98, 45]]);
    expect(levels(PROVEN_PARAMS)).toEqual([[104, 100], [100, 100], [98, 98]]);
    expect(levels(TEST_PARAMS_INSECURE)).toEqual([[15, 9], [15, 9], [15, 9]]);
  });

  it('PROVEN_PARAMS has the SP1 v6 query count for 100 bits at rate 1/4 with 16 grinding bits', () => {
    const rho = 2 ** -PROVEN_PARAMS.logBlowup;
    expect(PROVEN_PARAMS.numQueries).toBe(Math.ceil((100 - PROVEN_PARAMS.queryPowBits) / -Math.log2((1 + rho) / 2)));
    expect(PROVEN_PARAMS.numQueries).toBe(124);
    expect(provenSecurityTerms(PROVEN_PARAMS, referenceSecurityContext(20)).query).toBeGreaterThanOrEqual(100);
  });

  it('PROVEN_PARAMS proves ≥ 100 bits at 2^16 and 2^20 rows with lookups, thanks to 2 LogUp repetitions', () => {
    for (const logN of [16, 20]) {
      const ctx = referenceSecurityContext(logN);
      expect(provenSecurityBits(PROVEN_PARAMS, ctx)).toBeGreaterThanOrEqual(100);
      // One repetition: the LogUp term alone (log2|EF| − log2 D < 100) would cap it.
      const once = { ...PROVEN_PARAMS, lookupRepetitions: 1 };
      expect(provenSecurityBits(once, ctx)).toBeLessThan(100);
      const [one, two] = [once, PROVEN_PARAMS].map((p) => provenSecurityTerms(p, ctx).lookup);
      expect(two).toBeCloseTo(2 * one, 9);
      expect(one).toBeCloseTo(4 * Math.log2(2013265921) - Math.log2(ctx.lookupDegreeBound), 9);
    }
  });

  it('repetitions change only the LogUp term (and nothing without lookups); DEFAULT_PARAMS keeps one', () => {
    expect(DEFAULT_PARAMS.lookupRepetitions).toBe(1);
    expect(TEST_PARAMS_INSECURE.lookupRepetitions).toBe(1);
    const ctx = referenceSecurityContext(20);
    const [a, b] = [1, 3].map((R) => provenSecurityTerms({ ...DEFAULT_PARAMS, lookupRepetitions: R }, ctx));
    expect({ ...a, lookup: 0 }).toEqual({ ...b, lookup: 0 });
    expect(b.lookup).toBeCloseTo(3 * a.lookup, 9);
    const noLookups = { ...ctx, lookupDegreeBound: 0 };
    expect(provenSecurityTerms(PROVEN_PARAMS, noLookups).lookup).toBe(Infinity);
    expect(conjecturedSecurityBits({ ...DEFAULT_PARAMS, lookupRepetitions: 4 }, ctx)).toBe(conjecturedSecurityBits(DEFAULT_PARAMS, ctx));
  });

  it('the per-round field terms cap a degree-4 extension at 2^20 rows: below 100 from 2^21 (batching, folding), 2^22 (DEEP)', () => {
    const at20 = provenSecurityTerms(PROVEN_PARAMS, referenceSecurityContext(20));
    for (const term of [at20.deep, at20.batching, at20.folding]) expect(term).toBeGreaterThanOrEqual(100);
    const at21 = provenSecurityTerms(PROVEN_PARAMS, referenceSecurityContext(21));
    expect(at21.batching).toBeLessThan(100);
    expect(at21.folding).toBeLessThan(100);
    const at22 = provenSecurityTerms(PROVEN_PARAMS, referenceSecurityContext(22));
    expect(at22.deep).toBeLessThan(100);
    expect(at22.batching).toBeLessThan(100);
  });

  it('counts grinding only once the queries alone give 80 bits (Winterfell)', () => {
    const ctx = referenceSecurityContext(16);
    const few = { ...DEFAULT_PARAMS, numQueries: 30 }; // 60 query bits
    expect(conjecturedSecurityBits(few, ctx)).toBe(59);
    expect(conjecturedSecurityBits({ ...few, queryPowBits: 0 }, ctx)).toBe(59);
    expect(conjecturedSecurityBits({ ...DEFAULT_PARAMS, queryPowBits: 0 }, ctx)).toBe(85);
  });

  it('more queries never lower security; a larger trace never raises it', () => {
    const ctx = referenceSecurityContext(18);
    let last = 0;
    for (let q = 1; q <= 200; q += 7) {
      const bits = conjecturedSecurityBits({ ...DEFAULT_PARAMS, numQueries: q }, ctx);
      expect(bits).toBeGreaterThanOrEqual(last);
      last = bits;
    }
    expect(provenSecurityBits(PROVEN_PARAMS, referenceSecurityContext(24))).toBeLessThanOrEqual(provenSecurityBits(PROVEN_PARAMS, ctx));
  });
});

describe('assertAcceptableSecurity', () => {
  it('refuses TEST_PARAMS_INSECURE at 100 bits and accepts it at an explicitly lowered minimum', () => {
    const ctx = referenceSecurityContext(16);
    expectCode(() => assertAcceptableSecurity(TEST_PARAMS_INSECURE, ctx, 100), 'insufficient-security');
    assertAcceptableSecurity(TEST_PARAMS_INSECURE, ctx, 10);
  });

  it('accepts DEFAULT_PARAMS at 100 bits up to 2^20 rows and refuses it at 2^22 (field term)', () => {
    assertAcceptableSecurity(DEFAULT_PARAMS, referenceSecurityContext(20), 100);
    expectCode(() => assertAcceptableSecurity(DEFAULT_PARAMS, referenceSecurityContext(22), 100), 'insufficient-security');
  });

  it('refuses invalid parameters and contexts before computing anything', () => {
    const ctx = referenceSecurityContext(16);
    expectCode(() => assertAcceptableSecurity({ ...DEFAULT_PARAMS, numQueries: 0 }, ctx, 0), 'fri-zero-queries');
    expectCode(() => assertAcceptableSecurity({ ...DEFAULT_PARAMS, logBlowup: 0 }, ctx, 0), 'invalid-parameters');
    expectCode(() => assertAcceptableSecurity({ ...DEFAULT_PARAMS, queryPowBits: 1.5 }, ctx, 0), 'invalid-parameters');
    expectCode(() => assertAcceptableSecurity(DEFAULT_PARAMS, { ...ctx, logTraceHeight: -1 }, 0), 'invalid-parameters');
  });

  it('refuses lookupRepetitions outside the integers 1..4', () => {
    const ctx = referenceSecurityContext(16);
    for (const lookupRepetitions of [0, 5, 1.5, NaN, -1, Infinity]) {
      const params = { ...PROVEN_PARAMS, lookupRepetitions };
      expectCode(() => validateParams(params), 'invalid-parameters');
      expectCode(() => assertAcceptableSecurity(params, ctx, 0), 'invalid-parameters');
      expectCode(() => provenSecurityBits(params, ctx), 'invalid-parameters');
    }
    for (const lookupRepetitions of [1, 2, 3, 4]) validateParams({ ...PROVEN_PARAMS, lookupRepetitions });
  });
});

describe('every StarkParams field is accounted for', () => {
  const keys = Object.keys(DEFAULT_PARAMS).sort();

  it('is bounded, has a security role, and appears in every profile', () => {
    expect(keys).toContain('lookupRepetitions');
    expect(Object.keys(STARK_PARAM_BOUNDS).sort()).toEqual(keys);
    expect(Object.keys(PARAM_SECURITY_ROLE).sort()).toEqual(keys);
    expect(Object.keys(PROVEN_PARAMS).sort()).toEqual(keys);
    expect(Object.keys(TEST_PARAMS_INSECURE).sort()).toEqual(keys);
    for (const p of [DEFAULT_PARAMS, PROVEN_PARAMS, TEST_PARAMS_INSECURE]) validateParams(p);
  });

  it('is absorbed: changing any field changes the next challenge', () => {
    const challenge = (p: StarkParams) => {
      const t = new Transcript('params-test');
      absorbParams(t, p);
      return t.sampleField('c');
    };
    const base = challenge(DEFAULT_PARAMS);
    for (const key of keys as (keyof StarkParams)[]) {
      const [min, max] = STARK_PARAM_BOUNDS[key];
      const changed = DEFAULT_PARAMS[key] === max ? min : DEFAULT_PARAMS[key] + 1;
      expect(challenge({ ...DEFAULT_PARAMS, [key]: changed }), key).not.toBe(base);
    }
  });
});
