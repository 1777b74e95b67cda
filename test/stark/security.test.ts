/**
 * Security calculator: reproduces the table in docs/security.md for every profile, the SP1-style query
 * count of PROVEN_PARAMS, Winterfell's grinding rule, and the refusal helper. Also checks that every
 * FriParams field is bounded, documented for security and absorbed by the transcript.
 */
import { describe, expect, it } from 'vitest';
import { VerifyError } from '../../src/stark/errors.ts';
import { DEFAULT_PARAMS, PARAM_BOUNDS, PROVEN_PARAMS, TEST_PARAMS_INSECURE, absorbFriParams, validateFriParams } from '../../src/stark/fri/params.ts';
import type { FriParams } from '../../src/stark/fri/params.ts';
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

/** docs/security.md, "Profiles": [conjectured, proven] at trace heights 2^16, 2^20, 2^22 (reference context). */
const TABLE: Record<string, [FriParams, [number, number][]]> = {
  DEFAULT_PARAMS: [DEFAULT_PARAMS, [[101, 45], [100, 45], [98, 45]]],
  PROVEN_PARAMS: [PROVEN_PARAMS, [[104, 99], [100, 95], [98, 93]]],
  TEST_PARAMS_INSECURE: [TEST_PARAMS_INSECURE, [[15, 9], [15, 9], [15, 9]]],
};

describe('security levels', () => {
  for (const [name, [params, rows]] of Object.entries(TABLE)) {
    it(`${name} matches docs/security.md`, () => {
      [16, 20, 22].forEach((logN, k) => {
        const ctx = referenceSecurityContext(logN);
        expect([conjecturedSecurityBits(params, ctx), provenSecurityBits(params, ctx)]).toEqual(rows[k]);
      });
    });
  }

  it('PROVEN_PARAMS has the SP1 v6 query count for 100 bits at rate 1/4 with 16 grinding bits', () => {
    const rho = 2 ** -PROVEN_PARAMS.logBlowup;
    expect(PROVEN_PARAMS.numQueries).toBe(Math.ceil((100 - PROVEN_PARAMS.queryPowBits) / -Math.log2((1 + rho) / 2)));
    expect(PROVEN_PARAMS.numQueries).toBe(124);
    expect(provenSecurityTerms(PROVEN_PARAMS, referenceSecurityContext(20)).query).toBeGreaterThanOrEqual(100);
  });

  it('the per-round and DEEP field terms cap what a degree-4 extension can prove near 2^22 rows', () => {
    const terms = provenSecurityTerms(PROVEN_PARAMS, referenceSecurityContext(22));
    expect(terms.deep).toBeLessThan(100);
    expect(terms.batching).toBeLessThan(100);
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
});

describe('every FriParams field is accounted for', () => {
  const keys = Object.keys(DEFAULT_PARAMS).sort();

  it('is bounded, has a security role, and appears in every profile', () => {
    expect(Object.keys(PARAM_BOUNDS).sort()).toEqual(keys);
    expect(Object.keys(PARAM_SECURITY_ROLE).sort()).toEqual(keys);
    expect(Object.keys(PROVEN_PARAMS).sort()).toEqual(keys);
    expect(Object.keys(TEST_PARAMS_INSECURE).sort()).toEqual(keys);
    for (const p of [DEFAULT_PARAMS, PROVEN_PARAMS, TEST_PARAMS_INSECURE]) validateFriParams(p);
  });

  it('is absorbed: changing any field changes the next challenge', () => {
    const challenge = (p: FriParams) => {
      const t = new Transcript('params-test');
      absorbFriParams(t, p);
      return t.sampleField('c');
    };
    const base = challenge(DEFAULT_PARAMS);
    for (const key of keys as (keyof FriParams)[]) {
      const [min, max] = PARAM_BOUNDS[key];
      const changed = DEFAULT_PARAMS[key] === max ? min : DEFAULT_PARAMS[key] + 1;
      expect(challenge({ ...DEFAULT_PARAMS, [key]: changed }), key).not.toBe(base);
    }
  });
});
