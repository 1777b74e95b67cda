/**
 * The extension-field SIMD kernel (ext4.wat.ts) behind plain-TS signatures, for the PCS's hot loops: Σ_c r_c·f_c
 * over base columns (the DEEP combination), Σ_i w_i·f_i (barycentric evaluation), 1/(x_i − z) (barycentric
 * weights), Ruffini's division by X − z (the DEEP quotient) and FRI folding. Data is copied in (up to 16 columns
 * at a time, or chunk by chunk when folding) to one module-private WebAssembly.Memory, grown on demand and kept:
 * about 100 bytes per row of the largest opening (16 columns and two points' weights), or to the helper
 * thread's shared memory (ext4-workers.ts), which the column loops then split with it. Every result equals its plain-TS
 * reference bit for bit (test/stark/ext4-kernel.test.ts); where wasm SIMD is missing, or below 16 rows, the
 * reference runs.
 */
import type { Ext4 } from '../field/ext4.ts';
import { P, inv, mul } from '../field/babybear.ts';
import { addScaledBase } from '../fri/packed.ts';
import { instantiateKernel, type WasmMemory } from './wasm-api.ts';
import { wasmBase64 } from './ext4.wasm.ts';

interface Ext4Exports {
  dot_columns(w: number, wStride: number, points: number, col: number, stride: number, groups: number, n: number, out: number): void;
  combine_columns(acc: number, col: number, stride: number, groups: number, n: number, c: number): void;
  fold_pairs(src: number, dst: number, count: number, s: number, b: number): void;
  fold_coeffs(src: number, stride: number, count: number, arity: number, b: number, out: number, outStride: number): void;
  inv_diff_norms(xs: number, n: number, c: number, b0s: number, b2s: number, norms: number, prefix: number, totals: number): number;
  divide_linear(g: number, stride: number, n: number, u: number, acc: number, rem: number): void;
  divide_linear2(g1: number, g2: number, stride: number, n: number, u1: number, u2: number, acc: number, rems: number): void;
  inv_diff_finish(xs: number, n: number, c: number, b0s: number, b2s: number, norms: number, prefix: number, inverses: number, out: number, negateX: number): void;
}

/** 2^32 mod p: Montgomery products carry a factor 2^-32 that this cancels. */
const R_MOD_P = 268435454;
const PAGE = 65536;
const MIN_KERNEL_ROWS = 16;
/** Byte offsets: a 16-byte constant, a 16-byte result, then the data. */
const CONST_AT = 0;
const OUT_AT = 16;
const DATA_AT = 64;

let kernel: { x: Ext4Exports; memory: WasmMemory } | null | undefined;

function getKernel(): { x: Ext4Exports; memory: WasmMemory } | null {
  if (kernel === undefined) kernel = instantiateKernel<Ext4Exports>(wasmBase64); // null: the reference runs
  return kernel;
}

export function ext4KernelAvailable(): boolean {
  return getKernel() !== null;
}

/** The kernel functions whose passes split their rows with the helper thread. */
export type SplitExports = Pick<Ext4Exports, 'dot_columns' | 'combine_columns'>;

/**
 * The optional helper thread (ext4-workers.ts, Node only): a second instance of the kernel on a shared memory,
 * which `x` (the main thread's instance of the same build) also runs on. A pass records the helper's half of
 * the rows (`record()` returns a recorder of calls), posts it, runs its own half on `x`, then waits.
 */
export interface Ext4Helper {
  readonly memory: WasmMemory;
  /** The most the shared memory can grow to; larger passes stay on the main thread's private kernel. */
  readonly maxBytes: number;
  readonly x: SplitExports;
  record(): SplitExports;
  post(): void;
  awaitDone(): void;
}

let helper: Ext4Helper | null = null;
let helperPasses = 0;

export function setExt4Helper(h: Ext4Helper | null): void {
  helper = h;
}

/** Passes the helper thread has shared since the process started (for tests and benchmarks). */
export function ext4HelperPasses(): number {
  return helperPasses;
}

/** Below this many rows a pass stays on one thread: the round trip (tens of µs) would cost more than it saves. */
const HELPER_MIN_ROWS = 1 << 12;

/** Where a pass runs: `rows(x, from, count, part)` issues one kernel call for rows [from, from + count). */
interface Runner {
  readonly mem: Uint32Array;
  /** Runs rows 0..n on one thread, or splits them with the helper; returns whether part 1 ran. */
  pass(n: number, rows: (x: SplitExports, from: number, count: number, part: 0 | 1) => void): boolean;
}

/** The helper's shared memory when it is running, the pass is large enough and fits; else the private kernel. */
function runnerFor(k: { x: Ext4Exports; memory: WasmMemory }, n: number, bytes: number): Runner {
  const h = helper;
  if (h === null || n < HELPER_MIN_ROWS || bytes > h.maxBytes) {
    return { mem: memoryWith(k, bytes), pass: (count, rows) => (rows(k.x, 0, count, 0), false) };
  }
  return {
    mem: memoryWith(h, bytes),
    pass(count, rows) {
      const half = (count >> 1) & ~15;
      rows(h.record(), half, count - half, 1);
      h.post();
      try {
        rows(h.x, 0, half, 0);
      } finally {
        h.awaitDone();
      }
      helperPasses++;
      return true;
    },
  };
}

/**
 * Column groups of four per pass (at most): a pass's columns are in the kernel's memory together (16 bytes a row
 * per group), so this bounds the memory of a wide matrix; 16 columns cover the benchmark's trace in one pass.
 */
const MAX_GROUPS = 4;

/** The passes over `width` columns: [first column, column count], whole groups of four but the last. */
function columnBatches(width: number): [number, number][] {
  const batches: [number, number][] = [];
  for (let c = 0; c < width; c += 4 * MAX_GROUPS) batches.push([c, Math.min(4 * MAX_GROUPS, width - c)]);
  return batches;
}

/**
 * Copies base columns of n rows into the kernel's memory at `at`, padded with zero columns to whole groups of
 * four (the column drivers' unit; a zero column adds nothing); returns the group count.
 */
function loadColumns(mem: Uint32Array, at: number, columns: readonly Uint32Array[], n: number): number {
  const groups = Math.ceil(columns.length / 4);
  columns.forEach((col, c) => mem.set(col, at / 4 + c * n));
  mem.fill(0, at / 4 + columns.length * n, at / 4 + 4 * groups * n);
  return groups;
}

function memoryWith(k: { memory: WasmMemory }, bytes: number): Uint32Array {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  return new Uint32Array(k.memory.buffer);
}

/** acc (packed, n elements) += Σ_c coeffs[c]·columns[c] for base columns of n rows each. */
export function combineBaseColumns(acc: Uint32Array, columns: readonly Uint32Array[], coeffs: readonly Ext4[]): void {
  const n = acc.length / 4;
  columns.forEach((col, c) => {
    if (col.length !== n) throw new RangeError(`combineBaseColumns: column ${c} has ${col.length} rows, expected ${n}`);
  });
  if (coeffs.length !== columns.length) throw new RangeError(`combineBaseColumns: ${coeffs.length} coefficients for ${columns.length} columns`);
  const k = n < MIN_KERNEL_ROWS ? null : getKernel();
  if (k === null) {
    columns.forEach((col, c) => addScaledBase(acc, col, coeffs[c]));
    return;
  }
  // Up to MAX_GROUPS groups of four columns per pass (combine_columns, row block by row block), their
  // coefficients before them.
  const accAt = DATA_AT;
  const cAt = accAt + 16 * n;
  const colAt = cAt + 64 * MAX_GROUPS;
  const { mem, pass } = runnerFor(k, n, colAt + 16 * n * Math.min(MAX_GROUPS, Math.ceil(columns.length / 4)));
  mem.set(acc, accAt / 4);
  for (const [c0, width] of columnBatches(columns.length)) {
    mem.fill(0, cAt / 4, colAt / 4);
    for (let c = 0; c < width; c++) {
      for (let l = 0; l < 4; l++) mem[cAt / 4 + 4 * c + l] = mul(coeffs[c0 + c][l], R_MOD_P);
    }
    const groups = loadColumns(mem, colAt, columns.slice(c0, c0 + width), n);
    pass(n, (x, from, rows) => x.combine_columns(accAt + 16 * from, colAt + 4 * from, 4 * n, groups, rows, cAt));
  }
  acc.set(mem.subarray(accAt / 4, accAt / 4 + 4 * n));
}

/** For each base column f of n rows: Σ_i w_i·f_i with w packed (n elements). Unreduced by any scale. */
export function dotBaseColumns(weights: Uint32Array, columns: readonly Uint32Array[]): Ext4[] {
  return dotBaseColumnsAt([weights], columns)[0];
}

/**
 * dotBaseColumns for several weight vectors (the points a matrix is opened at): result[j][c] = Σ_i w_j,i·f_c,i.
 * Each column is copied into the kernel's memory once for all of them.
 */
export function dotBaseColumnsAt(weightSets: readonly Uint32Array[], columns: readonly Uint32Array[]): Ext4[][] {
  if (weightSets.length === 0) return [];
  const n = weightSets[0].length / 4;
  weightSets.forEach((w, j) => {
    if (w.length !== 4 * n) throw new RangeError(`dotBaseColumns: weight vector ${j} has ${w.length} words, expected ${4 * n}`);
  });
  columns.forEach((col, c) => {
    if (col.length !== n) throw new RangeError(`dotBaseColumns: column ${c} has ${col.length} rows, expected ${n}`);
  });
  const k = n < MIN_KERNEL_ROWS ? null : getKernel();
  if (k === null) return weightSets.map((w) => columns.map((col) => referenceDot(w, col)));
  // Up to MAX_GROUPS groups of four columns per pass with every weight vector (dot_columns, row block by row
  // block), then the sums: per part, per point and column one element (zeroed: the kernel accumulates).
  const points = weightSets.length;
  const colAt = DATA_AT;
  const wAt = colAt + 16 * n * Math.min(MAX_GROUPS, Math.ceil(columns.length / 4));
  const outAt = wAt + 16 * n * points;
  const partWords = 16 * points * MAX_GROUPS;
  const { mem, pass } = runnerFor(k, n, outAt + 8 * partWords);
  weightSets.forEach((w, j) => mem.set(w, wAt / 4 + 4 * n * j));
  const sums: Ext4[][] = weightSets.map(() => []);
  for (const [c0, width] of columnBatches(columns.length)) {
    const groups = loadColumns(mem, colAt, columns.slice(c0, c0 + width), n);
    mem.fill(0, outAt / 4, outAt / 4 + 2 * partWords);
    const split = pass(n, (x, from, rows, part) => x.dot_columns(wAt + 16 * from, 16 * n, points, colAt + 4 * from, 4 * n, groups, rows, outAt + 4 * partWords * part));
    // The parts' sums (Montgomery form, canonical) add mod p before leaving Montgomery form: the same element.
    const result = (o: number): Ext4 => [0, 1, 2, 3].map((l) => {
      const s = split ? mem[o + l] + mem[o + partWords + l] : mem[o + l];
      return mul(s >= P ? s - P : s, R_MOD_P);
    }) as unknown as Ext4;
    sums.forEach((out, j) => {
      for (let c = 0; c < width; c++) out.push(result(outAt / 4 + 4 * (j * 4 * groups + c)));
    });
  }
  return sums;
}

/** The plain-TS dot product: 4 base products per row, summed in doubles (exact below 2^22 terms), reduced every 2^21. */
export function referenceDot(weights: Uint32Array, col: Uint32Array): Ext4 {
  const P = 0x78000001;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < col.length; i++) {
    const f = col[i];
    const o = 4 * i;
    s0 += mul(weights[o], f);
    s1 += mul(weights[o + 1], f);
    s2 += mul(weights[o + 2], f);
    s3 += mul(weights[o + 3], f);
    if ((i & 0x1fffff) === 0x1fffff) {
      s0 %= P; s1 %= P; s2 %= P; s3 %= P;
    }
  }
  return [s0 % P, s1 % P, s2 % P, s3 % P];
}

/** Folding: β's four vectors per level at FOLD_B_AT, then the chunk and its s-values. */
const FOLD_B_AT = 64;
const FOLD_DATA_AT = FOLD_B_AT + 64 * 4;
/** Entries per chunk: 512 KiB of codeword stays in cache through every level of the chunk. */
const LOG_FOLD_CHUNK = 15;

/** The vectors B_k with β·t = Σ_k t_k·B_k (x^4 = 11), Montgomery form (see ext4.wat.ts fold_pairs). */
function foldConstants(mem: Uint32Array, at: number, beta: Ext4): void {
  const [b0, b1, b2, b3] = beta;
  const w1 = mul(11, b1), w2 = mul(11, b2), w3 = mul(11, b3);
  const vectors = [b0, b1, b2, b3, w3, b0, b1, b2, w2, w3, b0, b1, w1, w2, w3, b0];
  for (let i = 0; i < 16; i++) mem[at / 4 + i] = mul(vectors[i], R_MOD_P);
}

/**
 * Folds a packed codeword of 2^logN entries by 2^logArity (binary folds with betas[r] = β^(2^r)) into out
 * (2^(logN − logArity) entries), chunk by chunk; out may alias values (a chunk is copied in before its result
 * is written, below the next chunk). sMont[j] = s_j·2^32 mod p for the fold's 1/(2x) table (fold.ts), valid
 * for every level as a prefix. Returns false, doing nothing, where the kernel is unavailable.
 */
export function foldWithKernel(values: Uint32Array, logN: number, logArity: number, betas: readonly Ext4[], sMont: Uint32Array, out: Uint32Array): boolean {
  const k = logN < 4 ? null : getKernel();
  if (k === null) return false;
  if (betas.length !== logArity || logArity > 4 || sMont.length < 1 << (logN - 1)) throw new RangeError('foldWithKernel: inconsistent fold parameters');
  const chunk = 1 << Math.min(logN, LOG_FOLD_CHUNK);
  const sAt = FOLD_DATA_AT + 16 * chunk;
  const mem = memoryWith(k, sAt + 4 * chunk);
  betas.forEach((b, r) => foldConstants(mem, FOLD_B_AT + 64 * r, b));
  const sOffsets: number[] = [];
  for (let c0 = 0; c0 < 1 << logN; c0 += chunk) {
    mem.set(values.subarray(4 * c0, 4 * (c0 + chunk)), FOLD_DATA_AT / 4);
    let at = sAt;
    for (let r = 0; r < logArity; r++) {
      const count = chunk >> (r + 1);
      const start = c0 >> (r + 1);
      mem.set(sMont.subarray(start, start + count), at / 4);
      sOffsets[r] = at;
      at += 4 * count;
    }
    for (let r = 0; r < logArity; r++) k.x.fold_pairs(FOLD_DATA_AT, FOLD_DATA_AT, chunk >> (r + 1), sOffsets[r], FOLD_B_AT + 64 * r);
    const folded = chunk >> logArity;
    out.set(mem.subarray(FOLD_DATA_AT / 4, FOLD_DATA_AT / 4 + 4 * folded), 4 * (c0 >> logArity));
  }
  return true;
}

/**
 * FRI's fold in coefficient form (fri/fold.ts foldCoefficients is the reference): coeffs holds m coefficients as
 * four limb columns, natural order; out (same layout, m/2^logArity) gets Σ_t β^t·a_{k·2^logArity + t}. Returns
 * false, doing nothing, where the kernel is unavailable.
 */
export function foldCoefficientsWithKernel(coeffs: Uint32Array, m: number, logArity: number, beta: Ext4, out: Uint32Array): boolean {
  const count = m >> logArity;
  const k = count < MIN_KERNEL_ROWS ? null : getKernel();
  if (k === null) return false;
  if (coeffs.length !== 4 * m || out.length !== 4 * count) throw new RangeError(`foldCoefficients: expected ${4 * m} words in and ${4 * count} out`);
  const bAt = DATA_AT;
  const srcAt = bAt + 64;
  const outAt = srcAt + 16 * m;
  const mem = memoryWith(k, outAt + 16 * count);
  foldConstants(mem, bAt, beta);
  mem.set(coeffs, srcAt / 4);
  k.x.fold_coeffs(srcAt, 4 * m, count, 1 << logArity, bAt, outAt, 4 * count);
  out.set(mem.subarray(outAt / 4, outAt / 4 + 4 * count));
  return true;
}

/** 2^64 mod p: mont(x, R2) = x·2^32, into Montgomery form. */
const R2_MOD_P = mul(R_MOD_P, R_MOD_P);

/**
 * out_i = 1/(x_i − z), times −x_i if negateX (the barycentric weights x_i/(z − x_i)), packed: the kernel form
 * of fri/packed.ts inverseDifferences (same norm route, four interleaved batch inversions). Returns false,
 * doing nothing, where the kernel is unavailable, n is not a multiple of 4 or below 16, or some x_i = z (the
 * reference then throws with the index).
 */
export function inverseDifferencesWithKernel(xs: Uint32Array, z: Ext4, out: Uint32Array, negateX: boolean): boolean {
  const n = xs.length;
  const k = n < MIN_KERNEL_ROWS || n % 4 !== 0 ? null : getKernel();
  if (k === null) return false;
  if (out.length !== 4 * n) throw new RangeError(`inverseDifferences: output has ${out.length} words, expected ${4 * n}`);
  const neg = (x: number): number => (x === 0 ? 0 : P - x);
  const a1 = neg(z[1]), a2 = neg(z[2]), a3 = neg(z[3]);
  const W = 11;
  const k0 = (mul(W, mul(a2, a2)) + 2 * mul(W, neg(mul(a1, a3)))) % P;
  const k2 = (mul(a1, a1) + mul(W, mul(a3, a3))) % P;
  const consts = [z[0], k0, k2, (2 * a2) % P, W, mul(W, a2), mul(W, a3), a1, a2, a3];
  const cAt = DATA_AT;
  const xsAt = cAt + 16 * 12;
  const b0At = xsAt + 4 * n, b2At = b0At + 4 * n, normsAt = b2At + 4 * n, prefixAt = normsAt + 4 * n, outAt = prefixAt + 4 * n;
  const mem = memoryWith(k, outAt + 16 * n);
  consts.forEach((c, i) => mem.fill(mul(c, R_MOD_P), cAt / 4 + 4 * i, cAt / 4 + 4 * i + 4));
  mem.fill(R2_MOD_P, cAt / 4 + 40, cAt / 4 + 44); // converts x into Montgomery form (canonical constant)
  mem.fill(R_MOD_P, cAt / 4 + 44, cAt / 4 + 48); // 1 in Montgomery form
  mem.set(xs, xsAt / 4);
  if (k.x.inv_diff_norms(xsAt, n, cAt, b0At, b2At, normsAt, prefixAt, OUT_AT) !== 0) return false;
  // lane totals t·2^32 → (1/t)·2^32 = 2^64/(t·2^32)
  for (let l = 0; l < 4; l++) mem[CONST_AT / 4 + l] = mul(inv(mem[OUT_AT / 4 + l]), R2_MOD_P);
  k.x.inv_diff_finish(xsAt, n, cAt, b0At, b2At, normsAt, prefixAt, CONST_AT, outAt, negateX ? -1 : 0);
  out.set(mem.subarray(outAt / 4, outAt / 4 + 4 * n));
  return true;
}

/**
 * Ruffini's rule by Y − u on coefficients g (four limb columns of n) into the packed acc (acc_{i} += h_i); returns
 * g(u), or null, doing nothing, where the kernel is unavailable (fri/reduced-opening.ts divideByLinear is the
 * reference).
 */
export function divideByLinearWithKernel(g: Uint32Array, n: number, u: Ext4, acc: Uint32Array): Ext4 | null {
  const k = n < MIN_KERNEL_ROWS ? null : getKernel();
  if (k === null) return null;
  if (g.length !== 4 * n || acc.length !== 4 * n) throw new RangeError(`divideByLinear: expected ${4 * n} words of coefficients and accumulator`);
  const gAt = DATA_AT + 64;
  const accAt = gAt + 16 * n;
  const mem = memoryWith(k, accAt + 16 * n);
  foldConstants(mem, DATA_AT, u); // u·h = Σ_k h_k·U_k, the same vectors as β·t
  mem.set(g, gAt / 4);
  mem.set(acc, accAt / 4);
  k.x.divide_linear(gAt, 4 * n, n, DATA_AT, accAt, OUT_AT);
  acc.set(mem.subarray(accAt / 4, accAt / 4 + 4 * n));
  return [mem[OUT_AT / 4], mem[OUT_AT / 4 + 1], mem[OUT_AT / 4 + 2], mem[OUT_AT / 4 + 3]];
}

/**
 * divideByLinearWithKernel for two polynomials g1, g2 (limb columns) and two points at once, both quotients added
 * into acc; returns [g1(u1), g2(u2)], or null, doing nothing, where the kernel is unavailable.
 */
export function divideByLinear2WithKernel(g1: Uint32Array, g2: Uint32Array, n: number, u1: Ext4, u2: Ext4, acc: Uint32Array): [Ext4, Ext4] | null {
  const k = n < MIN_KERNEL_ROWS ? null : getKernel();
  if (k === null) return null;
  if (g1.length !== 4 * n || g2.length !== 4 * n || acc.length !== 4 * n) throw new RangeError(`divideByLinear2: expected ${4 * n} words of coefficients and accumulator`);
  const u1At = DATA_AT;
  const u2At = u1At + 64;
  const g1At = u2At + 64;
  const g2At = g1At + 16 * n;
  const accAt = g2At + 16 * n;
  const remsAt = accAt + 16 * n;
  const mem = memoryWith(k, remsAt + 32);
  foldConstants(mem, u1At, u1);
  foldConstants(mem, u2At, u2);
  mem.set(g1, g1At / 4);
  mem.set(g2, g2At / 4);
  mem.set(acc, accAt / 4);
  k.x.divide_linear2(g1At, g2At, 4 * n, n, u1At, u2At, accAt, remsAt);
  acc.set(mem.subarray(accAt / 4, accAt / 4 + 4 * n));
  const r = remsAt / 4;
  return [[mem[r], mem[r + 1], mem[r + 2], mem[r + 3]], [mem[r + 4], mem[r + 5], mem[r + 6], mem[r + 7]]];
}
