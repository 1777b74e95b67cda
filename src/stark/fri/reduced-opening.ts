/**
 * The prover's reduced-opening codeword of one LDE height (docs/stark.md, "FRI and the PCS"):
 *   RO(x) = Σ_z Σ_{matrices opened at z} μ·(S(x) − S(z))/(x − z),   S = Σ_c r_c·f_c,
 * computed in coefficient form. Per distinct point z, T_z = Σ μ·S (degree < n) is interpolated from the first
 * n LDE rows (the coset s·H_n), divided by X − z with Ruffini's rule (n extension products, no inversions),
 * and the sum of the quotients is extended once to the N = n·2^logBlowup rows. Whenever T_z(z) equals the
 * claimed Σ μ·S(z) this IS the pointwise formula (deep.ts addDeepQuotient, kept as the oracle); a claim that
 * does not (a cheating caller) falls back to the pointwise formula, whose pole FRI then rejects.
 */
import { P as FIELD_P, inv } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { log2Exact, matrix } from '../matrix.ts';
import type { Matrix } from '../matrix.ts';
import { cosetLdeFromCoeffsInto, cosetLdeInto, intt } from '../ntt.ts';
import { addDeepQuotient, cosetPointsBitRev } from './deep.ts';
import { combineBaseColumns, divideByLinearWithKernel } from '../kernels/ext4-wasm.ts';
import type { BufferPool } from './pool.ts';

/** Module-local literals: V8 does not constant-fold imported bindings (ntt-reference.ts measured 2.5×). */
const P = 0x78000001;
if (P !== FIELD_P) throw new Error('reduced-opening: P out of sync with babybear.ts');
const P_INV = 1 / P;
const W = 11;
if (W !== ext.W) throw new Error('reduced-opening: W out of sync with ext4.ts');

/** ntt-reference.ts mulFast, copied so that it inlines into the loops below (canonical inputs). */
function mulMod(a: number, b: number): number {
  const q = (a * b * P_INV) | 0;
  let r = (Math.imul(a, b) - Math.imul(q, P)) | 0;
  r += (r >> 31) & P;
  r -= P;
  return r + ((r >> 31) & P);
}

/** x mod p for an integer 0 ≤ x < 2^53 (packed.ts reduceWide). */
function reduce(x: number): number {
  const r = x - Math.floor(x * P_INV) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/** One committed matrix of this height and what it is opened at. */
export interface OpeningTerm {
  /** Bit-reversed LDE on s·H_N (its first n rows are the coset s·H_n, bit-reversed). */
  readonly lde: Matrix;
  /** r_c, one per column. */
  readonly columnCoeffs: readonly Ext4[];
  readonly points: readonly Ext4[];
  /** μ_p, one per point. */
  readonly pointCoeffs: readonly Ext4[];
  /** The claimed S(z_p) = Σ_c r_c·v_c, one per point. */
  readonly claimed: readonly Ext4[];
}

interface PointGroup {
  z: Ext4;
  /** Σ μ·S on s·H_n, packed, bit-reversed. */
  evals: Uint32Array;
  /** Σ μ·S(z) as claimed. */
  y: Ext4;
}

/** Σ μ·S on the first n rows for every distinct point (μ·r_c folded into one coefficient per column), and the claims. */
function groupByPoint(terms: readonly OpeningTerm[], logN: number, pool: BufferPool): PointGroup[] {
  const n = 1 << logN;
  const groups = new Map<string, { z: Ext4; columns: Uint32Array[]; coeffs: Ext4[]; y: Ext4 }>();
  for (const { lde, columnCoeffs, points, pointCoeffs, claimed } of terms) {
    points.forEach((z, p) => {
      const key = z.join(',');
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { z, columns: [], coeffs: [], y: ext.ZERO }));
      const mu = pointCoeffs[p];
      for (let c = 0; c < lde.width; c++) {
        group.columns.push(lde.values.subarray(c * lde.height, c * lde.height + n));
        group.coeffs.push(ext.mul(mu, columnCoeffs[c]));
      }
      group.y = ext.add(group.y, ext.mul(mu, claimed[p]));
    });
  }
  return [...groups.values()].map(({ z, columns, coeffs, y }) => {
    const evals = pool.takeZeroed(4 * n);
    combineBaseColumns(evals, columns, coeffs);
    return { z, evals, y };
  });
}

/** Reverses the low `bits` bits of i (matrix.ts bitReverse, local so that it inlines). */
function reverseBits(i: number, bits: number): number {
  let r = i;
  r = ((r >>> 1) & 0x55555555) | ((r & 0x55555555) << 1);
  r = ((r >>> 2) & 0x33333333) | ((r & 0x33333333) << 2);
  r = ((r >>> 4) & 0x0f0f0f0f) | ((r & 0x0f0f0f0f) << 4);
  r = ((r >>> 8) & 0x00ff00ff) | ((r & 0x00ff00ff) << 8);
  return bits === 0 ? 0 : (((r >>> 16) | (r << 16)) >>> (32 - bits)) | 0;
}

const REV5 = Array.from({ length: 32 }, (_, i) => reverseBits(i, 5));

/**
 * Packed bit-reversed evaluations on s·H_n → four limb columns (column-major), natural order. In 32×32 tiles:
 * with i = (hi, mid, lo) of (5, logN − 10, 5) bits, bitrev(i) = (rev lo, rev mid, rev hi), so one tile reads 32
 * runs of 32 consecutive elements and writes 32 runs per limb; a plain scatter missed the cache on every write
 * (about 4× slower at 2^20, measured).
 */
export function unpackBitReversed(packed: Uint32Array, logN: number, limbs: Uint32Array): void {
  const n = 1 << logN;
  if (logN < 10) {
    for (let i = 0; i < n; i++) {
      const r = reverseBits(i, logN);
      limbs[r] = packed[4 * i];
      limbs[n + r] = packed[4 * i + 1];
      limbs[2 * n + r] = packed[4 * i + 2];
      limbs[3 * n + r] = packed[4 * i + 3];
    }
    return;
  }
  const midBits = logN - 10;
  const rowStride = 1 << (logN - 5);
  for (let mid = 0; mid < 1 << midBits; mid++) {
    const revMid = reverseBits(mid, midBits) << 5;
    for (let hi = 0; hi < 32; hi++) {
      const dstBase = revMid + REV5[hi];
      for (let lo = 0, o = 4 * (hi * rowStride + (mid << 5)); lo < 32; lo++, o += 4) {
        const d = REV5[lo] * rowStride + dstBase;
        limbs[d] = packed[o];
        limbs[n + d] = packed[o + 1];
        limbs[2 * n + d] = packed[o + 2];
        limbs[3 * n + d] = packed[o + 3];
      }
    }
  }
}

/**
 * Ruffini's rule on the limb columns g (coefficients, natural) by Y − u: the packed acc gets
 * acc_i += h_i for h = (g − g(u))/(Y − u); returns g(u). The chain is sequential: h_{i−1} = g_i + u·h_i, from
 * h_{n−1} = 0. Runs the SIMD kernel where available; this loop is its reference.
 */
export function divideByLinear(g: Uint32Array, n: number, u: Ext4, acc: Uint32Array): Ext4 {
  return divideByLinearWithKernel(g, n, u, acc) ?? referenceDivideByLinear(g, n, u, acc);
}

export function referenceDivideByLinear(g: Uint32Array, n: number, u: Ext4, acc: Uint32Array): Ext4 {
  const [u0, u1, u2, u3] = u;
  const wu1 = mulMod(W, u1), wu2 = mulMod(W, u2), wu3 = mulMod(W, u3);
  let h0 = 0, h1 = 0, h2 = 0, h3 = 0;
  for (let i = n - 1; i >= 1; i--) {
    // h ← g_i + u·h, with x^4 = W folded into the precomputed W·u_k; each sum < 5p < 2^34
    const n0 = reduce(g[i] + mulMod(u0, h0) + mulMod(wu1, h3) + mulMod(wu2, h2) + mulMod(wu3, h1));
    const n1 = reduce(g[n + i] + mulMod(u0, h1) + mulMod(u1, h0) + mulMod(wu2, h3) + mulMod(wu3, h2));
    const n2 = reduce(g[2 * n + i] + mulMod(u0, h2) + mulMod(u1, h1) + mulMod(u2, h0) + mulMod(wu3, h3));
    const n3 = reduce(g[3 * n + i] + mulMod(u0, h3) + mulMod(u1, h2) + mulMod(u2, h1) + mulMod(u3, h0));
    h0 = n0; h1 = n1; h2 = n2; h3 = n3;
    const j = 4 * (i - 1);
    let s = acc[j] + h0; acc[j] = s >= P ? s - P : s;
    s = acc[j + 1] + h1; acc[j + 1] = s >= P ? s - P : s;
    s = acc[j + 2] + h2; acc[j + 2] = s >= P ? s - P : s;
    s = acc[j + 3] + h3; acc[j + 3] = s >= P ? s - P : s;
  }
  return [
    reduce(g[0] + mulMod(u0, h0) + mulMod(wu1, h3) + mulMod(wu2, h2) + mulMod(wu3, h1)),
    reduce(g[n] + mulMod(u0, h1) + mulMod(u1, h0) + mulMod(wu2, h3) + mulMod(wu3, h2)),
    reduce(g[2 * n] + mulMod(u0, h2) + mulMod(u1, h1) + mulMod(u2, h0) + mulMod(wu3, h3)),
    reduce(g[3 * n] + mulMod(u0, h3) + mulMod(u1, h2) + mulMod(u2, h1) + mulMod(u3, h0)),
  ];
}

/** Throws (as inverseDifferences does) if z lies in s·H_N, where the DEEP quotient has a pole at a codeword point. */
function checkOutsideDomain(u: Ext4, logHeight: number): void {
  if (!ext.isBase(u)) return;
  let x = u[0];
  for (let k = 0; k < logHeight; k++) x = mulMod(x, x);
  if (x === 1) throw new RangeError('reducedOpening: an opening point lies in the LDE domain');
}

/**
 * Writes RO on s·H_N (bit-reversed, packed) into `out` (4·2^logHeight words). All terms have trace height
 * 2^(logHeight − logBlowup). Scratch comes from `pool` (and stays taken until the caller releases it).
 */
export function reducedOpening(terms: readonly OpeningTerm[], logHeight: number, logBlowup: number, shift: number, out: Uint32Array, pool: BufferPool): void {
  const logN = logHeight - logBlowup;
  const n = 1 << logN;
  const N = 1 << logHeight;
  if (out.length !== 4 * N) throw new RangeError(`reducedOpening: output has ${out.length} words, expected ${4 * N}`);
  const shiftInv = inv(shift);
  const groups = groupByPoint(terms, logN, pool);
  // With T(X) = g(X/s): (T(X) − T(z))/(X − z) = h(X/s)/s for h = (g − g(u))/(Y − u), u = z/s. So RO on s·H_N is
  // (Σ h)/s on H_N: no coset shift to apply.
  const quotient = pool.takeZeroed(4 * n);
  const limbs = pool.take(4 * n);
  let consistent = true;
  for (const group of groups) {
    const u = ext.mulBase(group.z, shiftInv);
    checkOutsideDomain(u, logHeight);
    unpackBitReversed(group.evals, logN, limbs); // evaluations of g on H_n, natural order
    for (let k = 0; k < 4; k++) intt(limbs.subarray(k * n, (k + 1) * n));
    const remainder = divideByLinear(limbs, n, u, quotient);
    if (!ext.equals(remainder, group.y)) consistent = false;
  }
  if (!consistent) return pointwiseReducedOpening(groups, logHeight, logBlowup, shift, out, pool);
  for (const group of groups) pool.give(group.evals);
  // packed Σ h → limb columns of Σ h/s
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    limbs[i] = mulMod(quotient[o], shiftInv);
    limbs[n + i] = mulMod(quotient[o + 1], shiftInv);
    limbs[2 * n + i] = mulMod(quotient[o + 2], shiftInv);
    limbs[3 * n + i] = mulMod(quotient[o + 3], shiftInv);
  }
  pool.give(quotient);
  extendPacked(limbs, n, logBlowup, out, pool, true); // coefficients of Σ h/s straight to H_N
  pool.give(limbs);
}

/**
 * The LDE (shift 1) of four limb columns, evaluations on H_n or (fromCoeffs) coefficients, packed into out
 * (4N words). One limb at a time, so that the column buffer is N words (a warm n-sized buffer given back
 * earlier) rather than 4N.
 */
function extendPacked(limbs: Uint32Array, n: number, logBlowup: number, out: Uint32Array, pool: BufferPool, fromCoeffs = false): void {
  const N = n << logBlowup;
  const column = pool.take(N);
  for (let k = 0; k < 4; k++) {
    const limb = matrix(1, n, limbs.subarray(k * n, (k + 1) * n));
    if (fromCoeffs) cosetLdeFromCoeffsInto(limb, log2Exact(N), matrix(1, N, column), 1);
    else cosetLdeInto(limb, logBlowup, matrix(1, N, column), 1);
    for (let i = 0, o = k; i < N; i++, o += 4) out[o] = column[i];
  }
  pool.give(column);
}

/** The pointwise formula on all N rows, for claims inconsistent with the committed polynomials. */
function pointwiseReducedOpening(groups: readonly PointGroup[], logHeight: number, logBlowup: number, shift: number, out: Uint32Array, pool: BufferPool): void {
  const logN = logHeight - logBlowup;
  const n = 1 << logN;
  const N = 1 << logHeight;
  out.fill(0);
  const xs = cosetPointsBitRev(logHeight, shift);
  const limbs = pool.take(4 * n);
  const numer = pool.take(4 * N);
  for (const group of groups) {
    unpackBitReversed(group.evals, logN, limbs); // T on s·H_n, natural: T(s·x) on H_n
    extendPacked(limbs, n, logBlowup, numer, pool);
    addDeepQuotient(out, numer, group.y, xs, group.z);
  }
}
