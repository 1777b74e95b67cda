/**
 * The extension-field SIMD kernel (ext4.wat.ts) behind plain-TS signatures, for the PCS's hot loops: Σ_c r_c·f_c
 * over base columns (the DEEP combination), Σ_i w_i·f_i (barycentric evaluation), 1/(x_i − z) (barycentric
 * weights), Ruffini's division by X − z (the DEEP quotient) and FRI folding. Data is copied in (four columns at a
 * time, or chunk by chunk when folding) to one module-private WebAssembly.Memory, grown on demand and kept: about
 * 48 bytes per row of the largest opening (the two-point division). Every result equals its plain-TS
 * reference bit for bit (test/stark/ext4-kernel.test.ts); where wasm SIMD is missing, or below 16 rows, the
 * reference runs.
 */
import type { Ext4 } from '../field/ext4.ts';
import { P, inv, mul } from '../field/babybear.ts';
import { addScaledBase } from '../fri/packed.ts';
import { base64Bytes, wasmApi, type WasmMemory } from './wasm-api.ts';
import { wasmBase64 } from './ext4.wasm.ts';

interface Ext4Exports {
  scaled_add_base(acc: number, col: number, n: number, c: number): void;
  scaled_add_base4(acc: number, col: number, stride: number, n: number, c: number): void;
  dot_base(w: number, col: number, n: number, out: number): void;
  dot_base4(w: number, col: number, stride: number, n: number, out: number): void;
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
  if (kernel !== undefined) return kernel;
  kernel = null;
  if (wasmApi !== undefined) {
    try {
      const memory = new wasmApi.Memory({ initial: 1 });
      const instance = new wasmApi.Instance(new wasmApi.Module(base64Bytes(wasmBase64)), { env: { memory } });
      kernel = { x: instance.exports as unknown as Ext4Exports, memory };
    } catch {
      kernel = null; // no SIMD: the reference runs
    }
  }
  return kernel;
}

export function ext4KernelAvailable(): boolean {
  return getKernel() !== null;
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
  // Four columns per pass (scaled_add_base4), the last 1–3 one by one; coefficients at CONST_AT (64 bytes, up to DATA_AT).
  const accAt = DATA_AT;
  const colAt = accAt + 16 * n;
  const mem = memoryWith(k, colAt + 16 * n);
  const setCoeff = (slot: number, r: Ext4) => {
    for (let l = 0; l < 4; l++) mem[CONST_AT / 4 + 4 * slot + l] = mul(r[l], R_MOD_P);
  };
  mem.set(acc, accAt / 4);
  let c = 0;
  for (; c + 4 <= columns.length; c += 4) {
    for (let t = 0; t < 4; t++) {
      setCoeff(t, coeffs[c + t]);
      mem.set(columns[c + t], colAt / 4 + t * n);
    }
    k.x.scaled_add_base4(accAt, colAt, 4 * n, n, CONST_AT);
  }
  for (; c < columns.length; c++) {
    setCoeff(0, coeffs[c]);
    mem.set(columns[c], colAt / 4);
    k.x.scaled_add_base(accAt, colAt, n, CONST_AT);
  }
  acc.set(mem.subarray(accAt / 4, accAt / 4 + 4 * n));
}

/** For each base column f of n rows: Σ_i w_i·f_i with w packed (n elements). Unreduced by any scale. */
export function dotBaseColumns(weights: Uint32Array, columns: readonly Uint32Array[]): Ext4[] {
  const n = weights.length / 4;
  columns.forEach((col, c) => {
    if (col.length !== n) throw new RangeError(`dotBaseColumns: column ${c} has ${col.length} rows, expected ${n}`);
  });
  const k = n < MIN_KERNEL_ROWS ? null : getKernel();
  if (k === null) return columns.map((col) => referenceDot(weights, col));
  // Four columns per pass (dot_base4, sums after the column slots), the last 1–3 one by one.
  const wAt = DATA_AT;
  const colAt = wAt + 16 * n;
  const outAt = colAt + 16 * n;
  const mem = memoryWith(k, outAt + 64);
  mem.set(weights, wAt / 4);
  const result = (o: number): Ext4 => [mul(mem[o], R_MOD_P), mul(mem[o + 1], R_MOD_P), mul(mem[o + 2], R_MOD_P), mul(mem[o + 3], R_MOD_P)];
  const sums: Ext4[] = [];
  let c = 0;
  for (; c + 4 <= columns.length; c += 4) {
    for (let t = 0; t < 4; t++) mem.set(columns[c + t], colAt / 4 + t * n);
    k.x.dot_base4(wAt, colAt, 4 * n, n, outAt);
    for (let t = 0; t < 4; t++) sums.push(result(outAt / 4 + 4 * t));
  }
  for (; c < columns.length; c++) {
    mem.set(columns[c], colAt / 4);
    k.x.dot_base(wAt, colAt, n, outAt);
    sums.push(result(outAt / 4));
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
