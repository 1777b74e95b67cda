/**
 * FRI's fold in coefficient form (fri/fold.ts foldCoefficients, the prover's shortcut for its first layer) against
 * the codeword fold it replaces, and the SIMD kernel against the plain-TS loop.
 */
import { describe, expect, it } from 'vitest';
import { P } from '../../src/stark/field/babybear.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { matrix } from '../../src/stark/matrix.ts';
import { cosetLdeFromCoeffs } from '../../src/stark/ntt.ts';
import { foldCodeword, foldCoefficients } from '../../src/stark/fri/fold.ts';
import { foldCoefficientsWithKernel } from '../../src/stark/kernels/ext4-wasm.ts';

let state = 0x2545f491;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state >>> 0;
};
const field = (i: number) => (i % 9 === 0 ? [0, 1, P - 1][i % 3] : next() % P);
const randomCoeffs = (m: number) => Uint32Array.from({ length: 4 * m }, (_, i) => field(i));

/** Bit-reversed evaluations (shift 1) on H_{2^logN} of limb-column coefficients, packed. */
function packedLde(coeffs: Uint32Array, m: number, logN: number): Uint32Array {
  const lde = cosetLdeFromCoeffs(matrix(4, m, coeffs), logN, 1);
  const N = 1 << logN;
  const out = new Uint32Array(4 * N);
  for (let i = 0; i < N; i++) for (let l = 0; l < 4; l++) out[4 * i + l] = lde.values[l * N + i];
  return out;
}

describe('foldCoefficients', () => {
  const beta: Ext4 = [P - 1, 12345, 0, P - 2];
  for (const [logM, logArity] of [[6, 1], [7, 3], [10, 3], [9, 4], [12, 2]] as const) {
    it(`its LDE equals the folded codeword (2^${logM} coefficients, arity 2^${logArity})`, () => {
      const m = 1 << logM;
      const coeffs = randomCoeffs(m);
      const logN = logM + 2;
      const folded = new Uint32Array(4 * (m >> logArity));
      foldCoefficients(coeffs, m, logArity, beta, folded);
      expect(packedLde(folded, m >> logArity, logN - logArity)).toEqual(foldCodeword(packedLde(coeffs, m, logN), logN, logArity, beta));
    });
  }

  it('the kernel equals the plain-TS Horner loop (edge values), and declines below 16 outputs', () => {
    const m = 1 << 10;
    const coeffs = randomCoeffs(m);
    coeffs.fill(P - 1, 0, 40);
    for (const logArity of [1, 2, 3, 4]) {
      const viaKernel = new Uint32Array(4 * (m >> logArity));
      expect(foldCoefficientsWithKernel(coeffs, m, logArity, beta, viaKernel)).toBe(true);
      // the reference: the same loop foldCoefficients runs without the kernel (below its 16-output minimum, per block)
      const expected = new Uint32Array(viaKernel.length);
      const count = m >> logArity;
      for (let k = 0; k < count; k++) {
        let acc = [0, 0, 0, 0];
        for (let t = (1 << logArity) - 1; t >= 0; t--) {
          const i = (k << logArity) + t;
          acc = mulAdd(acc, beta, [coeffs[i], coeffs[m + i], coeffs[2 * m + i], coeffs[3 * m + i]]);
        }
        for (let l = 0; l < 4; l++) expected[l * count + k] = acc[l];
      }
      expect(viaKernel).toEqual(expected);
    }
    expect(foldCoefficientsWithKernel(coeffs.subarray(0, 4 * 32), 32, 2, beta, new Uint32Array(4 * 8))).toBe(false);
  });
});

/** a·b + c in F_p[x]/(x^4 − 11), with BigInt (independent of the field module). */
function mulAdd(a: number[], b: readonly number[], c: readonly number[]): number[] {
  const p = BigInt(P);
  const r = [0n, 0n, 0n, 0n];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const prod = BigInt(a[i]) * BigInt(b[j]);
      if (i + j < 4) r[i + j] += prod;
      else r[i + j - 4] += 11n * prod;
    }
  }
  return r.map((x, i) => Number((x + BigInt(c[i])) % p));
}
