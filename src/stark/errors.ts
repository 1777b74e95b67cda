/**
 * Why a proof was rejected. Every check in the verifier throws one of these, naming the values involved,
 * so that tests can assert the exact reason and the CLI can print one line.
 */

export type VerifyErrorCode =
  // parameters and shape (checked before any cryptography)
  | 'insufficient-security'
  | 'invalid-parameters'
  | 'invalid-proof-shape'
  | 'table-height-out-of-range'
  | 'too-many-interactions'
  // commitments and openings
  | 'merkle-path-mismatch'
  | 'opening-shape-mismatch'
  // FRI
  | 'fri-fold-mismatch'
  | 'fri-final-poly-mismatch'
  | 'fri-final-poly-degree'
  | 'fri-zero-queries'
  | 'invalid-pow'
  // AIR / lookups
  | 'ood-constraint-mismatch'
  | 'bus-imbalance'
  | 'public-values-mismatch'
  | 'verifying-key-mismatch';

export class VerifyError extends Error {
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

/** Why setup or proving refused its input (a bad AIR, trace or public values): the caller's bug, not an attack. */
export type InputErrorCode =
  | 'invalid-air'
  | 'constraint-degree-too-high'
  | 'bus-arity-mismatch'
  | 'trace-shape-mismatch'
  | 'invalid-public-values'
  | 'invalid-parameters';

export class InputError extends Error {
  constructor(
    readonly code: InputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
