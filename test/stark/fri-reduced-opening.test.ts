/**
 * The coefficient-form reduced opening (fri/reduced-opening.ts) against the pointwise DEEP formula it replaces
 * (deep.ts addDeepQuotient over the whole LDE), for honest claims and for claims that are off (the fallback);
 * Ruffini's division against ext4 arithmetic; the in-domain point is refused.
 */
import { describe, expect, it } from 'vitest';
import { GENERATOR, P, mul, pow, twoAdicGenerator } from '../../src/stark/field/babybear.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { bitReverse, matrix } from '../../src/stark/matrix.ts';
import type { Matrix } from '../../src/stark/matrix.ts';
import { cosetLde } from '../../src/stark/ntt.ts';
import { addDeepQuotient, barycentricWeights, combineExts, cosetPointsBitRev, evaluateColumns } from '../../src/stark/fri/deep.ts';
import { addScaledBase } from '../../src/stark/fri/packed.ts';
import { BufferPool } from '../../src/stark/fri/pool.ts';
import { divideByLinear, divideByLinear2, packColumns, reducedOpening, referenceDivideByLinear, unpackBitReversed } from '../../src/stark/fri/reduced-opening.ts';
import type { OpeningTerm } from '../../src/stark/fri/reduced-opening.ts';

const SEED = 0x4ed0;
console.info(`fri-reduced-opening.test.ts seed ${SEED.toString(16)}`);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
const next = rng(SEED);
function randomField(): number {
  for (;;) {
    const x = next() & 0x7fffffff;
    if (x < P) return x;
  }
}
const randomExt = (): Ext4 => [randomField(), randomField(), randomField(), randomField()];
function randomMatrix(width: number, height: number): Matrix {
  const m = matrix(width, height);
  for (let i = 0; i < m.values.length; i++) m.values[i] = randomField();
  return m;
}

/** The pointwise formula on every LDE row: Σ_terms Σ_p μ_p·(Σ_c r_c·f_c(x) − y_p)/(x − z_p). */
function pointwiseOracle(terms: OpeningTerm[], logHeight: number): Uint32Array {
  const N = 1 << logHeight;
  const acc = new Uint32Array(4 * N);
  const xs = cosetPointsBitRev(logHeight, GENERATOR);
  for (const t of terms) {
    const combined = new Uint32Array(4 * N);
    for (let c = 0; c < t.lde.width; c++) addScaledBase(combined, t.lde.values.subarray(c * N, (c + 1) * N), t.columnCoeffs[c]);
    t.points.forEach((z, p) => {
      const numer = new Uint32Array(4 * N);
      for (let i = 0; i < N; i++) ext.store(numer, i, ext.mul(t.pointCoeffs[p], ext.load(combined, i)));
      addDeepQuotient(acc, numer, ext.mul(t.pointCoeffs[p], t.claimed[p]), xs, z);
    });
  }
  return acc;
}

const logN = 6;
const logBlowup = 2;
const logHeight = logN + logBlowup;
const zeta = randomExt();
const zetaNext = ext.mulBase(zeta, twoAdicGenerator(logN));

/** Two matrices of one height; the first opened at ζ and ζω, the second at ζ only (shared point → one group). */
function honestTerms(): OpeningTerm[] {
  const specs = [{ width: 3, points: [zeta, zetaNext] }, { width: 5, points: [zeta] }];
  return specs.map(({ width, points }) => {
    const lde = cosetLde(randomMatrix(width, 1 << logN), logBlowup, GENERATOR);
    const columnCoeffs = Array.from({ length: width }, randomExt);
    const claimed = points.map((z) => combineExts(evaluateColumns(lde, logN, barycentricWeights(logN, z, GENERATOR)), columnCoeffs));
    return { lde, columnCoeffs, points, pointCoeffs: points.map(randomExt), claimed };
  });
}

describe('reduced opening', () => {
  // n = 8 runs the plain-TS reference, n = 64 the SIMD kernel: both must satisfy the identity.
  for (const n of [8, 64]) {
    it(`divideByLinear: (Y − u)·h + g(u) = g, and adds h into the packed accumulator (n = ${n})`, () => {
      const g = new Uint32Array(4 * n).map(randomField);
      g.fill(P - 1, 0, 3);
      const u = randomExt();
      const start = new Uint32Array(4 * n).map(randomField);
      const acc = start.slice();
      const remainder = divideByLinear(g, n, u, acc);
      const h = Array.from({ length: n }, (_, i) => ext.sub(ext.load(acc, i), ext.load(start, i)));
      const coeff = (i: number): Ext4 => [g[i], g[n + i], g[2 * n + i], g[3 * n + i]];
      expect(h[n - 1]).toEqual(ext.ZERO);
      // coefficient i of (Y − u)·h + r: h_{i−1} − u·h_i (+ r at i = 0)
      for (let i = 0; i < n; i++) {
        let c = ext.neg(ext.mul(u, h[i]));
        if (i > 0) c = ext.add(c, h[i - 1]);
        if (i === 0) c = ext.add(c, remainder);
        expect(c).toEqual(coeff(i));
      }
      const accReference = start.slice();
      expect(referenceDivideByLinear(g, n, u, accReference)).toEqual(remainder);
      expect(accReference).toEqual(acc);
    });

    it(`divideByLinear2 equals two reference divisions into one accumulator (n = ${n}, edge values)`, () => {
      const g1 = new Uint32Array(4 * n).map(randomField);
      const g2 = new Uint32Array(4 * n).map(randomField);
      g1.fill(P - 1, 0, 5);
      g2.fill(0, 2 * n, 3 * n);
      g2[4 * n - 1] = 1;
      const u1 = randomExt();
      const u2: Ext4 = [P - 1, 1, 0, P - 1];
      const start = new Uint32Array(4 * n).map(randomField);
      start.fill(P - 1, 0, 8);
      const acc = start.slice();
      const remainders = divideByLinear2(g1, g2, n, u1, u2, acc);
      const expected = start.slice();
      expect(remainders).toEqual([referenceDivideByLinear(g1, n, u1, expected), referenceDivideByLinear(g2, n, u2, expected)]);
      expect(acc).toEqual(expected);
    });
  }

  it('unpackBitReversed: limb k of natural row bitrev(i) is word k of packed element i (plain and tiled paths)', () => {
    for (const logN of [3, 10, 13]) {
      const n = 1 << logN;
      const packedValues = new Uint32Array(4 * n).map(randomField);
      const limbs = new Uint32Array(4 * n);
      unpackBitReversed(packedValues, logN, limbs);
      let mismatches = 0;
      for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) if (limbs[k * n + bitReverse(i, logN)] !== packedValues[4 * i + k]) mismatches++;
      expect(mismatches).toBe(0);
    }
  });

  it('equals the pointwise formula for honest claims', () => {
    const terms = honestTerms();
    const out = new Uint32Array(4 << logHeight);
    const form = reducedOpening(terms, logHeight, logBlowup, GENERATOR, out, new BufferPool());
    if (form === null) throw new Error('honest claims taken for inconsistent ones');
    expect(out.every((w) => w === 0)).toBe(true); // honest claims leave out alone: the codeword comes as limb columns
    const height = 1 << logHeight;
    packColumns(form.columns, height, out);
    expect(out).toEqual(pointwiseOracle(terms, logHeight));
  });

  it('falls back to the pointwise formula (a pole, not a polynomial) when a claim is off', () => {
    const terms = honestTerms();
    const bad = { ...terms[1], claimed: [ext.add(terms[1].claimed[0], ext.ONE)] };
    const cheat = [terms[0], bad];
    const out = new Uint32Array(4 << logHeight);
    expect(reducedOpening(cheat, logHeight, logBlowup, GENERATOR, out, new BufferPool())).toBeNull();
    expect(out).toEqual(pointwiseOracle(cheat, logHeight));
  });

  it('refuses a point of the LDE domain', () => {
    const terms = honestTerms();
    const inDomain: Ext4 = ext.fromBase(mul(GENERATOR, pow(twoAdicGenerator(logHeight), 5)));
    const bad = [{ ...terms[1], points: [inDomain] }];
    expect(() => reducedOpening(bad, logHeight, logBlowup, GENERATOR, new Uint32Array(4 << logHeight), new BufferPool())).toThrow(RangeError);
  });
});
