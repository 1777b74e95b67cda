/**
 * The STARK's parameter set and its named profiles, in one place: the FRI/PCS fields (fri/params.ts, whose
 * code takes only `FriParams`; a `StarkParams` passes there structurally) plus the number of LogUp
 * repetitions. `src/stark/security.ts` turns a set into bits; docs/security.md derives and tabulates it.
 */
import { VerifyError } from './errors.ts';
import { PARAM_BOUNDS, friParamWords, validateFriParams, type FriParams } from './fri/params.ts';
import type { Transcript } from './transcript.ts';

export interface StarkParams extends FriParams {
  /**
   * R, the number of independent LogUp arguments (α_r, γ_r), r < R. A false multiset claim must pass all R
   * Schwartz–Zippel tests, so the LogUp error is (D/|EF|)^R (Plonky2's `num_challenges`); each repetition
   * costs one more set of aux columns (groups + running sum), their commitment, openings and constraints.
   */
  readonly lookupRepetitions: number;
}

/** Validity bounds of every field; anything outside is rejected before any cryptography. */
export const STARK_PARAM_BOUNDS = {
  ...PARAM_BOUNDS,
  lookupRepetitions: [1, 4], // 0 would check no bus at all; 4 already gives ≈ 4·95 bits at 2^20 rows
} as const satisfies Record<keyof StarkParams, readonly [number, number]>;

/**
 * Default: ≥ 100 conjectured bits for traces up to 2^20 rows (docs/security.md). Rate 1/4 supports
 * constraint degree ≤ 5 (4 quotient chunks). Arity 8 with 16 final coefficients gave the smallest PCS
 * proofs measured (16 columns × 2^16, 16 final coefficients: arity 2 ≈ 119 KiB, 4 ≈ 69, 8 ≈ 61, 16 ≈ 65).
 * One LogUp repetition: the conjectured level does not count the lookup term.
 */
export const DEFAULT_PARAMS: StarkParams = Object.freeze({
  logBlowup: 2,
  numQueries: 43,
  queryPowBits: 16,
  logFinalPolyLen: 4,
  logFoldingArity: 3,
  lookupRepetitions: 1,
});

/**
 * ≥ 100 bits PROVABLE in the unique-decoding regime for tables up to 2^20 rows, as SP1 v6 sizes it:
 * numQueries = ⌈(100 − powBits) / −log2((1 + ρ)/2)⌉ = ⌈84 / 0.678⌉ = 124 at ρ = 1/4.
 * Arity 4 keeps the per-round folding error 3·N/|EF| ≤ 2^-100 up to 2^20 rows (arity 8 would not).
 * Two LogUp repetitions: one Schwartz–Zippel test over F_p^4 gives only ≈ 95.6 bits at 2^20 rows with
 * 256 fractions per row; two give ≈ 191 (docs/security.md, "LogUp repetitions").
 */
export const PROVEN_PARAMS: StarkParams = Object.freeze({
  logBlowup: 2,
  numQueries: 124,
  queryPowBits: 16,
  logFinalPolyLen: 4,
  logFoldingArity: 2,
  lookupRepetitions: 2,
});

/** INSECURE (15 conjectured bits): fast parameters for tests only. `verify` must refuse it unless told otherwise. */
export const TEST_PARAMS_INSECURE: StarkParams = Object.freeze({
  logBlowup: 2,
  numQueries: 8,
  queryPowBits: 4,
  logFinalPolyLen: 2,
  logFoldingArity: 2,
  lookupRepetitions: 1,
});

/** Throws VerifyError('fri-zero-queries' | 'invalid-parameters') naming the field and its bounds. */
export function validateParams(params: StarkParams): void {
  validateFriParams(params);
  const [min, max] = STARK_PARAM_BOUNDS.lookupRepetitions;
  const r = params.lookupRepetitions;
  if (!Number.isInteger(r) || r < min || r > max) {
    throw new VerifyError('invalid-parameters', `parameter lookupRepetitions = ${r} is outside [${min}, ${max}]`);
  }
}

/** Every parameter, in the fixed order the transcript and the verifying-key digest encode them. */
export function paramWords(params: StarkParams): number[] {
  return [...friParamWords(params), params.lookupRepetitions];
}

/** Absorbs every parameter so that a proof is bound to the parameters it was made for. */
export function absorbParams(transcript: Transcript, params: StarkParams): void {
  transcript.absorbU32s('stark-params', paramWords(params));
}
