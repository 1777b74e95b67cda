// The optional worker-thread LDE and interpolation (Node only) must give exactly the single-threaded results, for batch shapes
// where the column count is below, equal to and above the thread count.
import { afterAll, describe, expect, it } from 'vitest';
import { P } from '../../src/stark/field/babybear.ts';
import { matrix, type Matrix } from '../../src/stark/matrix.ts';
import * as wasm from '../../src/stark/kernels/ntt-wasm.ts';
import * as ref from '../../src/stark/ntt-reference.ts';
import { startNttWorkers, stopNttWorkers, nttWorkerCount } from '../../src/stark/kernels/ntt-workers.ts';
import { fieldRng, testSeed } from '../helpers/naive-dft.ts';

const rng = fieldRng(testSeed('ntt-workers.test.ts', 4));
const randomMatrix = (width: number, height: number): Matrix => matrix(width, height, rng.array(width * height));

function firstMismatch(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('ntt worker threads', () => {
  afterAll(stopNttWorkers);

  it('rejects a bad worker count', async () => {
    await expect(startNttWorkers(0)).rejects.toThrow(RangeError);
    await expect(startNttWorkers(2.5)).rejects.toThrow(/count must be an integer/);
  });

  it('with 2 workers, every LDE entry point matches the reference', async () => {
    await startNttWorkers(2);
    expect(nttWorkerCount()).toBe(2);
    for (const [logN, logBlowup, width] of [[4, 1, 1], [5, 2, 2], [6, 1, 3], [7, 3, 4], [13, 1, 5], [17, 1, 3]]) {
      const evals = randomMatrix(width, 2 ** logN);
      expect(firstMismatch(wasm.cosetLde(evals, logBlowup, 7).values, ref.referenceCosetLde(evals, logBlowup, 7).values)).toBe(-1);
      const out = matrix(width, 2 ** (logN + logBlowup));
      wasm.cosetLdeInto(evals, logBlowup, out);
      expect(firstMismatch(out.values, ref.referenceCosetLde(evals, logBlowup).values)).toBe(-1);
      const coeffs = randomMatrix(width, 2 ** logN - 3);
      expect(firstMismatch(
        wasm.cosetLdeFromCoeffs(coeffs, logN + logBlowup).values,
        ref.referenceCosetLdeFromCoeffs(coeffs, logN + logBlowup).values,
      )).toBe(-1);
    }
    // coset interpolation in place: columns split across the threads, edge values (0, 1, p − 1) included
    for (const [logN, width, shift] of [[4, 1, 7], [5, 2, 1], [6, 3, 31], [10, 4, 7], [13, 5, 1], [16, 3, 7]]) {
      const evals = randomMatrix(width, 2 ** logN);
      evals.values.set([0, 1, P - 1, P - 1, 0, 1]);
      const out = matrix(width, 2 ** logN, evals.values.slice());
      wasm.cosetInterpolateInPlace(out, shift);
      expect(firstMismatch(out.values, ref.referenceCosetInterpolate(evals, shift).values)).toBe(-1);
    }
    // the single-threaded entry points keep working on the shared memory
    const a = rng.array(2 ** 12);
    const b = a.slice();
    wasm.ntt(b);
    wasm.intt(b);
    expect(firstMismatch(a, b)).toBe(-1);
  });

  it('stopping returns to the single-threaded kernel with the same results', async () => {
    const evals = randomMatrix(3, 64);
    const before = wasm.cosetLde(evals, 2).values;
    await stopNttWorkers();
    expect(nttWorkerCount()).toBe(0);
    expect(firstMismatch(wasm.cosetLde(evals, 2).values, before)).toBe(-1);
  });
});
