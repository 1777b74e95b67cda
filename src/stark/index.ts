// zkc's STARK: the public API (docs/stark.md). This file only lists modules.
export type { Air, AirBuilder, Window, Interaction } from './air.ts';
export { MAX_CONSTRAINT_DEGREE } from './air.ts';
export { Expr, constant, sum, type ExprLike } from './expr.ts';
export { buildTableSystem, type TableSystem } from './constraint-system.ts';
export { debugCheck, type DebugReport, type DebugTable, type ConstraintFailure, type BusImbalance } from './builders/debug.ts';
export { setup, verifyingKeyDigest, type ProvingKey, type VerifyingKey, type TableKey, type SetupOptions } from './keys.ts';
export { prove } from './prover.ts';
export { startProverThreads, stopProverThreads } from './threads.ts';
export { verify, type VerifyOptions } from './verifier.ts';
export { readProof, writeProof, PROOF_VERSION, type Proof } from './proof.ts';
export { DEFAULT_PARAMS, PROVEN_PARAMS, TEST_PARAMS_INSECURE, type StarkParams } from './params.ts';
export type { FriParams } from './fri/params.ts';
export { VerifyError, InputError, type VerifyErrorCode, type InputErrorCode } from './errors.ts';
export { DecodeError } from './codec.ts';
export { matrix, fromRows, type Matrix } from './matrix.ts';
