// The buffer-reusing NTT entry points (cosetLdeFromCoeffsInto, cosetInterpolateInPlace) against the reference, on
// the kernel and the routed API, at sizes below and above the kernel's minimum, and their output-shape checks.
import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../src/stark/matrix.ts';
import * as wasm from '../../src/stark/kernels/ntt-wasm.ts';
import * as ref from '../../src/stark/ntt-reference.ts';
import * as routed from '../../src/stark/ntt.ts';
import { fieldRng, testSeed } from '../helpers/naive-dft.ts';

const rng = fieldRng(testSeed('ntt-into.test.ts', 1));
const randomMatrix = (width: number, height: number): Matrix => matrix(width, height, rng.array(width * height));

function expectSame(got: Uint32Array, want: Uint32Array): void {
  expect(got.length).toBe(want.length);
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  expect(i === got.length ? 'equal' : `index ${i}: ${got[i]} ≠ ${want[i]}`).toBe('equal');
}

describe.skipIf(!wasm.nttKernelAvailable())('buffer-reusing NTT entry points', () => {
  it('cosetLdeFromCoeffsInto overwrites a dirty buffer with the reference LDE and checks its shape', () => {
    const cases: [number, number, number?][] = [[3, 3], [8, 4, 7], [16, 6], [100, 9, 5], [4096, 14]];
    for (const [h, logN, shift] of cases) {
      const coeffs = randomMatrix(3, h);
      const want = ref.referenceCosetLdeFromCoeffs(coeffs, logN, shift);
      for (const into of [wasm.cosetLdeFromCoeffsInto, routed.cosetLdeFromCoeffsInto]) {
        const out = matrix(3, 2 ** logN, new Uint32Array(3 * 2 ** logN).fill(9));
        into(coeffs, logN, out, shift);
        expectSame(out.values, want.values);
        expect(() => into(coeffs, logN, matrix(3, 2 ** (logN - 1)), shift)).toThrow(/LDE output: expected 3×/);
        expect(() => into(coeffs, logN, matrix(2, 2 ** logN), shift)).toThrow(/LDE output/);
      }
    }
  });

  it('cosetInterpolateInPlace leaves the reference coefficients in its input', () => {
    for (const logN of [0, 3, 4, 9, 13]) {
      for (const shift of [undefined, 5]) {
        const evals = randomMatrix(2, 2 ** logN);
        const want = ref.referenceCosetInterpolate(evals, shift);
        for (const inPlace of [wasm.cosetInterpolateInPlace, routed.cosetInterpolateInPlace]) {
          const m = matrix(2, 2 ** logN, evals.values.slice());
          inPlace(m, shift);
          expectSame(m.values, want.values);
        }
      }
    }
    expect(() => routed.cosetInterpolateInPlace(matrix(1, 12))).toThrow();
    expect(() => routed.cosetInterpolateInPlace(matrix(1, 8), 2013265921)).toThrow(/shift/);
  });
});
