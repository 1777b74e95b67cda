/**
 * FRI parameters: what the PCS and FRI code take. Each field states its cost and its security effect, as
 * Winterfell's `air/src/options.rs` does. The whole STARK parameter set and its named profiles are in
 * `src/stark/params.ts`; `src/stark/security.ts` turns a set into bits and `docs/security.md` derives them.
 */
import { VerifyError } from '../errors.ts';
import { MAX_POW_BITS } from '../transcript.ts';

export interface FriParams {
  /**
   * log2 of the blowup factor 1/ρ. Each query gives ~logBlowup conjectured bits (−log2((1+ρ)/2) proven);
   * the prover's LDEs, hashing and memory grow by 2^logBlowup. Must be ≥ log2 of the number of quotient
   * chunks (2 → degree-3 constraints, 4 → degree ≤ 5).
   */
  readonly logBlowup: number;
  /** Number of FRI queries: proof size and verifier time grow linearly; the query term of security too. */
  readonly numQueries: number;
  /**
   * Proof-of-work bits ground before the query indices are drawn: costs the prover 2^queryPowBits hashes,
   * adds queryPowBits to the query term (conjectured: only once queries alone give ≥ 80 bits).
   */
  readonly queryPowBits: number;
  /**
   * log2 of the number of final-polynomial coefficients sent in the clear (16 bytes each). Each +1 saves
   * one binary folding round (its Merkle openings); no security effect: the coefficients sent ARE the
   * degree bound. Capped at the smallest committed trace height.
   */
  readonly logFinalPolyLen: number;
  /**
   * log2 of the folding arity per committed FRI layer. Higher arity means fewer layers (smaller proofs:
   * one opening per layer gives the whole coset) but the proven per-round error grows to
   * (arity − 1)·N/|EF|. Layers are shortened where a smaller codeword must be rolled in.
   */
  readonly logFoldingArity: number;
}

/** Validity bounds; anything outside is rejected before any cryptography. */
export const PARAM_BOUNDS = {
  logBlowup: [1, 8], // ≥ 1 so that the quotient fits; 8 → 256× LDE, beyond any sane prover
  numQueries: [1, 1024], // 0 queries would accept any final polynomial (Plonky3 FriError::ZeroQueries)
  queryPowBits: [0, MAX_POW_BITS], // a u32 nonce stops being found reliably beyond 24 bits (transcript.ts)
  logFinalPolyLen: [0, 16],
  logFoldingArity: [1, 4],
} as const satisfies Record<keyof FriParams, readonly [number, number]>;

/** Throws VerifyError('fri-zero-queries' | 'invalid-parameters') naming the field and its bounds. */
export function validateFriParams(params: FriParams): void {
  if (params.numQueries === 0) {
    throw new VerifyError('fri-zero-queries', 'numQueries is 0: with no queries any final polynomial would be accepted');
  }
  for (const key of Object.keys(PARAM_BOUNDS) as (keyof FriParams)[]) {
    const [min, max] = PARAM_BOUNDS[key];
    const value = params[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new VerifyError('invalid-parameters', `FRI parameter ${key} = ${value} is outside [${min}, ${max}]`);
    }
  }
}

/** The FRI parameters, in the fixed order `paramWords` (params.ts) puts first. */
export function friParamWords(params: FriParams): number[] {
  const { logBlowup, numQueries, queryPowBits, logFinalPolyLen, logFoldingArity } = params;
  return [logBlowup, numQueries, queryPowBits, logFinalPolyLen, logFoldingArity];
}
