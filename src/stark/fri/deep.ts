/**
 * DEEP openings for the PCS: evaluating committed columns at an extension point (barycentric), and the
 * batched quotient Σ μ_p·(Σ_c r_c·f_c(x) − Σ_c r_c·f_c(z_p))/(x − z_p) as a whole codeword (prover) or at
 * one point (verifier). Packed extension arrays hold 4 words per element.
 */
import { P, GENERATOR, inv, twoAdicGenerator } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { bitReverse } from '../matrix.ts';
import type { Matrix } from '../matrix.ts';
import { mulFast } from '../ntt-reference.ts';
import { addProductOfDifference, inverseDifferences } from './packed.ts';
import { dotBaseColumnsAt, inverseDifferencesWithKernel } from '../kernels/ext4-wasm.ts';

/**
 * ω_N^bitrev_N(i) for i < N, grown on demand: the table for N serves every n ≤ N as its prefix, since
 * bitrev_N(i) = (N/n)·bitrev_n(i) for i < n.
 */
let bitRevPowers = new Uint32Array(0);

function bitReversedPowers(logN: number): Uint32Array {
  const n = 1 << logN;
  if (bitRevPowers.length < n) {
    const omega = twoAdicGenerator(logN);
    const table = new Uint32Array(n);
    let x = 1;
    for (let i = 0; i < n; i++) {
      table[bitReverse(i, logN)] = x; // bitrev is an involution
      x = mulFast(x, omega);
    }
    bitRevPowers = table;
  }
  return bitRevPowers.subarray(0, n);
}

/** The bit-reversed coset points s·ω_N^bitrev(i) of an LDE of height 2^logN. */
export function cosetPointsBitRev(logN: number, shift = GENERATOR): Uint32Array {
  const powers = bitReversedPowers(logN);
  const out = new Uint32Array(powers.length);
  for (let i = 0; i < out.length; i++) out[i] = mulFast(powers[i], shift);
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

/** `out` receives the weights and `scratch` is clobbered (4·2^logN words each, e.g. pooled); fresh by default. */
export function barycentricWeights(
  logN: number,
  z: Ext4,
  shift = GENERATOR,
  out: Uint32Array = new Uint32Array(4 << logN),
  scratch: Uint32Array = new Uint32Array(4 << logN),
): BarycentricWeights {
  const n = 1 << logN;
  const u = ext.mulBase(z, inv(shift));
  const xs = bitReversedPowers(logN);
  const scale = ext.mulBase(ext.sub(ext.pow(u, n), ext.ONE), inv(n % P));
  if (inverseDifferencesWithKernel(xs, u, out, true)) return { weights: out, scale };
  const weights = inverseDifferences(xs, u, out, scratch); // 1/(x_i − u); throws if u ∈ H_n, where the formula does not apply
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const x = xs[i] === 0 ? 0 : P - xs[i]; // −x_i turns 1/(x_i − u) into x_i/(u − x_i)
    weights[o] = mulFast(weights[o], x);
    weights[o + 1] = mulFast(weights[o + 1], x);
    weights[o + 2] = mulFast(weights[o + 2], x);
    weights[o + 3] = mulFast(weights[o + 3], x);
  }
  return { weights, scale };
}

/** f(z) for each column from its first 2^logN rows (SIMD dot products, kernels/ext4-wasm.ts). */
export function evaluateColumns(lde: Matrix, logN: number, weights: BarycentricWeights): Ext4[] {
  return evaluateColumnsAt(lde, logN, [weights])[0];
}

/** evaluateColumns at several points (result[j]: every column at point j), in one pass over the columns. */
export function evaluateColumnsAt(lde: Matrix, logN: number, points: readonly BarycentricWeights[]): Ext4[][] {
  const n = 1 << logN;
  const columns = Array.from({ length: lde.width }, (_, c) => lde.values.subarray(c * lde.height, c * lde.height + n));
  return dotBaseColumnsAt(points.map((p) => p.weights), columns).map((sums, j) => sums.map((sum) => ext.mul(points[j].scale, sum)));
}

/** acc_i += (numer_i − y)/(x_i − z) for every row, x_i the bit-reversed coset points. */
export function addDeepQuotient(acc: Uint32Array, numer: Uint32Array, y: Ext4, xs: Uint32Array, z: Ext4): void {
  // throws if z lies in the LDE domain (probability ≤ N/|EF| for a sampled z)
  addProductOfDifference(acc, numer, y, inverseDifferences(xs, z));
}

/** Σ_c coeffs_c·row_c for a row of base values (combineExts: extension values such as claimed evaluations). */
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
