/**
 * Row-domain interpreter for flat constraint programs: evaluates every node over a chunk of rows at once
 * (one tight typed-array loop per node), so there is no per-row interpretation overhead. It is the oracle for
 * the compiled quotient evaluator, the path where `new Function` is unavailable (CSP), and the evaluator
 * behind the debug checker and LogUp's auxiliary trace.
 */
import type { Ext4 } from '../field/ext4.ts';
import { P as FIELD_P } from '../field/babybear.ts';
import { mulFast } from '../ntt-reference.ts';
import type { Matrix } from '../matrix.ts';
import { OP_ADD, OP_CONST, OP_MUL, OP_NEG, OP_SUB, OP_VAR, SOURCES, type FlatProgram } from '../expr.ts';

// A module-level alias: calls through an imported binding cost a getter per call under tsx's CJS interop (measured).
const mul = mulFast;
const P = FIELD_P;

const W = 11;

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
  readonly challenges: readonly Ext4[];
  readonly claimedSum: Ext4;
}

/** Values of every node over one chunk: base nodes use lanes [0, len), extension nodes 4 lanes of len each. */
export interface Chunk {
  readonly start: number;
  readonly len: number;
  /** nodeValues[k] holds node k; coordinate c of an extension node at offset c·chunkSize. */
  readonly nodeValues: readonly Uint32Array[];
  readonly chunkSize: number;
}

export const CHUNK_SIZE = 1024;

const SRC_MAIN = SOURCES.indexOf('main');
const SRC_PREP = SOURCES.indexOf('prep');
const SRC_AUX = SOURCES.indexOf('aux');
const SRC_PUBLIC = SOURCES.indexOf('public');
const SRC_SELECTOR = SOURCES.indexOf('selector');
const SRC_CHALLENGE = SOURCES.indexOf('challenge');
const SRC_CLAIMED_SUM = SOURCES.indexOf('claimedSum');

function source(env: RowEnv, src: number): Matrix {
  const m = src === SRC_MAIN ? env.main : src === SRC_PREP ? env.prep : env.aux;
  if (m === null) throw new RangeError(`program reads ${SOURCES[src]} columns but none were given`);
  return m;
}

/** Calls `visit` once per chunk of the domain with all node values of that chunk. */
export function forEachChunk(program: FlatProgram, env: RowEnv, visit: (chunk: Chunk) => void): void {
  const S = CHUNK_SIZE;
  const vals = program.nodes.map((n) => new Uint32Array(n.isExt ? 4 * S : S));
  for (let start = 0; start < env.length; start += S) {
    const len = Math.min(S, env.length - start);
    for (let k = 0; k < vals.length; k++) evalNode(program, env, vals, k, start, len, S);
    visit({ start, len, nodeValues: vals, chunkSize: S });
  }
}

function evalNode(program: FlatProgram, env: RowEnv, vals: Uint32Array[], k: number, start: number, len: number, S: number): void {
  const n = program.nodes[k];
  const out = vals[k];
  switch (n.op) {
    case OP_CONST:
      out.fill(n.value, 0, len);
      return;
    case OP_VAR:
      return loadVar(env, n.source, n.value, n.next, out, start, len, S);
    case OP_NEG: {
      const a = vals[n.a];
      const lanes = n.isExt ? 4 : 1;
      for (let c = 0; c < lanes; c++) {
        const o = c * S;
        for (let i = 0; i < len; i++) out[o + i] = a[o + i] === 0 ? 0 : P - a[o + i];
      }
      return;
    }
    case OP_ADD:
    case OP_SUB:
      return addSub(n.op === OP_SUB, vals[n.a], program.nodes[n.a].isExt, vals[n.b], program.nodes[n.b].isExt, out, n.isExt, len, S);
    case OP_MUL:
      return mulLanes(vals[n.a], program.nodes[n.a].isExt, vals[n.b], program.nodes[n.b].isExt, out, len, S);
  }
  throw new RangeError(`unknown op ${n.op}`);
}

function loadVar(env: RowEnv, src: number, index: number, next: boolean, out: Uint32Array, start: number, len: number, S: number): void {
  if (src === SRC_PUBLIC) return void out.fill(env.publicValues[index], 0, len);
  if (src === SRC_SELECTOR) return void out.set(env.selectors[index].subarray(start, start + len));
  if (src === SRC_CHALLENGE || src === SRC_CLAIMED_SUM) {
    const e = src === SRC_CHALLENGE ? env.challenges[index] : env.claimedSum;
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
    if (next) {
      const nr = env.nextRow;
      for (let i = 0; i < len; i++) out[o + i] = v[base + nr[start + i]];
    } else {
      out.set(v.subarray(base + start, base + start + len), o);
    }
  }
}

function addSub(isSub: boolean, a: Uint32Array, aExt: boolean, b: Uint32Array, bExt: boolean, out: Uint32Array, ext: boolean, len: number, S: number): void {
  const lanes = ext ? 4 : 1;
  for (let c = 0; c < lanes; c++) {
    const o = c * S;
    // A base operand contributes to coordinate 0 only.
    const hasA = c === 0 || aExt;
    const hasB = c === 0 || bExt;
    for (let i = 0; i < len; i++) {
      const x = hasA ? a[o + i] : 0;
      const y = hasB ? b[o + i] : 0;
      if (isSub) {
        const d = x - y;
        out[o + i] = d < 0 ? d + P : d;
      } else {
        const s = x + y;
        out[o + i] = s >= P ? s - P : s;
      }
    }
  }
}

/** out ← a·b lane-wise over len lanes; extension operands keep coordinate c at offset c·S. */
export function mulLanes(a: Uint32Array, aExt: boolean, b: Uint32Array, bExt: boolean, out: Uint32Array, len: number, S: number): void {
  if (!aExt && !bExt) {
    for (let i = 0; i < len; i++) out[i] = mul(a[i], b[i]);
    return;
  }
  if (!aExt || !bExt) {
    const [e, s] = aExt ? [a, b] : [b, a];
    for (let c = 0; c < 4; c++) for (let i = 0; i < len; i++) out[c * S + i] = mul(e[c * S + i], s[i]);
    return;
  }
  for (let i = 0; i < len; i++) {
    const a0 = a[i], a1 = a[S + i], a2 = a[2 * S + i], a3 = a[3 * S + i];
    const b0 = b[i], b1 = b[S + i], b2 = b[2 * S + i], b3 = b[3 * S + i];
    out[i] = (mul(a0, b0) + mul(W, (mul(a1, b3) + mul(a2, b2) + mul(a3, b1)) % P)) % P;
    out[S + i] = (mul(a0, b1) + mul(a1, b0) + mul(W, (mul(a2, b3) + mul(a3, b2)) % P)) % P;
    out[2 * S + i] = (mul(a0, b2) + mul(a1, b1) + mul(a2, b0) + mul(W, mul(a3, b3))) % P;
    out[3 * S + i] = (mul(a0, b3) + mul(a1, b2) + mul(a2, b1) + mul(a3, b0)) % P;
  }
}
