/**
 * DEEP openings for the PCS: evaluating committed columns at an extension point (barycentric), and the
 * batched quotient Σ μ_p·(Σ_c r_c·f_c(x) − Σ_c r_c·f_c(z_p))/(x − z_p) as a whole codeword (prover) or at
 * one point (verifier). Packed extension arrays hold 4 words per element.
 */
import { P, GENERATOR, inv, twoAdicGenerator } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { bitReverse, log2Exact, matrix } from '../matrix.ts';
import { cosetInterpolate, cosetLdeFromCoeffs } from '../ntt.ts';
import type { Matrix } from '../matrix.ts';
import { mulFast } from '../ntt-reference.ts';
import { addProductOfDifference, addScaledBase, inverseDifferences } from './packed.ts';

/** The bit-reversed coset points s·ω_N^bitrev(i) of an LDE of height 2^logN. */
export function cosetPointsBitRev(logN: number, shift = GENERATOR): Uint32Array {
  const n = 1 << logN;
  const omega = twoAdicGenerator(logN);
  const natural = new Uint32Array(n);
  let x = shift;
  for (let i = 0; i < n; i++) {
    natural[i] = x;
    x = mulFast(x, omega);
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = natural[bitReverse(i, logN)];
  return out;
}

/**
 * Barycentric evaluation at z of a polynomial of degree < n given on the first n rows of a bit-reversed
 * LDE (the coset s·H_n, bit-reversed): with u = z/s and x_i = ω_n^bitrev(i),
 *   f(z) = (u^n − 1)/n · Σ_i f_i·x_i/(u − x_i).
 * The weights x_i/(u − x_i) cost O(n) once per (height, point) and are shared by every column; each column
 * then costs 4 base products per row, cheaper than interpolating (n log n) or Horner in the extension.
 */
export interface BarycentricWeights {
  readonly weights: Uint32Array; // packed x_i/(u − x_i)
  readonly scale: Ext4; // (u^n − 1)/n
}

export function barycentricWeights(logN: number, z: Ext4, shift = GENERATOR): BarycentricWeights {
  const n = 1 << logN;
  const u = ext.mulBase(z, inv(shift));
  const xs = cosetPointsBitRev(logN, 1);
  const weights = inverseDifferences(xs, u); // 1/(x_i − u); throws if u ∈ H_n, where the formula does not apply
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const x = P - xs[i]; // −x_i turns 1/(x_i − u) into x_i/(u − x_i)
    weights[o] = mulFast(weights[o], x);
    weights[o + 1] = mulFast(weights[o + 1], x);
    weights[o + 2] = mulFast(weights[o + 2], x);
    weights[o + 3] = mulFast(weights[o + 3], x);
  }
  return { weights, scale: ext.mulBase(ext.sub(ext.pow(u, n), ext.ONE), inv(n % P)) };
}

/**
 * f(z) for each column from its first 2^logN rows. The sums of products (each < 2^31) stay exact in a
 * double for 2^22 terms; reducing every 2^21 keeps a margin.
 */
export function evaluateColumns(lde: Matrix, logN: number, { weights, scale }: BarycentricWeights): Ext4[] {
  const n = 1 << logN;
  const out: Ext4[] = [];
  for (let c = 0; c < lde.width; c++) {
    const base = c * lde.height;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < n; i++) {
      const f = lde.values[base + i];
      const o = 4 * i;
      s0 += mulFast(weights[o], f);
      s1 += mulFast(weights[o + 1], f);
      s2 += mulFast(weights[o + 2], f);
      s3 += mulFast(weights[o + 3], f);
      if ((i & 0x1fffff) === 0x1fffff) {
        s0 %= P; s1 %= P; s2 %= P; s3 %= P;
      }
    }
    out.push(ext.mul(scale, [s0 % P, s1 % P, s2 % P, s3 % P]));
  }
  return out;
}

/**
 * S(x_i) = Σ_c coeffs_c·f_c(x_i) on every row of an LDE of a degree < 2^logN matrix, packed. S has degree
 * < n too, so it is combined on the first n rows (the coset s·H_n, bit-reversed) and re-extended by four
 * coset LDEs: 4·width·n products plus NTTs, instead of 4·width·N products over the whole LDE.
 */
export function combineColumns(lde: Matrix, logN: number, coeffs: readonly Ext4[]): Uint32Array {
  const n = 1 << logN;
  const { width, height, values } = lde;
  const small = new Uint32Array(4 * n);
  for (let c = 0; c < width; c++) addScaledBase(small, values.subarray(c * height, c * height + n), coeffs[c]);
  const limbs = matrix(4, n);
  for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) limbs.values[k * n + i] = small[4 * i + k];
  const extended = cosetLdeFromCoeffs(cosetInterpolate(limbs, GENERATOR), log2Exact(height), GENERATOR);
  const out = new Uint32Array(4 * height);
  for (let k = 0; k < 4; k++) {
    const column = extended.values.subarray(k * height, (k + 1) * height);
    for (let i = 0; i < height; i++) out[4 * i + k] = column[i];
  }
  return out;
}

/** acc_i += (numer_i − y)/(x_i − z) for every row, x_i the bit-reversed coset points. */
export function addDeepQuotient(acc: Uint32Array, numer: Uint32Array, y: Ext4, xs: Uint32Array, z: Ext4): void {
  // throws if z lies in the LDE domain (probability ≤ N/|EF| for a sampled z)
  addProductOfDifference(acc, numer, y, inverseDifferences(xs, z));
}

/** Σ_c coeffs_c·values_c for base values (a row) or extension values (claimed evaluations). */
export function combineRow(row: ArrayLike<number>, coeffs: readonly Ext4[]): Ext4 {
  let acc: Ext4 = ext.ZERO;
  for (let c = 0; c < row.length; c++) acc = ext.add(acc, ext.mulBase(coeffs[c], row[c]));
  return acc;
}

export function combineExts(values: readonly Ext4[], coeffs: readonly Ext4[]): Ext4 {
  let acc: Ext4 = ext.ZERO;
  for (let c = 0; c < values.length; c++) acc = ext.add(acc, ext.mul(coeffs[c], values[c]));
  return acc;
}
