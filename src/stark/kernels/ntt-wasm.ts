/**
 * The wasm SIMD NTT kernel (ntt.wat.ts) behind the same signatures as ../ntt-reference.ts, with identical results.
 * Columns are copied into one module-private WebAssembly.Memory (grown on demand), transformed there and copied
 * back out, so callers keep plain Uint32Arrays; the memory is kept (12 bytes per point of the largest transform for
 * tables, plus the largest call's buffers). Inputs must be canonical. Transforms below 16 points go to the reference
 * (the kernel works on groups of 16). Instantiated synchronously on first use; `nttKernelAvailable()` is false
 * where wasm SIMD is not.
 */
import { GENERATOR, MONTGOMERY_R, inv, pow, mul, twoAdicGenerator } from '../field/babybear.ts';
import { matrix, bitReverse, type Matrix } from '../matrix.ts';
import {
  mulFast,
  checkLength,
  checkShift,
  checkLde,
  checkLdeShape,
  checkLdeFromCoeffs,
  referenceNtt,
  referenceIntt,
  bitReversePermute,
  referenceCosetLde,
  referenceCosetLdeFromCoeffs,
  referenceCosetInterpolate,
} from '../ntt-reference.ts';
import { wasmBase64 } from './ntt.wasm.ts';
import { P_INV_MOD_2_32 } from './ntt.wat.ts';
import { instantiateKernel, type WasmMemory } from './wasm-api.ts';


export interface NttExports {
  dif(p: number, S: number, tw: number, dt: number): void;
  bitrev_copy(src: number, dst: number, logn: number, scratch: number): void;
  scale_powers(src: number, dst: number, n: number, c: number): void;
  extend_column(coeffs: number, out: number, m: number, blocks: number, c: number, tw: number, dt: number): void;
}

/**
 * One column's LDE inside wasm memory (byte offsets), see extendColumns, or (interpolate) one column's coset
 * interpolation in place at src, see cosetInterpolateInPlace. Plain numbers, so workers can run it too.
 */
export interface ColumnJob {
  interpolate?: boolean;
  fromEvals: boolean;
  src: number;
  coeffs: number;
  out: number;
  m: number;
  blocks: number;
  consts: number;
  logM: number;
  /** 4 KiB for bitrev_copy's tile. */
  scratch: number;
  /** Inverse twiddles (the input is evaluations) and the byte distance to their companions. */
  itw: number;
  dt: number;
  /** Forward twiddles. */
  tw: number;
}

/** Runs a ColumnJob; ntt-workers.ts mirrors these calls in its worker source. */
export function runColumnJob(x: NttExports, j: ColumnJob): void {
  if (j.interpolate) {
    // bit-reversed evaluations at src → (coeffs as scratch) → coefficients at src, scaled by the consts' powers
    x.bitrev_copy(j.src, j.coeffs, j.logM, j.scratch);
    x.dif(j.coeffs, j.m, j.itw, j.dt);
    x.bitrev_copy(j.coeffs, j.src, j.logM, j.scratch);
    x.scale_powers(j.src, j.src, j.m, j.consts);
    return;
  }
  if (j.fromEvals) {
    x.dif(j.src, j.m, j.itw, j.dt);
    x.bitrev_copy(j.src, j.coeffs, j.logM, j.scratch); // m·coefficients, natural order
  }
  x.extend_column(j.coeffs, j.out, j.m, j.blocks, j.consts, j.tw, j.dt);
}

/** Worker threads sharing the kernel's memory (Node only, ntt-workers.ts): start a job, then block until done. */
export interface ColumnPool {
  readonly size: number;
  start(worker: number, job: ColumnJob): void;
  wait(worker: number): void;
}

/** scale_powers works on groups of 16 elements. */
const MIN_KERNEL_SIZE = 16;
const PAGE = 65536;
/** Byte offset of the 80-byte constants area read by scale_powers. */
const CONSTS = 0;
/** bitrev_copy's scratch tile: 32×32 words. */
const SCRATCH_WORDS = 1024;
const TABLES = 128;

interface Kernel {
  x: NttExports;
  memory: WasmMemory;
  /** Tables cover transforms up to 2^logCapacity points: forward and inverse twiddles, then their companions. */
  logCapacity: number;
  tw: number;
  itw: number;
  dt: number;
  data: number;
  pool?: ColumnPool;
}

let kernel: Kernel | null | undefined;

/** A kernel with no tables yet (built on first use, from byte TABLES on). */
function emptyKernel(x: NttExports, memory: WasmMemory): Kernel {
  return { x, memory, logCapacity: -1, tw: TABLES, itw: TABLES, dt: 0, data: TABLES };
}

function instantiate(): Kernel | null {
  const k = instantiateKernel<NttExports>(wasmBase64); // null: callers fall back to the reference
  return k === null ? null : emptyKernel(k.x, k.memory);
}

/**
 * Moves the kernel onto a shared memory whose instance the pool's workers also run (ntt-workers.ts). Tables are
 * rebuilt there on first use. Passing null returns to a private single-threaded instance.
 */
export function attachColumnPool(shared: { exports: object; memory: WasmMemory; pool: ColumnPool } | null): void {
  kernel = shared === null ? undefined : { ...emptyKernel(shared.exports as NttExports, shared.memory), pool: shared.pool };
}

function getKernel(): Kernel | null {
  if (kernel === undefined) kernel = instantiate();
  return kernel;
}

export function nttKernelAvailable(): boolean {
  return getKernel() !== null;
}

function requireKernel(): Kernel {
  const k = getKernel();
  if (k === null) throw new Error('ntt-wasm: WebAssembly SIMD is not available in this runtime');
  return k;
}

const toMontgomery = (x: number): number => mulFast(x, MONTGOMERY_R);

function words(k: Kernel): Uint32Array {
  return new Uint32Array(k.memory.buffer);
}

/**
 * Makes the tables cover 2^logSize points and the data area hold dataWords words. Twiddle table layout as in
 * the reference: tw[len + j] = ω_{2len}^j, so the table for 2^L serves every smaller size as its prefix; the
 * bit-reversal table of 2^L serves size 2^l through a right shift by L − l.
 */
function prepare(k: Kernel, logSize: number, dataWords: number): void {
  if (logSize > k.logCapacity) {
    const T = 2 ** logSize;
    k.logCapacity = logSize;
    k.itw = k.tw + 4 * T;
    k.dt = 8 * T;
    k.data = k.tw + 16 * T;
    grow(k, k.data);
    const mem = words(k);
    for (const [at, inverse] of [[k.tw, false], [k.itw, true]] as const) {
      const tw = mem.subarray(at / 4, at / 4 + T);
      const twq = mem.subarray((at + k.dt) / 4, (at + k.dt) / 4 + T);
      // The top layer's twiddles ω_T^j (j < T/2) contain every other layer's: ω_{2len}^j = ω_T^{j·T/(2len)}.
      const half = T / 2;
      const root = inverse ? inv(twoAdicGenerator(logSize)) : twoAdicGenerator(logSize);
      let x = 1;
      for (let j = 0; j < half; j++) {
        tw[half + j] = toMontgomery(x);
        x = mulFast(x, root);
      }
      for (let len = half >> 1; len >= 1; len >>= 1) {
        const stride = half / len;
        for (let j = 0; j < len; j++) tw[len + j] = tw[half + j * stride];
      }
      tw[0] = 0;
      for (let i = 0; i < T; i++) twq[i] = Math.imul(tw[i], P_INV_MOD_2_32) >>> 0;
    }
  }
  grow(k, k.data + 4 * dataWords);
}

function grow(k: Kernel, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
}

/** In-place DIF (natural in, bit-reversed out) of the S ≥ 16 elements at byte offset p. */
function dif(k: Kernel, p: number, S: number): void {
  k.x.dif(p, S, k.tw, k.dt);
}

/** In-place inverse DIF: natural-order evaluations → n·coefficients in bit-reversed order. */
function inverseDif(k: Kernel, p: number, S: number): void {
  k.x.dif(p, S, k.itw, k.dt);
}

/** Writes the 80-byte scale_powers descriptor of x_i = start·ratio^i at byte offset at. */
function writePowers(mem: Uint32Array, at: number, start: number, ratio: number): void {
  let x = start;
  for (let i = 0; i < 16; i++) {
    mem[at / 4 + i] = toMontgomery(x);
    x = mul(x, ratio);
  }
  mem.fill(toMontgomery(pow(ratio, 16)), at / 4 + 16, at / 4 + 20);
}

/** dst[i] = src[i]·start·ratio^i for i < n (n a multiple of 16). */
function scalePowers(k: Kernel, src: number, dst: number, n: number, start: number, ratio: number): void {
  writePowers(words(k), CONSTS, start, ratio);
  k.x.scale_powers(src, dst, n, CONSTS);
}

export function ntt(values: Uint32Array): void {
  const logN = checkLength('ntt', values.length);
  if (values.length < MIN_KERNEL_SIZE) return referenceNtt(values);
  transformInKernel(values, logN, false);
}

export function intt(values: Uint32Array): void {
  const logN = checkLength('intt', values.length);
  if (values.length < MIN_KERNEL_SIZE) return referenceIntt(values);
  transformInKernel(values, logN, true);
}

/**
 * In place: evaluations on H_n in BIT-REVERSED order → coefficients (natural order). The permutation runs in the
 * kernel (bitrev_copy, cache-tiled) instead of in a JS loop before intt.
 */
export function inttBitReversed(values: Uint32Array): void {
  const logN = checkLength('inttBitReversed', values.length);
  if (values.length < MIN_KERNEL_SIZE) {
    bitReversePermute(values);
    return referenceIntt(values);
  }
  const n = values.length;
  const k = requireKernel();
  prepare(k, logN, 2 * n + SCRATCH_WORDS);
  const a = k.data;
  const b = a + 4 * n;
  const scratch = b + 4 * n;
  words(k).set(values, a / 4);
  k.x.bitrev_copy(a, b, logN, scratch);
  inverseDif(k, b, n);
  k.x.bitrev_copy(b, a, logN, scratch);
  scalePowers(k, a, a, n, inv(n), 1);
  values.set(words(k).subarray(a / 4, a / 4 + n));
}

/** ntt / intt of `values` (2^logN ≥ 16 points) through the kernel's memory; the inverse also scales by 1/n. */
function transformInKernel(values: Uint32Array, logN: number, inverse: boolean): void {
  const n = values.length;
  const k = requireKernel();
  prepare(k, logN, 2 * n + SCRATCH_WORDS);
  const a = k.data;
  const b = a + 4 * n;
  const scratch = b + 4 * n;
  words(k).set(values, a / 4);
  if (inverse) inverseDif(k, a, n);
  else dif(k, a, n);
  k.x.bitrev_copy(a, b, logN, scratch);
  if (inverse) scalePowers(k, b, b, n, inv(n), 1);
  values.set(words(k).subarray(b / 4, b / 4 + n));
}

export function cosetLde(evals: Matrix, logBlowup: number, shift = GENERATOR): Matrix {
  const logN = checkLde(evals, logBlowup, shift);
  const lde = matrix(evals.width, 2 ** (logN + logBlowup));
  cosetLdeInto(evals, logBlowup, lde, shift);
  return lde;
}

/** cosetLde writing into a caller-owned matrix of the LDE's shape (lets a prover reuse buffers; see ntt.ts). */
export function cosetLdeInto(evals: Matrix, logBlowup: number, lde: Matrix, shift = GENERATOR): void {
  const logN = checkLde(evals, logBlowup, shift);
  checkLdeShape(evals, logBlowup, lde);
  if (evals.height < MIN_KERNEL_SIZE) return lde.values.set(referenceCosetLde(evals, logBlowup, shift).values);
  extendColumns(requireKernel(), evals, true, logN, logN + logBlowup, shift, lde);
}

export function cosetLdeFromCoeffs(coeffs: Matrix, logLdeHeight: number, shift = GENERATOR): Matrix {
  const lde = matrix(coeffs.width, 2 ** logLdeHeight);
  cosetLdeFromCoeffsInto(coeffs, logLdeHeight, lde, shift);
  return lde;
}

/** cosetLdeFromCoeffs writing into a caller-owned width × 2^logLdeHeight matrix (buffer reuse, as cosetLdeInto). */
export function cosetLdeFromCoeffsInto(coeffs: Matrix, logLdeHeight: number, lde: Matrix, shift = GENERATOR): void {
  checkLdeFromCoeffs(coeffs, logLdeHeight, shift);
  const N = 2 ** logLdeHeight;
  if (lde.width !== coeffs.width || lde.height !== N || lde.values.length !== lde.width * N) {
    throw new RangeError(`LDE output: expected ${coeffs.width}×${N}, got ${lde.width}×${lde.height}`);
  }
  if (N < MIN_KERNEL_SIZE) return lde.values.set(referenceCosetLdeFromCoeffs(coeffs, logLdeHeight, shift).values);
  // Extend from the smallest power of two ≥ max(h, 16) holding the coefficients: fewer, shorter DIFs.
  let logM = 4;
  while (2 ** logM < coeffs.height) logM++;
  extendColumns(requireKernel(), coeffs, false, logM, logLdeHeight, shift, lde);
}

/**
 * The LDE of every column of `input` into `lde` (N = 2^logN rows, bit-reversed). With m = 2^logM, the input is
 * either evaluations on H_m (fromEvals: interpolated first) or ≤ m coefficients (zero-padded). The bit-reversed
 * LDE splits into B = N/m blocks: block b is f on the coset s_b·H_m, s_b = shift·ω_N^bitrev_B(b), in bit-reversed
 * order, i.e. the DIF of the coefficients times s_b^i (times 1/m when they come from an unscaled inverse DFT).
 * Columns run in batches, one per thread (the main thread plus the worker pool, if attached).
 */
function extendColumns(k: Kernel, input: Matrix, fromEvals: boolean, logM: number, logN: number, shift: number, lde: Matrix): void {
  const m = 2 ** logM;
  const N = 2 ** logN;
  const h = input.height;
  const logB = logN - logM;
  const blocks = 2 ** logB;
  const threads = Math.max(1, Math.min(input.width, 1 + (k.pool?.size ?? 0)));
  const constsBytes = Math.ceil((80 * blocks) / 64) * 64;
  const slotBytes = 4 * (2 * m + N + SCRATCH_WORDS);
  prepare(k, logM, (constsBytes + threads * slotBytes) / 4);
  const consts = k.data;
  const rootN = twoAdicGenerator(logN);
  const scale = fromEvals ? inv(m) : 1;
  for (let b = 0; b < blocks; b++) writePowers(words(k), consts + 80 * b, scale, mul(shift, pow(rootN, bitReverse(b, logB))));
  // Slot t: [src: m words][coeffs: m words][out: N words][scratch]
  const slot = (t: number): number => consts + constsBytes + t * slotBytes;
  const job = (t: number): ColumnJob => ({
    fromEvals,
    src: slot(t),
    coeffs: slot(t) + 4 * m,
    out: slot(t) + 8 * m,
    m,
    blocks,
    consts,
    logM,
    scratch: slot(t) + 4 * (2 * m + N),
    itw: k.itw,
    dt: k.dt,
    tw: k.tw,
  });
  const mem = words(k); // no growth below: the view stays valid
  const load = (t: number, c: number) => {
    const column = input.values.subarray(c * h, (c + 1) * h);
    const j = job(t);
    if (fromEvals) mem.set(column, j.src / 4);
    else {
      mem.set(column, j.coeffs / 4);
      mem.fill(0, j.coeffs / 4 + h, j.coeffs / 4 + m);
    }
  };
  const store = (t: number, c: number) => lde.values.set(mem.subarray(job(t).out / 4, job(t).out / 4 + N), c * N);
  runBatches(k, input.width, threads, job, load, store);
}

/** Columns [0, width) in batches of `threads`, column c0 + t in slot t (slot 0 on the main thread, t ≥ 1 on worker t − 1). */
function runBatches(
  k: Kernel,
  width: number,
  threads: number,
  job: (t: number) => ColumnJob,
  load: (t: number, column: number) => void,
  store: (t: number, column: number) => void,
): void {
  for (let c0 = 0; c0 < width; c0 += threads) {
    const batch = Math.min(threads, width - c0);
    for (let t = 0; t < batch; t++) load(t, c0 + t);
    for (let t = 1; t < batch; t++) k.pool!.start(t - 1, job(t));
    runColumnJob(k.x, job(0));
    for (let t = 1; t < batch; t++) k.pool!.wait(t - 1);
    for (let t = 0; t < batch; t++) store(t, c0 + t);
  }
}

export function cosetInterpolate(evalsBitRev: Matrix, shift = GENERATOR): Matrix {
  const n = evalsBitRev.height;
  checkLength('cosetInterpolate', n);
  checkShift(shift);
  if (n < MIN_KERNEL_SIZE) return referenceCosetInterpolate(evalsBitRev, shift);
  const out = matrix(evalsBitRev.width, n, evalsBitRev.values.slice());
  cosetInterpolateInPlace(out, shift);
  return out;
}

/** cosetInterpolate overwriting its input with the coefficients (no fresh output buffer). */
export function cosetInterpolateInPlace(evalsBitRev: Matrix, shift = GENERATOR): void {
  const n = evalsBitRev.height;
  const logN = checkLength('cosetInterpolate', n);
  checkShift(shift);
  if (n < MIN_KERNEL_SIZE) return evalsBitRev.values.set(referenceCosetInterpolate(evalsBitRev, shift).values);
  const k = requireKernel();
  // Columns run in batches, one per thread (the main thread plus the worker pool, if attached), as extendColumns.
  const width = evalsBitRev.width;
  const threads = Math.max(1, Math.min(width, 1 + (k.pool?.size ?? 0)));
  const slotBytes = 4 * (2 * n + SCRATCH_WORDS);
  prepare(k, logN, (threads * slotBytes) / 4);
  // Per column: bit-reversed → natural order (evaluations of g(X) = f(shift·X) on H_n), inverse DIF and back to
  // natural order (n·coefficients of g, g_i = f_i·shift^i), then scaled by (1/n)·shift^−i.
  writePowers(words(k), CONSTS, inv(n), inv(shift));
  // Slot t: [column: n words][scratch column: n words][bitrev_copy tile]
  const job = (t: number): ColumnJob => ({
    interpolate: true,
    fromEvals: false,
    src: k.data + t * slotBytes,
    coeffs: k.data + t * slotBytes + 4 * n,
    out: 0,
    m: n,
    blocks: 0,
    consts: CONSTS,
    logM: logN,
    scratch: k.data + t * slotBytes + 8 * n,
    itw: k.itw,
    dt: k.dt,
    tw: k.tw,
  });
  const values = evalsBitRev.values;
  const mem = words(k);
  const load = (t: number, c: number) => mem.set(values.subarray(c * n, (c + 1) * n), job(t).src / 4);
  const store = (t: number, c: number) => values.set(mem.subarray(job(t).src / 4, job(t).src / 4 + n), c * n);
  runBatches(k, width, threads, job, load, store);
}
