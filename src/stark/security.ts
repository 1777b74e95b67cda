/**
 * Security level of a STARK parameter set, in bits (docs/security.md derives every term).
 * Conjectured: Winterfell `air/src/proof/security.rs`, a modification of ethSTARK (eprint 2021/582) Eq. (19).
 * Proven: unique-decoding regime, round-by-round, after Theorem 3 of eprint 2024/1553 (as Winterfell
 * computes it) with the query term as SP1 v6 sizes it. Target: 100 bits for traces up to 2^20 rows.
 */
import { P, TWO_ADICITY } from './field/babybear.ts';
import { VerifyError } from './errors.ts';
import { validateParams, type StarkParams } from './params.ts';

/** What the formulas need besides the parameters; the verifier fills it from its verifying key. */
export interface SecurityContext {
  /** log2 of the tallest table's height n; the largest LDE domain is N = n·2^logBlowup. */
  readonly logTraceHeight: number;
  /** Degree of the extension challenges are drawn from (4: |EF| = p^4 ≈ 2^123.63). */
  readonly extensionDegree: number;
  /** Largest constraint degree d (DEEP-ALI term). */
  readonly maxConstraintDegree: number;
  /** Number of constraints combined with powers of one α (ALI term). */
  readonly numConstraints: number;
  /** Number of distinct opening points per column (e.g. 2: ζ and ζ·ω). */
  readonly numOpeningPoints: number;
  /**
   * Degree of the cleared LogUp identity in (α, γ): Σ over tables of height × interactions × (bus arity + 1).
   * 0 when there are no lookups.
   */
  readonly lookupDegreeBound: number;
  /** Collision resistance of the Merkle/transcript hash (BLAKE3-256: 128). */
  readonly hashCollisionBits: number;
}

/** Contribution of each parameter, in words; `satisfies` makes a new StarkParams field break the build here. */
export const PARAM_SECURITY_ROLE = {
  logBlowup: 'per-query bits (logBlowup conjectured, −log2((1+ρ)/2) proven); enters N in every field term',
  numQueries: 'multiplies the per-query bits',
  queryPowBits: 'added to the query term (conjectured: only once queries alone reach 80 bits)',
  logFinalPolyLen: 'none: the coefficients sent are the degree bound (no field term)',
  logFoldingArity: 'proven per-round folding error (arity − 1)·N/|EF|',
  lookupRepetitions: 'multiplies the proven LogUp term: R independent (α, γ) give (D/|EF|)^R',
} as const satisfies Record<keyof StarkParams, string>;

const GRINDING_CONTRIBUTION_FLOOR = 80; // Winterfell: grinding counts only for otherwise adequate proofs

function extensionBits(ctx: SecurityContext): number {
  return ctx.extensionDegree * Math.log2(P);
}

function checkContext(ctx: SecurityContext): void {
  const ints: (keyof SecurityContext)[] = [
    'logTraceHeight', 'extensionDegree', 'maxConstraintDegree', 'numConstraints', 'numOpeningPoints',
    'lookupDegreeBound', 'hashCollisionBits',
  ];
  for (const key of ints) {
    const v = ctx[key];
    if (!Number.isSafeInteger(v) || v < 0) throw new VerifyError('invalid-parameters', `security context ${key} = ${v} is not a non-negative integer`);
  }
  if (ctx.logTraceHeight > TWO_ADICITY) throw new VerifyError('invalid-parameters', `logTraceHeight ${ctx.logTraceHeight} exceeds the field's two-adicity`);
}

/**
 * ethSTARK-style conjectured bits (Winterfell): min(min(field, query) − 1, hash), with
 * field = log2|EF| − log2 N and query = numQueries·logBlowup (+ queryPowBits once ≥ 80).
 */
export function conjecturedSecurityBits(params: StarkParams, ctx: SecurityContext): number {
  validateParams(params);
  checkContext(ctx);
  const { logBlowup, numQueries, queryPowBits } = params;
  const logLde = ctx.logTraceHeight + logBlowup;
  const fieldBits = extensionBits(ctx) - logLde;
  let queryBits = numQueries * logBlowup;
  if (queryBits >= GRINDING_CONTRIBUTION_FLOOR) queryBits += queryPowBits;
  return Math.floor(Math.min(Math.min(fieldBits, queryBits) - 1, ctx.hashCollisionBits));
}

/** Every term of the proven (unique-decoding, round-by-round) bound, in bits; the level is their minimum. */
export interface ProvenSecurityTerms {
  /** Queries: numQueries·(−log2((1 + ρ)/2)) + queryPowBits (SP1 v6; ethSTARK/2024-1553 Thm 3 ε_k). */
  query: number;
  /** ALI: constraints combined with powers of α, a polynomial of degree numConstraints in α. */
  ali: number;
  /**
   * LogUp: Schwartz–Zippel over the cleared identity of degree D = lookupDegreeBound, once per repetition with
   * independent (α_r, γ_r): a false claim passes all R with probability (D/|EF|)^R, i.e. R·(log2|EF| − log2 D) bits.
   */
  lookup: number;
  /** DEEP: (d·(n + k − 1) + (n − 1))/|EF| for k opening points. */
  deep: number;
  /** PCS batching: independent r per column, then μ per point (two linear batchings): 2·N/|EF|. */
  batching: number;
  /** FRI folding round with powers of β over an arity-a coset: (a − 1)·N/|EF| (largest layer). */
  folding: number;
  /** Hash collision resistance. */
  hash: number;
}

export function provenSecurityTerms(params: StarkParams, ctx: SecurityContext): ProvenSecurityTerms {
  validateParams(params);
  checkContext(ctx);
  const { logBlowup, numQueries, queryPowBits, logFoldingArity } = params;
  const extBits = extensionBits(ctx);
  const n = 2 ** ctx.logTraceHeight;
  const logLde = ctx.logTraceHeight + logBlowup;
  const rho = 2 ** -logBlowup;
  const d = ctx.maxConstraintDegree;
  const k = ctx.numOpeningPoints;
  return {
    query: numQueries * -Math.log2((1 + rho) / 2) + queryPowBits,
    ali: extBits - Math.log2(Math.max(1, ctx.numConstraints)),
    lookup: ctx.lookupDegreeBound > 0 ? params.lookupRepetitions * (extBits - Math.log2(ctx.lookupDegreeBound)) : Infinity,
    deep: extBits - Math.log2(d * (n + k - 1) + (n - 1)),
    batching: extBits - logLde - 1,
    folding: extBits - Math.log2(2 ** logFoldingArity - 1) - logLde,
    hash: ctx.hashCollisionBits,
  };
}

/** Proven bits in the unique-decoding regime: the minimum over `provenSecurityTerms`, floored. */
export function provenSecurityBits(params: StarkParams, ctx: SecurityContext): number {
  return Math.floor(Math.min(...Object.values(provenSecurityTerms(params, ctx))));
}

/**
 * The verifier's first check: the parameters it is handed must reach the caller's minimum (conjectured)
 * security. Nexus once shipped 3 queries (~8 bits); this refuses such parameters before any work.
 */
export function assertAcceptableSecurity(params: StarkParams, ctx: SecurityContext, minBits: number): void {
  // `bits < NaN` (or null, or a negative bound) would accept anything: the minimum must be a real bound.
  if (typeof minBits !== 'number' || !(minBits >= 0)) {
    throw new VerifyError('invalid-parameters', `minimum security ${String(minBits)} must be a non-negative number of bits`);
  }
  const bits = conjecturedSecurityBits(params, ctx);
  if (bits < minBits) {
    throw new VerifyError(
      'insufficient-security',
      `parameters give ${bits} conjectured bits at trace height 2^${ctx.logTraceHeight}, below the required ${minBits}`,
    );
  }
}

/**
 * The context docs/security.md tabulates: an RV32IM-sized AIR (degree 3, 512 constraints, ζ and ζ·ω,
 * 32 interactions of arity ≤ 7 per row). Real verifiers pass their own.
 */
export function referenceSecurityContext(logTraceHeight: number): SecurityContext {
  return {
    logTraceHeight,
    extensionDegree: 4,
    maxConstraintDegree: 3,
    numConstraints: 512,
    numOpeningPoints: 2,
    lookupDegreeBound: 32 * 8 * 2 ** logTraceHeight,
    hashCollisionBits: 128,
  };
}
