/**
 * What an AIR is: a description of constraints over a table, and nothing about proving it
 * (Plonky3 air/src/{air,builder}.rs; Winterfell air/src/air/mod.rs).
 *
 * Soundness contract (Winterfell): every valid step of the computation makes every constraint evaluate to zero,
 * and any invalid step makes at least one constraint evaluate to a non-zero value. An AIR that leaves some
 * column unconstrained lets a prover choose it freely; the prover and verifier cannot catch that for you.
 */
import type { Expr, ExprLike } from './expr.ts';

export interface Air {
  /** Names the table in the verifying key and in error messages. */
  readonly name: string;
  readonly mainWidth: number;
  readonly preprocessedWidth: number;
  readonly numPublicValues: number;
  /** States the constraints and bus interactions; run once, symbolically, at setup. */
  eval(b: AirBuilder): void;
}

/** The local row and the next row (row i + 1, wrapping from the last row to row 0). */
export interface Window {
  readonly local: readonly Expr[];
  readonly next: readonly Expr[];
}

export interface AirBuilder {
  main(): Window;
  preprocessed(): Window;
  publicValues(): readonly Expr[];
  /** 1 on the first row, 0 on the others. */
  readonly isFirstRow: Expr;
  /** 1 on the last row, 0 on the others. */
  readonly isLastRow: Expr;
  /** Zero on the last row only; NOT 0/1 elsewhere, so use it to guard constraints, not to scale values. */
  readonly isTransition: Expr;

  assertZero(e: ExprLike): void;
  assertEq(a: ExprLike, b: ExprLike): void;
  /** e·(e − 1) = 0. */
  assertBool(e: ExprLike): void;

  /** A builder whose constraints (and interaction multiplicities) are multiplied by `cond`. */
  when(cond: ExprLike): AirBuilder;
  whenFirstRow(): AirBuilder;
  whenLastRow(): AirBuilder;
  whenTransition(): AirBuilder;

  /**
   * LogUp bus interactions: the message (bus, fields) with a multiplicity; a send adds it, a receive removes it.
   * Across all tables, the multiset of sent messages must equal the multiset of received ones. Every use of a
   * bus must have the same number of fields (its arity). Multiplicities must be 0 on rows that should not
   * interact, e.g. padding.
   *
   * # Soundness
   * The verifier bounds Σ height × interactions below p, which rules out wrap-around only if every
   * *looking* interaction's multiplicity is constrained to 0 or ±1 per row (e.g. a boolean column or a
   * constant). A free multiplicity column belongs on the table side only (a lookup table's counts).
   */
  send(bus: number, fields: readonly ExprLike[], multiplicity: ExprLike): void;
  receive(bus: number, fields: readonly ExprLike[], multiplicity: ExprLike): void;
}

/** One bus interaction; a receive is stored as a send with a negated multiplicity. */
export interface Interaction {
  readonly bus: number;
  readonly fields: readonly Expr[];
  readonly multiplicity: Expr;
}

/** The largest constraint degree the protocol supports (selectors count 1): quotient in ≤ 2 chunks. */
export const MAX_CONSTRAINT_DEGREE = 3;
