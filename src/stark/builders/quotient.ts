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

// A module-level alias: calls through an imported binding can cost a getter per call under tsx (measured).
const mul = fieldMul;

/** α^0 … α^{K−1}, packed 4 words each. */
export function alphaPowers(alpha: Ext4, count: number): Uint32Array {
  const out = new Uint32Array(4 * count);
  ext.powers(alpha, count).forEach((x, k) => out.set(x, 4 * k));
  return out;
}

/**
 * Q on the quotient domain as 4 base columns (its coordinates), chunk by chunk: each root's α-weighted
 * coordinates are summed unreduced (a double and an int32 per coordinate and lane, at most MAX_SUM_TERMS
 * products at a time) and reduced once.
 */
export function evaluateQuotient(program: FlatProgram, env: RowEnv, alpha: Ext4, zhInverse: Uint32Array): Matrix {
  const L = env.length;
  const q = matrix(4, L);
  const out = [0, 1, 2, 3].map((c) => q.values.subarray(c * L, (c + 1) * L));
  const weights = rootWeights(program, alpha);
  const S = CHUNK_SIZE;
  const approx = new Float64Array(4 * S);
  const low = new Int32Array(4 * S);
  forEachChunk(program, env, ({ start, len, nodeValues }) => {
    approx.fill(0);
    low.fill(0);
    let terms = 0;
    program.roots.forEach((r, k) => {
      const isExt = program.nodes[r].isExt;
      const add = isExt ? 4 : 1;
      if (terms + add > MAX_SUM_TERMS) {
        foldSums(approx, low, len, S);
        terms = 1;
      }
      terms += add;
      if (isExt) accumulateExt(nodeValues[r], weights, 16 * k, approx, low, len, S);
      else accumulateBase(nodeValues[r], weights, 16 * k, approx, low, len, S);
    });
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
  const ap = alphaPowers(alpha, program.roots.length);
  const w = new Uint32Array(16 * program.roots.length);
  for (let k = 0; k < program.roots.length; k++) {
    const [b0, b1, b2, b3] = [ap[4 * k], ap[4 * k + 1], ap[4 * k + 2], ap[4 * k + 3]];
    const [wb1, wb2, wb3] = [mul(11, b1), mul(11, b2), mul(11, b3)];
    w.set([b0, wb3, wb2, wb1, b1, b0, wb3, wb2, b2, b1, b0, wb3, b3, b2, b1, b0], 16 * k);
  }
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

function accumulateExt(v: Uint32Array, w: Uint32Array, wo: number, approx: Float64Array, low: Int32Array, len: number, S: number): void {
  for (let c = 0; c < 4; c++) {
    const m0 = w[wo + 4 * c], m1 = w[wo + 4 * c + 1], m2 = w[wo + 4 * c + 2], m3 = w[wo + 4 * c + 3];
    const o = c * S;
    for (let i = 0; i < len; i++) {
      const x0 = v[i], x1 = v[S + i], x2 = v[2 * S + i], x3 = v[3 * S + i];
      approx[o + i] += x0 * m0 + x1 * m1 + x2 * m2 + x3 * m3;
      low[o + i] = (low[o + i] + Math.imul(x0, m0) + Math.imul(x1, m1) + Math.imul(x2, m2) + Math.imul(x3, m3)) | 0;
    }
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
