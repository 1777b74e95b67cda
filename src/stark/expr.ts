/**
 * Symbolic constraint expressions: an immutable DAG over BabyBear (and its degree-4 extension), as Plonky3's
 * `SymbolicExpression` (air/src/symbolic). An AIR's `eval` builds these once; `flatten` turns the roots into a
 * deduplicated straight-line program that every evaluator (quotient, ood, debug) runs.
 */
import { add as fAdd, sub as fSub, mul as fMul, neg as fNeg, reduce } from './field/babybear.ts';

/** Where a variable's value comes from. `aux`, `challenge` and `claimedSum` are extension-valued. */
export type VarSource = 'main' | 'prep' | 'aux' | 'public' | 'selector' | 'challenge' | 'claimedSum';

/** Lagrange selectors of H_n; their values are the polynomials' values, so they may also scale multiplicities. */
export const SEL_FIRST_ROW = 0; // L_0: 1 on row 0, 0 on other rows
export const SEL_LAST_ROW = 1; // L_{n−1}: 1 on the last row, 0 on other rows
export const SEL_TRANSITION = 2; // X − ω^{−1}: zero on the last row only, NOT boolean elsewhere

/**
 * Index of LogUp repetition r's challenge among a table's `challenge` variables (docs/stark.md "LogUp"):
 * α_r at 2r, γ_r at 2r + 1, in the order the transcript draws them. Repetition r's claimed sum is
 * `claimedSum` variable r.
 */
export function logupChallenge(repetition: number, which: 'alpha' | 'gamma'): number {
  return 2 * repetition + (which === 'alpha' ? 0 : 1);
}

export type Op = 'const' | 'var' | 'add' | 'sub' | 'mul' | 'neg';

export type ExprLike = Expr | number;

export class Expr {
  private constructor(
    readonly op: Op,
    readonly a: Expr | null,
    readonly b: Expr | null,
    /** const: the canonical value; var: the index within its source. */
    readonly value: number,
    readonly source: VarSource | null,
    /** var: read from the next row (row i + 1 mod n, i.e. X·ω). */
    readonly next: boolean,
    /** Degree as a polynomial in the trace columns, selectors counting 1 (Plonky3's degree_multiple). */
    readonly degree: number,
    readonly isExt: boolean,
  ) {}

  static constant(x: number): Expr {
    if (!Number.isSafeInteger(x)) throw new RangeError(`constant must be a safe integer, got ${x}`);
    return new Expr('const', null, null, reduce(x), null, false, 0, false);
  }

  static variable(source: VarSource, index: number, next = false): Expr {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`variable index must be a non-negative integer, got ${index}`);
    const degree = source === 'main' || source === 'prep' || source === 'aux' || source === 'selector' ? 1 : 0;
    const isExt = source === 'aux' || source === 'challenge' || source === 'claimedSum';
    return new Expr('var', null, null, index, source, next, degree, isExt);
  }

  static from(x: ExprLike): Expr {
    return typeof x === 'number' ? Expr.constant(x) : x;
  }

  add(other: ExprLike): Expr {
    const o = Expr.from(other);
    if (this.op === 'const' && o.op === 'const') return Expr.constant(fAdd(this.value, o.value));
    if (o.op === 'const' && o.value === 0) return this;
    if (this.op === 'const' && this.value === 0) return o;
    return new Expr('add', this, o, 0, null, false, Math.max(this.degree, o.degree), this.isExt || o.isExt);
  }

  sub(other: ExprLike): Expr {
    const o = Expr.from(other);
    if (this.op === 'const' && o.op === 'const') return Expr.constant(fSub(this.value, o.value));
    if (o.op === 'const' && o.value === 0) return this;
    return new Expr('sub', this, o, 0, null, false, Math.max(this.degree, o.degree), this.isExt || o.isExt);
  }

  mul(other: ExprLike): Expr {
    const o = Expr.from(other);
    if (this.op === 'const' && o.op === 'const') return Expr.constant(fMul(this.value, o.value));
    if (o.op === 'const' && o.value === 1) return this;
    if (this.op === 'const' && this.value === 1) return o;
    // A zero factor gives zero; folding it keeps the symbolic degree honest (x·0 has degree 0, not deg x).
    if ((o.op === 'const' && o.value === 0) || (this.op === 'const' && this.value === 0)) return Expr.constant(0);
    return new Expr('mul', this, o, 0, null, false, this.degree + o.degree, this.isExt || o.isExt);
  }

  neg(): Expr {
    if (this.op === 'const') return Expr.constant(fNeg(this.value));
    return new Expr('neg', this, null, 0, null, false, this.degree, this.isExt);
  }
}

export function constant(x: number): Expr {
  return Expr.constant(x);
}

/** Σ xs (0 for an empty list). */
export function sum(xs: readonly ExprLike[]): Expr {
  return xs.reduce<Expr>((acc, x) => acc.add(x), Expr.constant(0));
}

// ---------------------------------------------------------------------------------------------------------
// Flattening: hash-consed topological order, so shared subexpressions are evaluated once.

export const OP_CONST = 0;
export const OP_VAR = 1;
export const OP_ADD = 2;
export const OP_SUB = 3;
export const OP_MUL = 4;
export const OP_NEG = 5;
const OP_CODE: Record<Op, number> = { const: OP_CONST, var: OP_VAR, add: OP_ADD, sub: OP_SUB, mul: OP_MUL, neg: OP_NEG };

export const SOURCES: readonly VarSource[] = ['main', 'prep', 'aux', 'public', 'selector', 'challenge', 'claimedSum'];
/** Indices into SOURCES, as FlatNode.source holds them (the evaluators switch on these). */
export const SRC_MAIN = 0, SRC_PREP = 1, SRC_AUX = 2, SRC_PUBLIC = 3, SRC_SELECTOR = 4, SRC_CHALLENGE = 5, SRC_CLAIMED_SUM = 6;

/** One node of a flat program; operands refer to earlier nodes, so index order is a valid evaluation order. */
export interface FlatNode {
  readonly op: number; // OP_*
  readonly a: number; // operand node index, or −1
  readonly b: number; // operand node index, or −1
  readonly value: number; // const value or var index
  readonly source: number; // index into SOURCES, or −1
  readonly next: boolean;
  readonly isExt: boolean;
}

export interface FlatProgram {
  readonly nodes: readonly FlatNode[];
  /** Node index of each root, in the order given (the constraint order α^k refers to). */
  readonly roots: readonly number[];
}

export function flatten(roots: readonly Expr[]): FlatProgram {
  const nodes: FlatNode[] = [];
  const byKey = new Map<string, number>();
  const byObject = new Map<Expr, number>();

  const intern = (node: FlatNode): number => {
    const key = `${node.op},${node.a},${node.b},${node.value},${node.source},${node.next ? 1 : 0}`;
    let id = byKey.get(key);
    if (id === undefined) {
      id = nodes.length;
      nodes.push(node);
      byKey.set(key, id);
    }
    return id;
  };

  // Iterative post-order walk: AIRs with long sums would overflow the stack if this recursed.
  const visit = (root: Expr): number => {
    const stack: Expr[] = [root];
    while (stack.length > 0) {
      const e = stack[stack.length - 1];
      if (byObject.has(e)) {
        stack.pop();
        continue;
      }
      const pending = [e.a, e.b].filter((x): x is Expr => x !== null && !byObject.has(x));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      const id = intern({
        op: OP_CODE[e.op],
        a: e.a ? byObject.get(e.a)! : -1,
        b: e.b ? byObject.get(e.b)! : -1,
        value: e.value,
        source: e.source === null ? -1 : SOURCES.indexOf(e.source),
        next: e.next,
        isExt: e.isExt,
      });
      byObject.set(e, id);
    }
    return byObject.get(root)!;
  };

  const rootIds = roots.map(visit);
  return { nodes, roots: rootIds };
}

/** Canonical u32 words of a flat program (`programDigest` in constraint-system.ts hashes them, little-endian). */
export function encodeProgram(program: FlatProgram): Uint32Array {
  const out = new Uint32Array(2 + program.nodes.length * 6 + program.roots.length);
  let o = 0;
  out[o++] = program.nodes.length;
  out[o++] = program.roots.length;
  for (const n of program.nodes) {
    out[o++] = n.op;
    out[o++] = n.a >>> 0;
    out[o++] = n.b >>> 0;
    out[o++] = n.value;
    out[o++] = n.source >>> 0;
    out[o++] = (n.next ? 1 : 0) | (n.isExt ? 2 : 0);
  }
  for (const r of program.roots) out[o++] = r;
  return out;
}
