/**
 * Vectorized evaluator for flat constraint programs: every node over a chunk of rows at once (one tight
 * typed-array kernel per node, lanes.ts), so there is no per-row interpretation overhead. Behind the prover's
 * quotient, LogUp's auxiliary trace and the debug checker; tests compare it with the per-point builders/ood.ts.
 */
import type { Ext4 } from '../field/ext4.ts';
import type { Matrix } from '../matrix.ts';
import { OP_ADD, OP_CONST, OP_MUL, OP_NEG, OP_SUB, OP_VAR, SOURCES, SRC_AUX, SRC_CHALLENGE, SRC_CLAIMED_SUM, SRC_MAIN, SRC_PREP, SRC_PUBLIC, SRC_SELECTOR, type FlatProgram } from '../expr.ts';
import { addLanes, addSubMixedLanes, affineLanes, mulBaseLanes, mulExtBaseLanes, mulExtLanes, negLanes, subLanes } from './lanes.ts';
import { KIND_AFFINE, KIND_SKIPPED, planFor, type AffineForm } from './chunk-plan.ts';

const P = 0x78000001;

/**
 * Where variables read from. Position i of the domain reads row i of each matrix (its column stride is the
 * matrix height, which may exceed `length`: the quotient domain is a prefix of an LDE), and `next` reads row
 * nextRow[i].
 */
export interface RowEnv {
  readonly length: number;
  readonly main: Matrix | null;
  readonly prep: Matrix | null;
  /** Extension columns as 4 consecutive base columns each. */
  readonly aux: Matrix | null;
  readonly nextRow: Uint32Array;
  /** [isFirstRow, isLastRow, isTransition] at each position. */
  readonly selectors: readonly [Uint32Array, Uint32Array, Uint32Array];
  readonly publicValues: readonly number[];
  /** LogUp challenges [α_0, γ_0, α_1, γ_1, …] (`logupChallenge` in expr.ts). */
  readonly challenges: readonly Ext4[];
  /** The table's claimed sums, one per LogUp repetition (`claimedSum` variable r). */
  readonly claimedSums: readonly Ext4[];
}

/** Values over one chunk of rows: base nodes use lanes [0, len), extension nodes 4 lanes of len each. */
export interface Chunk {
  readonly start: number;
  readonly len: number;
  /**
   * nodeValues[r] holds the values of root node r = program.roots[k] (coordinate c of an extension at offset
   * c·chunkSize). Other nodes' buffers are reused once their last reader has run, so only roots are meaningful here.
   */
  readonly nodeValues: readonly Uint32Array[];
  readonly chunkSize: number;
}

/** Rows per chunk: large enough to amortize the per-node dispatch, small enough that live buffers stay in L2. */
export const CHUNK_SIZE = 1024;


function source(env: RowEnv, src: number): Matrix {
  const m = src === SRC_MAIN ? env.main : src === SRC_PREP ? env.prep : env.aux;
  if (m === null) throw new RangeError(`program reads ${SOURCES[src]} columns but none were given`);
  return m;
}

/** Calls `visit` once per chunk of the domain with the roots' values over that chunk. */
export function forEachChunk(program: FlatProgram, env: RowEnv, visit: (chunk: Chunk) => void): void {
  const S = CHUNK_SIZE;
  const plan = planFor(program);
  const buffers = plan.slotIsExt.map((ext) => new Uint32Array(ext ? 4 * S : S));
  const vals = Array.from(plan.slot, (s) => buffers[s]); // undefined for skipped nodes, which nobody reads
  const N = program.nodes.length;
  // Row-invariant nodes: once, over all S lanes, so every chunk length finds them filled.
  for (let k = 0; k < N; k++) if (plan.invariant[k]) evalNode(program, env, vals, k, 0, S, S, -1);
  const affine = plan.affine.map((form, k) => (plan.kind[k] === KIND_AFFINE ? affineInputs(program, form!, vals) : null));
  for (let start = 0; start < env.length; start += S) {
    const len = Math.min(S, env.length - start);
    const nextStart = contiguousNext(env.nextRow, start, len);
    for (let k = 0; k < N; k++) {
      if (plan.invariant[k] || plan.kind[k] === KIND_SKIPPED) continue;
      const a = affine[k];
      if (a) affineLanes(a.bases, a.coefs, a.constant, vals[k], len, S);
      else evalNode(program, env, vals, k, start, len, S, nextStart);
    }
    visit({ start, len, nodeValues: vals, chunkSize: S });
  }
}

/**
 * nextRow[start] if nextRow[start + i] = nextRow[start] + i for all i < len, else −1. On the bit-reversed quotient
 * domain most chunks qualify (the next row differs in high position bits only), so "next" loads become one
 * contiguous copy per column instead of a gather.
 */
function contiguousNext(nextRow: Uint32Array, start: number, len: number): number {
  const first = nextRow[start];
  for (let i = 1; i < len; i++) if (nextRow[start + i] !== first + i) return -1;
  return first;
}

/** An affine form's coefficients (signs folded in) and constant, read from the evaluated invariant nodes. */
function affineInputs(program: FlatProgram, form: AffineForm, vals: Uint32Array[]) {
  const S = CHUNK_SIZE;
  const valueOf = (node: number, negated: boolean): number[] => {
    const v = node < 0 ? [1, 0, 0, 0] : [0, 1, 2, 3].map((c) => (c === 0 || program.nodes[node].isExt ? vals[node][c * S] : 0));
    return negated ? v.map((x) => (x === 0 ? 0 : P - x)) : v;
  };
  const coefs = new Uint32Array(4 * form.bases.length);
  form.coefs.forEach((node, t) => coefs.set(valueOf(node, form.negated[t]), 4 * t));
  const constant = new Uint32Array(4);
  form.consts.forEach((node, j) => {
    const v = valueOf(node, form.constNegated[j]);
    for (let c = 0; c < 4; c++) constant[c] = (constant[c] + v[c]) % P;
  });
  return { bases: form.bases.map((b) => vals[b]), coefs, constant };
}

function evalNode(program: FlatProgram, env: RowEnv, vals: Uint32Array[], k: number, start: number, len: number, S: number, nextStart: number): void {
  const n = program.nodes[k];
  const out = vals[k];
  switch (n.op) {
    case OP_CONST:
      out.fill(n.value, 0, len);
      return;
    case OP_VAR:
      return loadVar(env, n.source, n.value, n.next, out, start, len, S, nextStart);
    case OP_NEG:
      return negLanes(vals[n.a], out, len, S, n.isExt ? 4 : 1);
    case OP_ADD:
    case OP_SUB: {
      const aExt = program.nodes[n.a].isExt;
      const bExt = program.nodes[n.b].isExt;
      const isSub = n.op === OP_SUB;
      if (aExt === bExt) return (isSub ? subLanes : addLanes)(vals[n.a], vals[n.b], out, len, S, aExt ? 4 : 1);
      return aExt ? addSubMixedLanes(vals[n.a], vals[n.b], true, isSub, out, len, S) : addSubMixedLanes(vals[n.b], vals[n.a], false, isSub, out, len, S);
    }
    case OP_MUL:
      return mulLanes(vals[n.a], program.nodes[n.a].isExt, vals[n.b], program.nodes[n.b].isExt, out, len, S);
  }
  throw new RangeError(`unknown op ${n.op}`);
}

/** nextStart: contiguousNext of this chunk (≥ 0: next rows are nextStart + i). */
function loadVar(env: RowEnv, src: number, index: number, next: boolean, out: Uint32Array, start: number, len: number, S: number, nextStart: number): void {
  if (src === SRC_PUBLIC) return void out.fill(env.publicValues[index], 0, len);
  if (src === SRC_SELECTOR) return void out.set(env.selectors[index].subarray(start, start + len));
  if (src === SRC_CHALLENGE || src === SRC_CLAIMED_SUM) {
    const e = src === SRC_CHALLENGE ? env.challenges[index] : env.claimedSums[index];
    if (e === undefined) throw new RangeError(`program reads ${SOURCES[src]} ${index}, but only ${src === SRC_CHALLENGE ? env.challenges.length : env.claimedSums.length} were given`);
    for (let c = 0; c < 4; c++) out.fill(e[c], c * S, c * S + len);
    return;
  }
  const m = source(env, src);
  const lanes = src === SRC_AUX ? 4 : 1;
  const col0 = src === SRC_AUX ? 4 * index : index;
  const H = m.height;
  const v = m.values;
  for (let c = 0; c < lanes; c++) {
    const base = (col0 + c) * H;
    const o = c * S;
    if (next && nextStart >= 0) {
      out.set(v.subarray(base + nextStart, base + nextStart + len), o);
    } else if (next) {
      const nr = env.nextRow;
      for (let i = 0; i < len; i++) out[o + i] = v[base + nr[start + i]];
    } else {
      out.set(v.subarray(base + start, base + start + len), o);
    }
  }
}

/** out ← a·b lane-wise over len lanes; extension operands keep coordinate c at offset c·S. */
function mulLanes(a: Uint32Array, aExt: boolean, b: Uint32Array, bExt: boolean, out: Uint32Array, len: number, S: number): void {
  if (!aExt && !bExt) mulBaseLanes(a, b, out, len);
  else if (aExt && bExt) mulExtLanes(a, b, out, len, S);
  else if (aExt) mulExtBaseLanes(a, b, out, len, S);
  else mulExtBaseLanes(b, a, out, len, S);
}
