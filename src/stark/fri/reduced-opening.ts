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
import { cosetInterpolateInPlace, cosetLdeFromCoeffsInto, cosetLdeInto } from '../ntt.ts';
import { addDeepQuotient, cosetPointsBitRev } from './deep.ts';
import { combineBaseColumns, divideByLinear2WithKernel, divideByLinearWithKernel } from '../kernels/ext4-wasm.ts';
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
  /** c·Σ μ·S on s·H_n, packed, bit-reversed. */
  evals: Uint32Array;
  /** c·Σ μ·S(z) as claimed. */
  y: Ext4;
}

/**
 * c·Σ μ·S on the first n rows for every distinct point (c·μ·r_c folded into one coefficient per column), and the
 * claims times c: a constant factor costs nothing here and saves a pass over the quotient later.
 */
function groupByPoint(terms: readonly OpeningTerm[], logN: number, pool: BufferPool, c: number): PointGroup[] {
  const n = 1 << logN;
  const groups = new Map<string, { z: Ext4; columns: Uint32Array[]; coeffs: Ext4[]; y: Ext4 }>();
  for (const { lde, columnCoeffs, points, pointCoeffs, claimed } of terms) {
    points.forEach((z, p) => {
      const key = z.join(',');
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { z, columns: [], coeffs: [], y: ext.ZERO }));
      const mu = pointCoeffs[p];
      for (let col = 0; col < lde.width; col++) {
        group.columns.push(lde.values.subarray(col * lde.height, col * lde.height + n));
        group.coeffs.push(ext.mulBase(ext.mul(mu, columnCoeffs[col]), c));
      }
      group.y = ext.add(group.y, ext.mulBase(ext.mul(mu, claimed[p]), c));
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

/** Packed elements → four limb columns (column-major), same order. */
function splitLimbs(packed: Uint32Array, n: number, limbs: Uint32Array): void {
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    limbs[i] = packed[o];
    limbs[n + i] = packed[o + 1];
    limbs[2 * n + i] = packed[o + 2];
    limbs[3 * n + i] = packed[o + 3];
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

/** divideByLinear for two polynomials and points at once (one kernel loop with two independent chains). */
export function divideByLinear2(g1: Uint32Array, g2: Uint32Array, n: number, u1: Ext4, u2: Ext4, acc: Uint32Array): [Ext4, Ext4] {
  return divideByLinear2WithKernel(g1, g2, n, u1, u2, acc)
    ?? [referenceDivideByLinear(g1, n, u1, acc), referenceDivideByLinear(g2, n, u2, acc)];
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
 * RO on s·H_N (bit-reversed), for terms all of trace height 2^(logHeight − logBlowup). Consistent claims: returns
 * RO as a polynomial (its coefficients, which FRI folds instead of the codeword, and its evaluations as limb
 * columns, from which FRI hashes its first layer) and leaves `out` (4·2^logHeight words) untouched. Inconsistent
 * claims, where RO is no polynomial: writes RO packed into `out` and returns null. Scratch comes from `pool`
 * (and stays taken until the caller releases it).
 */
export function reducedOpening(terms: readonly OpeningTerm[], logHeight: number, logBlowup: number, shift: number, out: Uint32Array, pool: BufferPool): ReducedOpeningForm | null {
  const logN = logHeight - logBlowup;
  const n = 1 << logN;
  const N = 1 << logHeight;
  if (out.length !== 4 * N) throw new RangeError(`reducedOpening: output has ${out.length} words, expected ${4 * N}`);
  const shiftInv = inv(shift);
  // With T(X) = g(X/s): (T(X) − T(z))/(X − z) = h(X/s)/s for h = (g − g(u))/(Y − u), u = z/s. So RO on s·H_N is
  // (Σ h)/s on H_N: no coset shift to apply. The groups are g/s already, so their quotients sum to Σ h/s.
  const groups = groupByPoint(terms, logN, pool, shiftInv);
  const quotient = pool.takeZeroed(4 * n);
  const limbs = pool.take(4 * n);
  const limbs2 = groups.length > 1 ? pool.take(4 * n) : limbs;
  const toCoefficients = (evals: Uint32Array, dst: Uint32Array) => {
    splitLimbs(evals, n, dst); // evaluations of g/s on H_n, bit-reversed: the kernel's interpolation permutes them
    cosetInterpolateInPlace(matrix(4, n, dst.subarray(0, 4 * n)), 1); // all four limbs at once: the NTT workers share them
  };
  let consistent = true;
  // Two points at a time (ζ and ζ·ω here): one division loop runs both chains.
  for (let gi = 0; gi < groups.length; gi += 2) {
    const pair = groups.slice(gi, gi + 2);
    const us = pair.map((group) => ext.mulBase(group.z, shiftInv));
    us.forEach((u) => checkOutsideDomain(u, logHeight));
    toCoefficients(pair[0].evals, limbs);
    let remainders: Ext4[];
    if (pair.length === 1) remainders = [divideByLinear(limbs, n, us[0], quotient)];
    else {
      toCoefficients(pair[1].evals, limbs2);
      remainders = divideByLinear2(limbs, limbs2, n, us[0], us[1], quotient);
    }
    pair.forEach((group, j) => {
      if (!ext.equals(remainders[j], group.y)) consistent = false;
    });
  }
  if (limbs2 !== limbs) pool.give(limbs2);
  if (!consistent) {
    pointwiseReducedOpening(groups, shift, logHeight, logBlowup, shift, out, pool);
    return null;
  }
  for (const group of groups) pool.give(group.evals);
  splitLimbs(quotient, n, limbs); // packed Σ h/s → limb columns
  pool.give(quotient);
  // Coefficients of Σ h/s straight to H_N, left as limb columns: FRI hashes its first layer from them (no packed copy).
  return { coefficients: limbs, columns: extendColumns(limbs, n, logBlowup, pool, true) };
}

/** reducedOpening's codeword when the claims are consistent: two forms of it, in buffers from the pool. */
export interface ReducedOpeningForm {
  /** Four limb columns of n coefficients each (natural order). */
  readonly coefficients: Uint32Array;
  /** Four limb columns of the N evaluations on H_N each (bit-reversed), column k = limb k. */
  readonly columns: Uint32Array;
}

/** The LDE (shift 1) of four limb columns, as four limb columns (4N words from the pool), in one call for the NTT workers. */
function extendColumns(limbs: Uint32Array, n: number, logBlowup: number, pool: BufferPool, fromCoeffs: boolean): Uint32Array {
  const N = n << logBlowup;
  const columns = pool.take(4 * N);
  const extended = matrix(4, N, columns);
  if (fromCoeffs) cosetLdeFromCoeffsInto(matrix(4, n, limbs), log2Exact(N), extended, 1);
  else cosetLdeInto(matrix(4, n, limbs), logBlowup, extended, 1);
  return columns;
}

/**
 * The LDE (shift 1) of four limb columns, evaluations on H_n or (fromCoeffs) coefficients, packed into out
 * (4N words). All four limbs in one call, so that the NTT worker pool (if started) extends them in parallel,
 * then one interleaving pass that writes each output cache line once.
 */
export function extendPacked(limbs: Uint32Array, n: number, logBlowup: number, out: Uint32Array, pool: BufferPool, fromCoeffs = false): void {
  const N = n << logBlowup;
  const columns = extendColumns(limbs, n, logBlowup, pool, fromCoeffs);
  packColumns(columns, N, out);
  pool.give(columns);
}

/** Four limb columns of N entries into the packed layout (4N words): one pass that writes each output cache line once. */
export function packColumns(columns: Uint32Array, N: number, out: Uint32Array): void {
  for (let i = 0, o = 0; i < N; i++, o += 4) {
    out[o] = columns[i];
    out[o + 1] = columns[N + i];
    out[o + 2] = columns[2 * N + i];
    out[o + 3] = columns[3 * N + i];
  }
}

/**
 * The pointwise formula on all N rows, for claims inconsistent with the committed polynomials; `rescale` undoes
 * the groups' common factor (groupByPoint).
 */
function pointwiseReducedOpening(groups: readonly PointGroup[], rescale: number, logHeight: number, logBlowup: number, shift: number, out: Uint32Array, pool: BufferPool): void {
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
  for (let i = 0; i < out.length; i++) out[i] = mulMod(out[i], rescale);
}
