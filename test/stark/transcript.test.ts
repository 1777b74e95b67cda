import { describe, expect, it } from 'vitest';
import { blake3 } from '@noble/hashes/blake3.js';
import { P } from '../../src/stark/field/babybear.ts';
import { MAX_POW_BITS, Transcript } from '../../src/stark/transcript.ts';

type Op = (t: Transcript) => void;
const digest = (fill: number) => new Uint8Array(32).fill(fill);

// A prover-like script; each op absorbs something.
const SCRIPT: Op[] = [
  (t) => t.absorbU32s('params', [2, 100, 16]),
  (t) => t.absorbDigest('main root', digest(1)),
  (t) => t.absorbField('claimed sum', 12345),
  (t) => t.absorbExt('zeta value', [1, 2, 3, 4]),
  (t) => t.absorbExts('opened', [[5, 6, 7, 8], [9, 10, 11, 12]]),
  (t) => t.absorbBytes('public values', Uint8Array.of(1, 2, 3)),
  (t) => t.absorbFields('final poly', [P - 1, 0, 1]),
];
// One change per op: a byte, a label, a type (same bytes through another absorb call)
const MUTATIONS: [number, Op][] = [
  [0, (t) => t.absorbU32s('params', [2, 100, 17])],
  [0, (t) => t.absorbU32s('param', [2, 100, 16])],
  [1, (t) => t.absorbDigest('main root', Uint8Array.from(digest(1), (b, i) => (i === 31 ? b ^ 0x80 : b)))],
  [1, (t) => t.absorbBytes('main root', digest(1))],
  [2, (t) => t.absorbField('claimed sum', 12346)],
  [2, (t) => t.absorbU32s('claimed sum', [12345])],
  [3, (t) => t.absorbExt('zeta value', [1, 2, 3, 5])],
  [4, (t) => t.absorbExts('opened', [[5, 6, 7, 8]])],
  [5, (t) => t.absorbBytes('public values', Uint8Array.of(1, 2, 3, 0))],
  [6, (t) => t.absorbFields('final poly', [P - 1, 0, 2])],
];

function samplesAfter(ops: Op[]): number[] {
  const t = new Transcript('zkc-test');
  const out: number[] = [];
  for (const op of ops) {
    op(t);
    out.push(t.sampleField('alpha'), ...t.sampleExt('beta'));
  }
  return out;
}

describe('Transcript absorption', () => {
  it('is deterministic', () => {
    expect(samplesAfter(SCRIPT)).toEqual(samplesAfter(SCRIPT));
  });

  it.each(MUTATIONS.map(([k, op], i) => [i, k, op] as const))('mutation %i (of op %i) changes every later sample', (_, k, op) => {
    const honest = samplesAfter(SCRIPT);
    const changed = samplesAfter(SCRIPT.map((o, i) => (i === k ? op : o)));
    expect(changed.slice(0, 5 * k)).toEqual(honest.slice(0, 5 * k));
    for (let i = 5 * k; i < honest.length; i++) expect(changed[i]).not.toBe(honest[i]);
  });

  it('swapping two absorptions, or the protocol label, changes every sample', () => {
    const swapped = [SCRIPT[1], SCRIPT[0], ...SCRIPT.slice(2)];
    const a = samplesAfter(SCRIPT).slice(5);
    const b = samplesAfter(swapped).slice(5);
    a.forEach((x, i) => expect(b[i]).not.toBe(x));
    const other = new Transcript('zkc-test2');
    const mine = new Transcript('zkc-test');
    expect(other.sampleField('alpha')).not.toBe(mine.sampleField('alpha'));
  });

  it('frames are unambiguous: boundaries and labels cannot be shifted', () => {
    const run = (f: Op) => {
      const t = new Transcript('p');
      f(t);
      return t.sampleField('x');
    };
    const split1 = run((t) => (t.absorbBytes('l', Uint8Array.of(1, 2)), t.absorbBytes('l', Uint8Array.of(3))));
    const split2 = run((t) => (t.absorbBytes('l', Uint8Array.of(1)), t.absorbBytes('l', Uint8Array.of(2, 3))));
    const label1 = run((t) => t.absorbBytes('ab', Uint8Array.of(99)));
    const label2 = run((t) => t.absorbBytes('a', Uint8Array.of(98, 99)));
    expect(new Set([split1, split2, label1, label2]).size).toBe(4);
  });

  it('rejects non-canonical field elements, non-u32 words and wrong digest lengths', () => {
    const t = new Transcript('p');
    expect(() => t.absorbField('x', P)).toThrow(RangeError);
    expect(() => t.absorbExt('x', [0, 0, 0, P + 3])).toThrow(RangeError);
    expect(() => t.absorbExts('x', [[0, 0, 0, 0], [1, -1, 0, 0]])).toThrow(RangeError);
    expect(() => t.absorbFields('x', [1.5])).toThrow(RangeError);
    expect(() => t.absorbU32s('x', [2 ** 32])).toThrow(RangeError);
    expect(() => t.absorbDigest('x', new Uint8Array(31))).toThrow(RangeError);
  });
});

/** The documented construction, rebuilt from noble's BLAKE3 alone (a spec check, not a copy of the code). */
function frame(label: string, type: number, data: Uint8Array): number[] {
  const l = new TextEncoder().encode(label);
  const u32 = (x: number) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24];
  return [...u32(l.length), ...l, type, ...u32(data.length), ...data];
}
function specWords(frames: number[], count: number): number[] {
  const seed = blake3(Uint8Array.from(frames));
  const words: number[] = [];
  for (let j = 0; words.length < count; j++) {
    const out = blake3(Uint8Array.of(j & 0xff, (j >>> 8) & 0xff, 0, 0), { key: seed });
    const view = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) words.push(view.getUint32(4 * i, true));
  }
  return words;
}
const SAMPLE_FIELD = 16;
const GRIND = 20;

describe('Transcript sampling', () => {
  it('sampleField follows the documented construction, including a rejected draw', () => {
    const header = frame('protocol', 0, new TextEncoder().encode('spec'));
    let rejections = 0;
    for (let i = 0; i < 64; i++) {
      const label = `c${i}`;
      const words = specWords([...header, ...frame(label, SAMPLE_FIELD, new Uint8Array(0))], 16).map((w) => w & 0x7fffffff);
      const expected = words.find((w) => w < P)!;
      if (words[0] >= P) rejections++;
      expect(new Transcript('spec').sampleField(label)).toBe(expected);
    }
    expect(rejections).toBeGreaterThan(0); // acceptance is 15/16: 64 labels make a rejection near certain (seeded, fixed)
  });

  it('consecutive samples under one label differ; values stay in range', () => {
    const t = new Transcript('p');
    const xs = Array.from({ length: 2000 }, () => t.sampleField('alpha'));
    expect(new Set(xs).size).toBe(xs.length);
    expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x < P)).toBe(true);
    // mean of 2000 uniform draws in [0, p): within 5 standard deviations of p/2
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - P / 2)).toBeLessThan((5 * P) / Math.sqrt(12 * xs.length));
    t.sampleExt('beta').forEach((x) => expect(x).toBeLessThan(P));
  });

  it('sampleBits and sampleIndices cover exactly [0, 2^bits)', () => {
    const t = new Transcript('p');
    for (const bits of [0, 1, 5, 30]) {
      const xs = t.sampleIndices('q', 300, bits);
      expect(xs.length).toBe(300);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** bits)).toBe(true);
      if (bits >= 1) expect(Math.max(...xs)).toBeGreaterThan(2 ** bits / 2 - 1);
      expect(t.sampleBits('b', bits)).toBeLessThan(2 ** bits);
    }
    const seen = new Set(t.sampleIndices('q', 400, 3));
    expect(seen.size).toBe(8);
    expect(t.sampleIndices('q', 0, 10)).toEqual([]);
    expect(() => t.sampleBits('b', 31)).toThrow(RangeError);
    expect(() => t.sampleIndices('q', -1, 4)).toThrow(RangeError);
  });
});

describe('Transcript grinding', () => {
  const prefix = (t: Transcript) => t.absorbDigest('final root', digest(9));

  it('grind finds the smallest valid nonce, checkGrind accepts it and both transcripts stay in step', () => {
    const bits = 10;
    const prover = new Transcript('p');
    prefix(prover);
    const nonce = prover.grind('pow', bits);
    const verifier = new Transcript('p');
    prefix(verifier);
    expect(verifier.checkGrind('pow', bits, nonce)).toBe(true);
    expect(verifier.sampleIndices('queries', 5, 12)).toEqual(prover.sampleIndices('queries', 5, 12));

    // independent check of the target: top `bits` bits of the first word of BLAKE3_keyed(seed, u32le(nonce))
    const frames = [
      ...frame('protocol', 0, new TextEncoder().encode('p')),
      ...frame('final root', 7, digest(9)),
      ...frame('pow', GRIND, Uint8Array.of(bits, 0, 0, 0)),
    ];
    const seed = blake3(Uint8Array.from(frames));
    const firstWord = (n: number) =>
      new DataView(blake3(Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24), { key: seed }).buffer).getUint32(0, true);
    expect(firstWord(nonce) >>> (32 - bits)).toBe(0);
    for (let n = 0; n < nonce; n++) expect(firstWord(n) >>> (32 - bits)).not.toBe(0);
    const invalid = [...Array(64).keys()].map((i) => nonce + 1 + i).find((n) => firstWord(n) >>> (32 - bits) !== 0)!;
    const v2 = new Transcript('p');
    prefix(v2);
    expect(v2.checkGrind('pow', bits, invalid)).toBe(false);
  });

  it('the nonce is absorbed: a different valid nonce leads to different queries', () => {
    const bits = 2;
    const a = new Transcript('p');
    const na = a.grind('pow', bits);
    let other = -1;
    for (let n = na + 1; other < 0; n++) {
      const probe = new Transcript('p');
      if (probe.checkGrind('pow', bits, n)) other = n;
    }
    const b = new Transcript('p');
    expect(b.checkGrind('pow', bits, other)).toBe(true);
    expect(b.sampleField('z')).not.toBe(a.sampleField('z'));
  });

  it('rejects malformed nonces and out-of-range bits', () => {
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) expect(new Transcript('p').checkGrind('pow', 4, bad)).toBe(false);
    expect(new Transcript('p').grind('pow', 0)).toBe(0);
    expect(new Transcript('p').checkGrind('pow', 0, 123)).toBe(true);
    expect(() => new Transcript('p').grind('pow', MAX_POW_BITS + 1)).toThrow(RangeError);
    expect(() => new Transcript('p').checkGrind('pow', -1, 0)).toThrow(RangeError);
  });
});
