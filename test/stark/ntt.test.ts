// NTT and coset LDE against their definitions: a naive O(n²) DFT and Horner evaluation at the bit-reversed
// coset points of docs/stark.md. Runs on the reference and on the routed API (wasm kernel when available).
import { describe, expect, it } from 'vitest';
import { GENERATOR, mul, pow, twoAdicGenerator } from '../../src/stark/field/babybear.ts';
import { matrix, bitReverse, column, type Matrix } from '../../src/stark/matrix.ts';
import * as routed from '../../src/stark/ntt.ts';
import * as ref from '../../src/stark/ntt-reference.ts';
import { naiveDft, horner, fieldRng, testSeed } from '../helpers/naive-dft.ts';

const rng = fieldRng(testSeed('ntt.test.ts', 1));

interface NttApi {
  ntt(v: Uint32Array): void;
  intt(v: Uint32Array): void;
  cosetLde(m: Matrix, logBlowup: number, shift?: number): Matrix;
  cosetLdeFromCoeffs(m: Matrix, logLdeHeight: number, shift?: number): Matrix;
  cosetInterpolate(m: Matrix, shift?: number): Matrix;
}
const implementations: [string, NttApi][] = [
  ['reference', {
    ntt: ref.referenceNtt,
    intt: ref.referenceIntt,
    cosetLde: ref.referenceCosetLde,
    cosetLdeFromCoeffs: ref.referenceCosetLdeFromCoeffs,
    cosetInterpolate: ref.referenceCosetInterpolate,
  }],
  ['ntt.ts', routed],
];

function randomMatrix(width: number, height: number): Matrix {
  return matrix(width, height, rng.array(width * height));
}

/** Expected LDE row i: f(shift·ω_N^bitrev_N(i)) for f given by its coefficients. */
function expectedLde(coeffs: Uint32Array, logN: number, shift: number): Uint32Array {
  const N = 2 ** logN;
  const w = twoAdicGenerator(logN);
  const out = new Uint32Array(N);
  for (let i = 0; i < N; i++) out[i] = horner(coeffs, mul(shift, pow(w, bitReverse(i, logN))));
  return out;
}

describe('mulFast', () => {
  it('matches BigInt on edge and random values', () => {
    const p = 2013265921n;
    const edge = [0, 1, 2, 65535, 65536, 65537, 2 ** 30, 2013265919, 2013265920];
    const values = [...edge, ...rng.array(200)];
    for (const a of values) for (const b of edge.concat([values[values.length - 1]])) {
      expect(ref.mulFast(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % p));
    }
    for (let i = 0; i < 20000; i++) {
      const a = rng.next();
      const b = rng.next();
      expect(ref.mulFast(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % p));
    }
  });
});

describe.each(implementations)('%s', (_name, api) => {
  it('ntt matches the naive DFT, n = 1 … 2^9', () => {
    for (let logN = 0; logN <= 9; logN++) {
      for (let rep = 0; rep < 2; rep++) {
        const a = rng.array(2 ** logN);
        const expected = naiveDft(a);
        api.ntt(a);
        expect(a).toEqual(expected);
      }
    }
  });

  it('intt matches the naive inverse DFT and inverts ntt', () => {
    for (let logN = 0; logN <= 9; logN++) {
      const a = rng.array(2 ** logN);
      const expected = naiveDft(a, true);
      const b = a.slice();
      api.intt(b);
      expect(b).toEqual(expected);
      api.ntt(b);
      expect(b).toEqual(a);
    }
    for (const logN of [12, 15]) {
      const a = rng.array(2 ** logN);
      const b = a.slice();
      api.ntt(b);
      expect(b).not.toEqual(a);
      api.intt(b);
      expect(b).toEqual(a);
    }
  });

  it('cosetLde equals Horner evaluation at the bit-reversed coset points', () => {
    const cases: [number, number, number][] = [
      // [logN, logBlowup, width]
      [0, 0, 1], [0, 2, 2], [1, 0, 3], [1, 1, 2], [2, 3, 1], [3, 1, 5], [4, 2, 3], [5, 1, 2], [6, 3, 1], [7, 2, 2],
    ];
    for (const [logN, logBlowup, width] of cases) {
      const evals = randomMatrix(width, 2 ** logN);
      const before = evals.values.slice();
      const lde = api.cosetLde(evals, logBlowup);
      expect(evals.values).toEqual(before); // input untouched
      expect(lde.width).toBe(width);
      expect(lde.height).toBe(2 ** (logN + logBlowup));
      for (let c = 0; c < width; c++) {
        const coeffs = naiveDft(column(evals, c), true);
        expect(column(lde, c)).toEqual(expectedLde(coeffs, logN + logBlowup, GENERATOR));
      }
    }
  });

  it('cosetLde handles many columns and a custom shift', () => {
    const evals = randomMatrix(37, 16);
    const shift = 7;
    const lde = api.cosetLde(evals, 2, shift);
    for (const c of [0, 1, 18, 36]) {
      expect(column(lde, c)).toEqual(expectedLde(naiveDft(column(evals, c), true), 6, shift));
    }
  });

  it('cosetLde of a zero-width matrix is zero-width', () => {
    const lde = api.cosetLde(matrix(0, 8), 1);
    expect([lde.width, lde.height, lde.values.length]).toEqual([0, 16, 0]);
  });

  it('cosetLdeFromCoeffs zero-pads short coefficient columns', () => {
    for (const [h, logN] of [[1, 0], [1, 3], [3, 3], [8, 3], [5, 6], [64, 6]] as const) {
      const coeffs = randomMatrix(3, h);
      const lde = api.cosetLdeFromCoeffs(coeffs, logN, 11);
      for (let c = 0; c < 3; c++) expect(column(lde, c)).toEqual(expectedLde(column(coeffs, c), logN, 11));
    }
  });

  it('the first N/2^m rows of a bit-reversed LDE are the LDE on the smaller coset', () => {
    const evals = randomMatrix(2, 32);
    const big = api.cosetLde(evals, 3);
    const small = api.cosetLde(evals, 1);
    for (let c = 0; c < 2; c++) expect(column(big, c).subarray(0, 64)).toEqual(column(small, c));
  });

  it('cosetInterpolate inverts cosetLdeFromCoeffs, including zero padding', () => {
    for (const [h, logN] of [[1, 0], [4, 2], [4, 5], [32, 5], [100, 9]] as const) {
      const coeffs = randomMatrix(2, h);
      for (const shift of [GENERATOR, 3]) {
        const lde = api.cosetLdeFromCoeffs(coeffs, logN, shift);
        const before = lde.values.slice();
        const back = api.cosetInterpolate(lde, shift);
        expect(lde.values).toEqual(before);
        for (let c = 0; c < 2; c++) {
          const expected = new Uint32Array(2 ** logN);
          expected.set(column(coeffs, c));
          expect(column(back, c)).toEqual(expected);
        }
      }
    }
  });

  it('rejects bad shapes and parameters', () => {
    expect(() => api.ntt(new Uint32Array(3))).toThrow(RangeError);
    expect(() => api.intt(new Uint32Array(0))).toThrow(RangeError);
    expect(() => api.cosetLde(matrix(1, 6), 1)).toThrow(RangeError);
    expect(() => api.cosetLde(matrix(1, 8), -1)).toThrow(/logBlowup/);
    expect(() => api.cosetLde(matrix(1, 8), 25)).toThrow(/logBlowup/);
    expect(() => api.cosetLde(matrix(1, 8), 1, 0)).toThrow(/shift/);
    expect(() => api.cosetLdeFromCoeffs(matrix(1, 9), 3)).toThrow(/exceeds/);
    expect(() => api.cosetLdeFromCoeffs(matrix(1, 4), 28)).toThrow(/logLdeHeight/);
    expect(() => api.cosetInterpolate(matrix(1, 8), 2013265921)).toThrow(/shift/);
  });
});
