/**
 * The symbolic builder: runs an AIR's `eval` once over variables instead of values, recording its constraints
 * and bus interactions (Plonky3 uni-stark/src/symbolic_builder.rs). Degrees and the constraint digest come
 * from what it records; every other evaluator runs the recorded DAG.
 */
import type { Air, AirBuilder, Interaction, Window } from '../air.ts';
import { Expr, SEL_FIRST_ROW, SEL_LAST_ROW, SEL_TRANSITION, type ExprLike } from '../expr.ts';
import { InputError } from '../errors.ts';
import { P } from '../field/babybear.ts';

export interface RecordedAir {
  /** Base-field constraints, guards already multiplied in, in the order stated. */
  readonly constraints: readonly Expr[];
  /** Interactions in the order stated; receives carry negated multiplicities. */
  readonly interactions: readonly Interaction[];
}

class Recorder {
  readonly constraints: Expr[] = [];
  readonly interactions: Interaction[] = [];
}

function window(source: 'main' | 'prep', width: number): Window {
  return {
    local: Array.from({ length: width }, (_, i) => Expr.variable(source, i, false)),
    next: Array.from({ length: width }, (_, i) => Expr.variable(source, i, true)),
  };
}

class SymbolicBuilder implements AirBuilder {
  readonly isFirstRow = Expr.variable('selector', SEL_FIRST_ROW);
  readonly isLastRow = Expr.variable('selector', SEL_LAST_ROW);
  readonly isTransition = Expr.variable('selector', SEL_TRANSITION);

  constructor(
    private readonly air: Air,
    private readonly rec: Recorder,
    private readonly guard: Expr | null,
  ) {}

  main(): Window {
    return window('main', this.air.mainWidth);
  }

  preprocessed(): Window {
    return window('prep', this.air.preprocessedWidth);
  }

  publicValues(): readonly Expr[] {
    return Array.from({ length: this.air.numPublicValues }, (_, i) => Expr.variable('public', i));
  }

  private guarded(e: Expr): Expr {
    return this.guard === null ? e : this.guard.mul(e);
  }

  assertZero(e: ExprLike): void {
    const x = Expr.from(e);
    if (x.isExt) throw new InputError('invalid-air', `${this.air.name}: constraints must be base-field expressions`);
    this.rec.constraints.push(this.guarded(x));
  }

  assertEq(a: ExprLike, b: ExprLike): void {
    this.assertZero(Expr.from(a).sub(b));
  }

  assertBool(e: ExprLike): void {
    const x = Expr.from(e);
    this.assertZero(x.mul(x.sub(1)));
  }

  when(cond: ExprLike): AirBuilder {
    return new SymbolicBuilder(this.air, this.rec, this.guarded(Expr.from(cond)));
  }

  whenFirstRow(): AirBuilder {
    return this.when(this.isFirstRow);
  }

  whenLastRow(): AirBuilder {
    return this.when(this.isLastRow);
  }

  whenTransition(): AirBuilder {
    return this.when(this.isTransition);
  }

  send(bus: number, fields: readonly ExprLike[], multiplicity: ExprLike): void {
    this.interact(bus, fields, Expr.from(multiplicity));
  }

  receive(bus: number, fields: readonly ExprLike[], multiplicity: ExprLike): void {
    this.interact(bus, fields, Expr.from(multiplicity).neg());
  }

  private interact(bus: number, fields: readonly ExprLike[], multiplicity: Expr): void {
    if (!Number.isInteger(bus) || bus < 0 || bus >= P) {
      throw new InputError('invalid-air', `${this.air.name}: bus id must be a canonical field element, got ${bus}`);
    }
    const fs = fields.map((f) => Expr.from(f));
    if (fs.some((f) => f.isExt) || multiplicity.isExt) {
      throw new InputError('invalid-air', `${this.air.name}: interaction fields and multiplicities must be base-field expressions`);
    }
    const guardedMultiplicity = this.guarded(multiplicity);
    // X − ω^{-1} is not 0/1 on the trace: a multiplicity scaled by it could be any field element, which voids
    // the Σ height × interactions < p bound that stops multiplicities from wrapping around p.
    if (referencesSelector(guardedMultiplicity, SEL_TRANSITION)) {
      throw new InputError(
        'invalid-air',
        `${this.air.name}: an interaction's multiplicity may not use the transition selector (it is not boolean on the trace)`,
      );
    }
    this.rec.interactions.push({ bus, fields: fs, multiplicity: guardedMultiplicity });
  }
}

function referencesSelector(e: Expr, selector: number, seen = new Set<Expr>()): boolean {
  if (seen.has(e)) return false;
  seen.add(e);
  if (e.op === 'var') return e.source === 'selector' && e.value === selector;
  return (e.a !== null && referencesSelector(e.a, selector, seen)) || (e.b !== null && referencesSelector(e.b, selector, seen));
}

function checkShape(air: Air): void {
  const ok = (x: number) => Number.isInteger(x) && x >= 0 && x <= 1 << 16;
  if (!ok(air.mainWidth) || !ok(air.preprocessedWidth) || !ok(air.numPublicValues) || typeof air.name !== 'string') {
    throw new InputError('invalid-air', `AIR ${String(air.name)}: widths and public value count must be integers in [0, 65536]`);
  }
}

export function recordAir(air: Air): RecordedAir {
  checkShape(air);
  const rec = new Recorder();
  try {
    air.eval(new SymbolicBuilder(air, rec, null));
  } catch (e) {
    if (e instanceof InputError) throw e;
    // e.g. reading a column beyond the declared width: a bug in the AIR, reported as such.
    throw new InputError('invalid-air', `${air.name}: eval failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return rec;
}
