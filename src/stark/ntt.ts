/**
 * NTT and coset low-degree extension over BabyBear (docs/stark.md, "Domains"): H_n = ⟨ω_n⟩ with
 * ω_n = twoAdicGenerator(log n); LDEs live on shift·H_N with rows in bit-reversed order.
 * Every function routes to the wasm SIMD kernel (kernels/ntt-wasm.ts) when the runtime has it and otherwise
 * to the plain-TS reference (ntt-reference.ts); both give identical results (test/stark/ntt-wasm.test.ts).
 */
import type { Matrix } from './matrix.ts';
import * as reference from './ntt-reference.ts';
import * as kernel from './kernels/ntt-wasm.ts';

const useKernel = kernel.nttKernelAvailable();

/** In place: coefficients (natural order) → evaluations on H_n (natural order); n = length, a power of two. */
export function ntt(values: Uint32Array): void {
  if (useKernel) kernel.ntt(values);
  else reference.referenceNtt(values);
}

/** In place: evaluations on H_n (natural order) → coefficients (natural order). */
export function intt(values: Uint32Array): void {
  if (useKernel) kernel.intt(values);
  else reference.referenceIntt(values);
}

/** In place: evaluations on H_n in bit-reversed order → coefficients (natural order). */
export function inttBitReversed(values: Uint32Array): void {
  if (useKernel) kernel.inttBitReversed(values);
  else {
    reference.bitReversePermute(values);
    reference.referenceIntt(values);
  }
}

/**
 * Evaluations on H_n (natural order) → evaluations on shift·H_N, N = n·2^logBlowup, rows bit-reversed:
 * row i = f(shift·ω_N^bitrev_N(i)). Returns a new matrix; the input is not modified. shift defaults to GENERATOR.
 */
export function cosetLde(evals: Matrix, logBlowup: number, shift?: number): Matrix {
  return useKernel ? kernel.cosetLde(evals, logBlowup, shift) : reference.referenceCosetLde(evals, logBlowup, shift);
}

/**
 * cosetLde into a caller-owned matrix of shape width × n·2^logBlowup, so a prover can reuse one buffer across
 * commits (allocating and first touching a fresh 64 MiB array cost more than the transform itself on the shared VM).
 */
export function cosetLdeInto(evals: Matrix, logBlowup: number, lde: Matrix, shift?: number): void {
  if (useKernel) return kernel.cosetLdeInto(evals, logBlowup, lde, shift);
  const result = reference.referenceCosetLde(evals, logBlowup, shift);
  reference.checkLdeShape(evals, logBlowup, lde);
  lde.values.set(result.values);
}

/**
 * Coefficient columns (natural order, height ≤ 2^logLdeHeight, zero-padded) → bit-reversed evaluations on
 * shift·H_{2^logLdeHeight}.
 */
export function cosetLdeFromCoeffs(coeffs: Matrix, logLdeHeight: number, shift?: number): Matrix {
  return useKernel
    ? kernel.cosetLdeFromCoeffs(coeffs, logLdeHeight, shift)
    : reference.referenceCosetLdeFromCoeffs(coeffs, logLdeHeight, shift);
}

/** cosetLdeFromCoeffs into a caller-owned matrix of shape width × 2^logLdeHeight (buffer reuse, as cosetLdeInto). */
export function cosetLdeFromCoeffsInto(coeffs: Matrix, logLdeHeight: number, lde: Matrix, shift?: number): void {
  if (useKernel) return kernel.cosetLdeFromCoeffsInto(coeffs, logLdeHeight, lde, shift);
  const result = reference.referenceCosetLdeFromCoeffs(coeffs, logLdeHeight, shift);
  if (lde.width !== result.width || lde.height !== result.height || lde.values.length !== result.values.length) {
    throw new RangeError(`LDE output: expected ${result.width}×${result.height}, got ${lde.width}×${lde.height}`);
  }
  lde.values.set(result.values);
}

/** Bit-reversed evaluations on shift·H_n → coefficients (natural order). Returns a new matrix. */
export function cosetInterpolate(evalsBitRev: Matrix, shift?: number): Matrix {
  return useKernel ? kernel.cosetInterpolate(evalsBitRev, shift) : reference.referenceCosetInterpolate(evalsBitRev, shift);
}

/** cosetInterpolate overwriting its input with the coefficients (saves a fresh matrix per call). */
export function cosetInterpolateInPlace(evalsBitRev: Matrix, shift?: number): void {
  if (useKernel) return kernel.cosetInterpolateInPlace(evalsBitRev, shift);
  evalsBitRev.values.set(reference.referenceCosetInterpolate(evalsBitRev, shift).values);
}

/** Node only, opt-in: run cosetLde / cosetLdeFromCoeffs / cosetInterpolate on worker threads sharing the kernel's memory. */
export { startNttWorkers, stopNttWorkers } from './kernels/ntt-workers.ts';
