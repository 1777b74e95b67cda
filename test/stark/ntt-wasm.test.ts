// The wasm SIMD kernel against the TS reference (risc0's dual-backend idea): identical outputs on random data for
// every size the cache blocking distinguishes, several blowups and shifts, and the same rejections.
import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../src/stark/matrix.ts';
import * as wasm from '../../src/stark/kernels/ntt-wasm.ts';
import * as ref from '../../src/stark/ntt-reference.ts';
import * as routed from '../../src/stark/ntt.ts';
import { P_INV_MOD_2_32 } from '../../src/stark/kernels/ntt.wat.ts';
import { fieldRng, testSeed } from '../helpers/naive-dft.ts';

const rng = fieldRng(testSeed('ntt-wasm.test.ts', 3));
const P = 2013265921;
// 2^4 is the smallest kernel size; 2^12 / 2^16 are the L1 / L2 block sizes, so 2^13 and 2^17 exercise the blocking.
const LOG_SIZES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 17];

/** Element-wise comparison that stays fast on large arrays (toEqual walks typed arrays slowly) and names the first mismatch. */
function expectSame(got: Uint32Array, want: Uint32Array, what = ''): void {
  expect(got.length, what).toBe(want.length);
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  expect(i === got.length ? 'equal' : `index ${i}: ${got[i]} ≠ ${want[i]}`, what).toBe('equal');
}

const randomMatrix = (width: number, height: number): Matrix => matrix(width, height, rng.array(width * height));
/** Inputs with edge values (0, 1, p − 1) mixed in, since the kernel's reductions have boundary cases there. */
function edgyArray(n: number): Uint32Array {
  const a = rng.array(n);
  for (let i = 0; i < n; i += 5) a[i] = [0, 1, P - 1, P - 2][(i / 5) % 4];
  return a;
}

it('the kernel instantiates in Node ≥ 20 (else a broken module would silently fall back to the reference)', () => {
  expect(wasm.nttKernelAvailable()).toBe(true);
});

describe.skipIf(!wasm.nttKernelAvailable())('ntt wasm kernel vs reference', () => {
  it('p⁻¹ mod 2^32 is right', () => {
    expect(Math.imul(P, P_INV_MOD_2_32) >>> 0).toBe(1);
  });

  it('ntt and intt match the reference for every size', () => {
    for (const logN of LOG_SIZES) {
      const a = edgyArray(2 ** logN);
      const viaWasm = a.slice();
      const viaRef = a.slice();
      wasm.ntt(viaWasm);
      ref.referenceNtt(viaRef);
      expectSame(viaWasm, viaRef, `2^${logN}`);
      wasm.intt(viaWasm);
      expectSame(viaWasm, a, `2^${logN}`);
      const again = a.slice();
      wasm.intt(again);
      const refInv = a.slice();
      ref.referenceIntt(refInv);
      expectSame(again, refInv, `2^${logN}`);
    }
  });

  it('inttBitReversed equals bit-reversal then the reference intt, and the routed fallback agrees', () => {
    for (const logN of LOG_SIZES) {
      const a = edgyArray(2 ** logN);
      const viaWasm = a.slice();
      wasm.inttBitReversed(viaWasm);
      const viaRef = a.slice();
      ref.bitReversePermute(viaRef);
      ref.referenceIntt(viaRef);
      expectSame(viaWasm, viaRef, `2^${logN}`);
      const viaRouted = a.slice();
      routed.inttBitReversed(viaRouted);
      expectSame(viaRouted, viaRef, `routed 2^${logN}`);
    }
  });

  it('all-zero and all-(p − 1) inputs', () => {
    for (const fill of [0, P - 1]) {
      const a = new Uint32Array(64).fill(fill);
      const b = a.slice();
      wasm.ntt(a);
      ref.referenceNtt(b);
      expectSame(a, b);
    }
  });

  it('cosetLde matches the reference at several blowups, widths and shifts', () => {
    const cases: [number, number, number, number?][] = [
      // [logN, logBlowup, width, shift]
      [0, 1, 2], [1, 2, 3], [2, 1, 2], [3, 0, 2], [3, 1, 3], [3, 3, 1], [4, 2, 5, 7], [6, 1, 2], [8, 4, 2, 3],
      [11, 2, 3], [12, 1, 2], [13, 2, 2], [13, 0, 1], [16, 1, 1], [17, 1, 1],
    ];
    for (const [logN, logBlowup, width, shift] of cases) {
      const evals = randomMatrix(width, 2 ** logN);
      evals.values.set(edgyArray(Math.min(evals.values.length, 64)));
      const before = evals.values.slice();
      const got = wasm.cosetLde(evals, logBlowup, shift);
      expectSame(evals.values, before);
      const want = ref.referenceCosetLde(evals, logBlowup, shift);
      expect([got.width, got.height]).toEqual([want.width, want.height]);
      expectSame(got.values, want.values);
    }
  });

  it('cosetLdeFromCoeffs matches the reference, including ragged coefficient heights', () => {
    const cases: [number, number, number?][] = [
      // [coefficient height, logLdeHeight, shift]
      [0, 4], [1, 3], [3, 3], [5, 4], [8, 3], [8, 5], [9, 5, 7], [100, 9], [1024, 12], [4096, 13], [5000, 14], [65536, 17],
    ];
    for (const [h, logN, shift] of cases) {
      const coeffs = randomMatrix(2, h);
      const got = wasm.cosetLdeFromCoeffs(coeffs, logN, shift);
      const want = ref.referenceCosetLdeFromCoeffs(coeffs, logN, shift);
      expectSame(got.values, want.values);
    }
  });

  it('cosetInterpolate matches the reference and inverts the LDE', () => {
    for (const logN of [0, 2, 3, 4, 9, 12, 13, 16]) {
      for (const shift of [undefined, 5]) {
        const evals = randomMatrix(2, 2 ** logN);
        const got = wasm.cosetInterpolate(evals, shift);
        expectSame(got.values, ref.referenceCosetInterpolate(evals, shift).values);
        expectSame(wasm.cosetLdeFromCoeffs(got, logN, shift).values, evals.values);
      }
    }
  });

  it('cosetLdeInto writes the same LDE into a caller-owned matrix (kernel and routed API) and checks its shape', () => {
    for (const logN of [2, 6]) {
      const evals = randomMatrix(3, 2 ** logN);
      const want = ref.referenceCosetLde(evals, 2, 7);
      for (const into of [wasm.cosetLdeInto, routed.cosetLdeInto]) {
        const out = matrix(3, 4 * 2 ** logN, new Uint32Array(12 * 2 ** logN).fill(5));
        into(evals, 2, out, 7);
        expectSame(out.values, want.values);
        expect(() => into(evals, 2, matrix(3, 2 ** logN))).toThrow(/LDE output: expected 3×/);
        expect(() => into(evals, 2, matrix(2, 4 * 2 ** logN))).toThrow(/LDE output/);
      }
    }
  });

  it('results do not depend on call order (tables grown, then smaller sizes again)', () => {
    const small = randomMatrix(3, 32);
    const first = wasm.cosetLde(small, 2);
    wasm.cosetLde(randomMatrix(1, 2 ** 14), 3); // grows tables and memory
    expectSame(wasm.cosetLde(small, 2).values, first.values);
  });

  it('rejects the same inputs as the reference', () => {
    const bad: [string, () => unknown, () => unknown][] = [
      ['ntt length 12', () => wasm.ntt(new Uint32Array(12)), () => ref.referenceNtt(new Uint32Array(12))],
      ['intt length 0', () => wasm.intt(new Uint32Array(0)), () => ref.referenceIntt(new Uint32Array(0))],
      ['lde height 24', () => wasm.cosetLde(matrix(1, 24), 1), () => ref.referenceCosetLde(matrix(1, 24), 1)],
      ['lde blowup 2^20 × 2^8', () => wasm.cosetLde(matrix(0, 2 ** 20), 8), () => ref.referenceCosetLde(matrix(0, 2 ** 20), 8)],
      ['lde shift p', () => wasm.cosetLde(matrix(1, 8), 1, P), () => ref.referenceCosetLde(matrix(1, 8), 1, P)],
      ['coeffs too tall', () => wasm.cosetLdeFromCoeffs(matrix(1, 33), 5), () => ref.referenceCosetLdeFromCoeffs(matrix(1, 33), 5)],
      ['interpolate shift 0', () => wasm.cosetInterpolate(matrix(1, 8), 0), () => ref.referenceCosetInterpolate(matrix(1, 8), 0)],
    ];
    for (const [what, viaWasm, viaRef] of bad) {
      let refMessage = '';
      try {
        viaRef();
      } catch (e) {
        refMessage = (e as Error).message;
      }
      expect(refMessage, what).not.toBe('');
      expect(viaWasm, what).toThrow(refMessage);
    }
  });
});

if (!wasm.nttKernelAvailable()) console.warn('ntt-wasm.test.ts: WebAssembly SIMD unavailable — kernel tests SKIPPED');
