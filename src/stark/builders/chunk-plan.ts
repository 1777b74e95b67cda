/**
 * How a flat program runs over chunks of rows (rows.ts), derived once per program:
 * - row-invariant nodes (constants, public values, challenges, the claimed sum, operations on these only) are
 *   evaluated once per run, not per chunk;
 * - affine forms c_0 + Σ_t c_t·f_t with invariant extension coefficients c and base nodes f (LogUp's messages
 *   α − (bus + Σ γ^{j+1}·f_j) are the typical case) are evaluated as one unreduced sum per coordinate instead
 *   of a product and a sum per term; their intermediate nodes are not evaluated at all;
 * - each evaluated node gets a buffer, reused after its last reader (never for roots or invariant nodes).
 */
import { OP_ADD, OP_CONST, OP_MUL, OP_NEG, OP_SUB, OP_VAR, SRC_CHALLENGE, SRC_CLAIMED_SUM, SRC_PUBLIC, type FlatProgram } from '../expr.ts';
import { MAX_SUM_TERMS } from './lanes.ts';

export const KIND_NODE = 0; // evaluated by its op
export const KIND_AFFINE = 1; // evaluated as its affine form
export const KIND_SKIPPED = 2; // only ever read through an affine form that includes it

/** coefficient node −1 stands for the constant 1 (a base node added as is). */
export interface AffineForm {
  readonly coefs: readonly number[];
  readonly bases: readonly number[];
  readonly negated: readonly boolean[];
  /** Invariant nodes added (or, negated, subtracted) as constants. */
  readonly consts: readonly number[];
  readonly constNegated: readonly boolean[];
}

export interface ChunkPlan {
  readonly kind: Uint8Array;
  readonly affine: readonly (AffineForm | null)[];
  readonly slot: Int32Array;
  readonly slotIsExt: boolean[];
  readonly invariant: Uint8Array;
}

/** Terms plus constants per form: each coordinate's sum (one product per term) stays within reduceSum's bound. */
const MAX_FORM_SIZE = MAX_SUM_TERMS - 1;

const plans = new WeakMap<FlatProgram, ChunkPlan>();

export function planFor(program: FlatProgram): ChunkPlan {
  const cached = plans.get(program);
  if (cached) return cached;
  const nodes = program.nodes;
  const N = nodes.length;
  const invariant = new Uint8Array(N);
  nodes.forEach((n, k) => {
    if (n.op === OP_CONST) invariant[k] = 1;
    else if (n.op === OP_VAR) invariant[k] = n.source === SRC_PUBLIC || n.source === SRC_CHALLENGE || n.source === SRC_CLAIMED_SUM ? 1 : 0;
    else invariant[k] = invariant[n.a] && (n.b < 0 || invariant[n.b]) ? 1 : 0;
  });

  // 1. Affine forms of extension-valued, row-dependent nodes.
  const affine: (AffineForm | null)[] = nodes.map(() => null);
  const asForm = (x: number): AffineForm | null => {
    if (affine[x]) return affine[x];
    if (invariant[x]) return { coefs: [], bases: [], negated: [], consts: [x], constNegated: [false] };
    if (!nodes[x].isExt) return { coefs: [-1], bases: [x], negated: [false], consts: [], constNegated: [] };
    return null;
  };
  const negate = (f: AffineForm): AffineForm => ({
    ...f, negated: f.negated.map((s) => !s), constNegated: f.constNegated.map((s) => !s),
  });
  nodes.forEach((n, k) => {
    if (!n.isExt || invariant[k]) return;
    let form: AffineForm | null = null;
    if (n.op === OP_MUL) {
      const [a, b] = [nodes[n.a], nodes[n.b]];
      if (invariant[n.a] && a.isExt && !b.isExt) form = { coefs: [n.a], bases: [n.b], negated: [false], consts: [], constNegated: [] };
      else if (invariant[n.b] && b.isExt && !a.isExt) form = { coefs: [n.b], bases: [n.a], negated: [false], consts: [], constNegated: [] };
    } else if (n.op === OP_ADD || n.op === OP_SUB) {
      const fa = asForm(n.a);
      const fbRaw = asForm(n.b);
      const fb = fbRaw && (n.op === OP_SUB ? negate(fbRaw) : fbRaw);
      if (fa && fb) {
        form = {
          coefs: [...fa.coefs, ...fb.coefs], bases: [...fa.bases, ...fb.bases], negated: [...fa.negated, ...fb.negated],
          consts: [...fa.consts, ...fb.consts], constNegated: [...fa.constNegated, ...fb.constNegated],
        };
      }
    } else if (n.op === OP_NEG && affine[n.a]) {
      form = negate(affine[n.a]!);
    }
    if (form && form.bases.length + form.consts.length <= MAX_FORM_SIZE) affine[k] = form;
  });

  // 2. Which nodes run: an affine node is skipped when every reader folds it into its own form.
  const isRoot = new Uint8Array(N);
  for (const r of program.roots) isRoot[r] = 1;
  const readByNonAffine = new Uint8Array(N);
  nodes.forEach((n, k) => {
    if (affine[k]) return;
    if (n.a >= 0) readByNonAffine[n.a] = 1;
    if (n.b >= 0) readByNonAffine[n.b] = 1;
  });
  const kind = new Uint8Array(N);
  for (let k = 0; k < N; k++) {
    if (affine[k]) kind[k] = isRoot[k] || readByNonAffine[k] ? KIND_AFFINE : KIND_SKIPPED;
  }
  const reads = (k: number): number[] => {
    if (kind[k] === KIND_SKIPPED) return [];
    if (kind[k] === KIND_AFFINE) return [...affine[k]!.bases, ...affine[k]!.coefs.filter((c) => c >= 0), ...affine[k]!.consts];
    const n = nodes[k];
    return [n.a, n.b].filter((x) => x >= 0);
  };

  // 3. Buffers, by liveness over the evaluated nodes.
  const lastUse = new Int32Array(N).fill(-1);
  for (let k = 0; k < N; k++) for (const x of reads(k)) lastUse[x] = k;
  const pinned = new Uint8Array(N);
  for (let k = 0; k < N; k++) if (isRoot[k] || invariant[k]) pinned[k] = 1;
  const slot = new Int32Array(N).fill(-1);
  const slotIsExt: boolean[] = [];
  const free: [number[], number[]] = [[], []]; // base, extension
  for (let k = 0; k < N; k++) {
    if (kind[k] === KIND_SKIPPED) continue;
    const ext = nodes[k].isExt ? 1 : 0;
    // Allocate before releasing operands: an output never aliases an input. An invariant node is written
    // before the first chunk, so it must not share a buffer with any other node: always a fresh one.
    const reuse = invariant[k] ? undefined : free[ext].pop();
    if (reuse !== undefined) slot[k] = reuse;
    else {
      slot[k] = slotIsExt.length;
      slotIsExt.push(ext === 1);
    }
    for (const x of new Set(reads(k))) {
      if (lastUse[x] === k && !pinned[x]) free[nodes[x].isExt ? 1 : 0].push(slot[x]);
    }
    if (lastUse[k] < 0 && !pinned[k]) free[ext].push(slot[k]); // read by nobody
  }
  const plan = { kind, affine, slot, slotIsExt, invariant };
  plans.set(program, plan);
  return plan;
}
