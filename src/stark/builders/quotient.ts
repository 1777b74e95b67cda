/**
 * The prover's constraint evaluator: Q(x) = Σ_k α^k·C_k(x) / Z_H(x) on every point of the quotient domain
 * s·H_{D·n} (the first D·n rows of the bit-reversed LDEs), vectorized: forEachChunk evaluates the DAG node by
 * node over chunks of rows, so there is no per-row interpretation and no generated code to compile (a
 * `new Function` per AIR cost TurboFan 0.2–1 s per pass and then ran 1.1–3.5× slower than this, measured).
 */
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { mul as fieldMul } from '../field/babybear.ts';
import type { FlatProgram } from '../expr.ts';
import { matrix, type Matrix } from '../matrix.ts';
import { CHUNK_SIZE, forEachChunk, type RowEnv } from './rows.ts';
import { MAX_SUM_TERMS, reduceSum } from './lanes.ts';
import { quotientOnKernel } from '../kernels/quotient-wasm.ts';

// A module-level alias: calls through an imported binding can cost a getter per call under tsx (measured).
const mul = fieldMul;

/**
 * Q on the quotient domain as 4 base columns (its coordinates), chunk by chunk: each root's α-weighted
 * coordinates are summed unreduced (a double and an int32 per coordinate and lane, at most MAX_SUM_TERMS
 * products at a time) and reduced once.
 */
export function evaluateQuotient(
  program: FlatProgram, env: RowEnv, alpha: Ext4, zhInverse: Uint32Array, buffer: Uint32Array = new Uint32Array(4 * env.length),
): Matrix {
  const q = matrix(4, env.length, buffer); // every entry is written by either path
  // The wasm SIMD kernel (base-field programs: 2.5–3.4× faster on one thread at 2^21 points, ~5× with its helper
  // thread; LogUp programs: 3–5× with the helper, measured); without wasm SIMD, or on odd lengths, here.
  if (quotientOnKernel(program, env, rootWeights(program, alpha), zhInverse, q)) return q;
  return evaluateQuotientTs(program, env, alpha, zhInverse, q.values);
}

/** The TS path of evaluateQuotient (any program; the reference the kernel is tested against). */
export function evaluateQuotientTs(
  program: FlatProgram, env: RowEnv, alpha: Ext4, zhInverse: Uint32Array, buffer: Uint32Array = new Uint32Array(4 * env.length),
): Matrix {
  const L = env.length;
  const q = matrix(4, L, buffer); // every entry is written below
  const out = [0, 1, 2, 3].map((c) => q.values.subarray(c * L, (c + 1) * L));
  const weights = rootWeights(program, alpha);
  const isExtRoot = program.roots.map((r) => program.nodes[r].isExt);
  const baseRoots = isExtRoot.flatMap((isExt, k) => (isExt ? [] : [k]));
  const extRoots = isExtRoot.flatMap((isExt, k) => (isExt ? [k] : []));
  const S = CHUNK_SIZE;
  const approx = new Float64Array(4 * S);
  const low = new Int32Array(4 * S);
  forEachChunk(program, env, ({ start, len, nodeValues }) => {
    approx.fill(0);
    low.fill(0);
    let terms = 0;
    const reserve = (add: number): void => {
      if (terms + add > MAX_SUM_TERMS) {
        foldSums(approx, low, len, S);
        terms = 1;
      }
      terms += add;
    };
    // Base roots go four at a time (one pass over the sums instead of four); the sum is exact either way.
    for (let k = 0; k < baseRoots.length; k += 4) {
      if (k + 4 <= baseRoots.length) {
        reserve(4);
        accumulateBase4(nodeValues, program.roots, baseRoots, k, weights, approx, low, len, S);
      } else {
        for (let j = k; j < baseRoots.length; j++) {
          reserve(1);
          accumulateBase(nodeValues[program.roots[baseRoots[j]]], weights, 16 * baseRoots[j], approx, low, len, S);
        }
      }
    }
    for (const k of extRoots) {
      reserve(4);
      accumulateExt(nodeValues[program.roots[k]], weights, 16 * k, approx, low, len, S);
    }
    for (let c = 0; c < 4; c++) {
      const o = out[c];
      const off = c * S;
      for (let i = 0; i < len; i++) o[start + i] = mul(reduceSum(approx[off + i], low[off + i]), zhInverse[start + i]);
    }
  });
  return q;
}

/**
 * Per root k, 16 canonical weights: coordinate c of C·α^k is Σ_j C_j·w[16k + 4c + j] (the matrix of
 * multiplication by α^k, with W = 11 folded in). A base root only uses w[16k + 4c], i.e. (α^k)_c.
 */
function rootWeights(program: FlatProgram, alpha: Ext4): Uint32Array {
  const w = new Uint32Array(16 * program.roots.length);
  ext.powers(alpha, program.roots.length).forEach(([b0, b1, b2, b3], k) => {
    const [wb1, wb2, wb3] = [mul(ext.W, b1), mul(ext.W, b2), mul(ext.W, b3)];
    w.set([b0, wb3, wb2, wb1, b1, b0, wb3, wb2, b2, b1, b0, wb3, b3, b2, b1, b0], 16 * k);
  });
  return w;
}

function accumulateBase(v: Uint32Array, w: Uint32Array, wo: number, approx: Float64Array, low: Int32Array, len: number, S: number): void {
  for (let c = 0; c < 4; c++) {
    const a = w[wo + 4 * c];
    const o = c * S;
    for (let i = 0; i < len; i++) {
      const x = v[i];
      approx[o + i] += x * a;
      low[o + i] = (low[o + i] + Math.imul(x, a)) | 0;
    }
  }
}

/**
 * accumulateBase for the four base roots ks[j..j+3] at once (the values of root k are values[roots[k]]): one
 * pass over the rows, each input read once for all four coordinates.
 */
function accumulateBase4(
  values: readonly Uint32Array[], roots: readonly number[], ks: readonly number[], j: number, w: Uint32Array,
  approx: Float64Array, low: Int32Array, len: number, S: number,
): void {
  const o0 = 16 * ks[j], o1 = 16 * ks[j + 1], o2 = 16 * ks[j + 2], o3 = 16 * ks[j + 3];
  const v0 = values[roots[ks[j]]], v1 = values[roots[ks[j + 1]]], v2 = values[roots[ks[j + 2]]], v3 = values[roots[ks[j + 3]]];
  // a{root}{coordinate}: coordinate c of α^k is w[16k + 4c]
  const a00 = w[o0], a01 = w[o0 + 4], a02 = w[o0 + 8], a03 = w[o0 + 12];
  const a10 = w[o1], a11 = w[o1 + 4], a12 = w[o1 + 8], a13 = w[o1 + 12];
  const a20 = w[o2], a21 = w[o2 + 4], a22 = w[o2 + 8], a23 = w[o2 + 12];
  const a30 = w[o3], a31 = w[o3 + 4], a32 = w[o3 + 8], a33 = w[o3 + 12];
  const S2 = 2 * S, S3 = 3 * S;
  for (let i = 0; i < len; i++) {
    const x0 = v0[i], x1 = v1[i], x2 = v2[i], x3 = v3[i];
    approx[i] += x0 * a00 + x1 * a10 + x2 * a20 + x3 * a30;
    low[i] = (low[i] + Math.imul(x0, a00) + Math.imul(x1, a10) + Math.imul(x2, a20) + Math.imul(x3, a30)) | 0;
    approx[S + i] += x0 * a01 + x1 * a11 + x2 * a21 + x3 * a31;
    low[S + i] = (low[S + i] + Math.imul(x0, a01) + Math.imul(x1, a11) + Math.imul(x2, a21) + Math.imul(x3, a31)) | 0;
    approx[S2 + i] += x0 * a02 + x1 * a12 + x2 * a22 + x3 * a32;
    low[S2 + i] = (low[S2 + i] + Math.imul(x0, a02) + Math.imul(x1, a12) + Math.imul(x2, a22) + Math.imul(x3, a32)) | 0;
    approx[S3 + i] += x0 * a03 + x1 * a13 + x2 * a23 + x3 * a33;
    low[S3 + i] = (low[S3 + i] + Math.imul(x0, a03) + Math.imul(x1, a13) + Math.imul(x2, a23) + Math.imul(x3, a33)) | 0;
  }
}

/** One pass over the rows: each coordinate of the root read once for all four output coordinates. */
function accumulateExt(v: Uint32Array, w: Uint32Array, wo: number, approx: Float64Array, low: Int32Array, len: number, S: number): void {
  // m{c}{j}: coordinate c of C·α^k takes Σ_j C_j·m{c}{j}
  const m00 = w[wo], m01 = w[wo + 1], m02 = w[wo + 2], m03 = w[wo + 3];
  const m10 = w[wo + 4], m11 = w[wo + 5], m12 = w[wo + 6], m13 = w[wo + 7];
  const m20 = w[wo + 8], m21 = w[wo + 9], m22 = w[wo + 10], m23 = w[wo + 11];
  const m30 = w[wo + 12], m31 = w[wo + 13], m32 = w[wo + 14], m33 = w[wo + 15];
  const S2 = 2 * S, S3 = 3 * S;
  for (let i = 0; i < len; i++) {
    const x0 = v[i], x1 = v[S + i], x2 = v[S2 + i], x3 = v[S3 + i];
    approx[i] += x0 * m00 + x1 * m01 + x2 * m02 + x3 * m03;
    low[i] = (low[i] + Math.imul(x0, m00) + Math.imul(x1, m01) + Math.imul(x2, m02) + Math.imul(x3, m03)) | 0;
    approx[S + i] += x0 * m10 + x1 * m11 + x2 * m12 + x3 * m13;
    low[S + i] = (low[S + i] + Math.imul(x0, m10) + Math.imul(x1, m11) + Math.imul(x2, m12) + Math.imul(x3, m13)) | 0;
    approx[S2 + i] += x0 * m20 + x1 * m21 + x2 * m22 + x3 * m23;
    low[S2 + i] = (low[S2 + i] + Math.imul(x0, m20) + Math.imul(x1, m21) + Math.imul(x2, m22) + Math.imul(x3, m23)) | 0;
    approx[S3 + i] += x0 * m30 + x1 * m31 + x2 * m32 + x3 * m33;
    low[S3 + i] = (low[S3 + i] + Math.imul(x0, m30) + Math.imul(x1, m31) + Math.imul(x2, m32) + Math.imul(x3, m33)) | 0;
  }
}

/** Reduces the pending sums to canonical values, which then count as one term. */
function foldSums(approx: Float64Array, low: Int32Array, len: number, S: number): void {
  for (let c = 0; c < 4; c++) {
    const o = c * S;
    for (let i = 0; i < len; i++) {
      const r = reduceSum(approx[o + i], low[o + i]);
      approx[o + i] = r;
      low[o + i] = r;
    }
  }
}
