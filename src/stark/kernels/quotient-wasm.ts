/**
 * The quotient evaluator on the wasm SIMD kernel (quotient.wat.ts): the same chunk plan (affine forms, skipped
 * nodes, invariant nodes) and buffer slots as builders/rows.ts, but the node buffers live in the kernel's memory
 * and hold Montgomery forms, so a product costs one SIMD Montgomery reduction per 4 rows and nothing converts
 * back until the final 1/Z_H product. Columns are copied in (and converted) per chunk. Extension nodes (LogUp:
 * challenges, aux columns, claimed sums) keep their 4 coordinates in 4 consecutive blocks of CHUNK_SIZE words,
 * as in rows.ts; F_p^4 products run on `emul`, and an affine form is its constant plus `acc` calls, the same
 * unreduced-sum-then-one-reduction that accumulates the α-weighted roots.
 * Runtimes without wasm SIMD keep the TS path (builders/quotient.ts), which this must equal bit for bit
 * (test/stark/quotient-kernel.test.ts); field values are canonical, so it does.
 */
import { MONTGOMERY_R, P, mul } from '../field/babybear.ts';
import { OP_ADD, OP_CONST, OP_MUL, OP_NEG, OP_SUB, OP_VAR, SOURCES, SRC_AUX, SRC_CHALLENGE, SRC_CLAIMED_SUM, SRC_MAIN, SRC_PREP, SRC_PUBLIC, SRC_SELECTOR, type FlatProgram } from '../expr.ts';
import type { Ext4 } from '../field/ext4.ts';
import type { Matrix } from '../matrix.ts';
import { KIND_AFFINE, KIND_SKIPPED, planFor, type ChunkPlan } from '../builders/chunk-plan.ts';
import { CHUNK_SIZE, type RowEnv } from '../builders/rows.ts';
import { instantiateKernel, type WasmMemory } from './wasm-api.ts';
import { wasmBase64 } from './quotient.wasm.ts';

export interface QuotientExports {
  to_mont(p: number, n: number): void;
  mul(a: number, b: number, out: number, n: number): void;
  add(a: number, b: number, out: number, n: number): void;
  sub(a: number, b: number, out: number, n: number): void;
  neg(a: number, out: number, n: number): void;
  acc4(acc: number, x0: number, x1: number, x2: number, x3: number, w: number, n: number, S4: number): void;
  acc1(acc: number, x: number, w: number, n: number, S4: number): void;
  finish(acc: number, zh: number, out: number, n: number, S4: number): void;
  emul(a: number, b: number, out: number, n: number, S4: number): void;
  copy(a: number, out: number, n: number): void;
}

/** The LogUp auxiliary-trace functions of the same module (quotient-logup.ts); main thread only. */
export interface LogupExports {
  einv_fwd(x: number, prefix: number, n: number, S4: number, tot: number): void;
  einv_bwd(x: number, prefix: number, tot: number, n: number, S4: number): void;
  fsum(m1: number, x1: number, m2: number, x2: number, out: number, n: number, SX: number, SO: number): void;
  zero(out: number, n: number): void;
  prefix_sum(p: number, n: number): void;
}

const PAGE = 65536;
const S4 = 4 * CHUNK_SIZE; // bytes per block: a base buffer, or one coordinate of an extension buffer

export interface QuotientKernel {
  readonly x: QuotientExports & LogupExports;
  readonly memory: WasmMemory;
}

let kernel: QuotientKernel | null | undefined;

/** The main thread's kernel instance, or null without wasm SIMD. */
export function getKernel(): QuotientKernel | null {
  if (kernel === undefined) kernel = instantiateKernel<QuotientExports & LogupExports>(wasmBase64); // null: the TS path runs
  return kernel;
}

/** Whether quotientOnKernel takes this program and domain (else it returns false and the caller runs the TS path). */
export function quotientKernelApplies(program: FlatProgram, length: number): boolean {
  return length % 4 === 0 && length > 0 && program.nodes.length > 0 && getKernel() !== null;
}

/**
 * The optional helper thread (quotient-workers.ts, Node only): a second kernel instance on a shared memory. It
 * replays the calls of one chunk, recorded once per evaluation through `record()` with addresses relative to an
 * area, on each area that `post()` lists. Between post() and done() (or awaitDone()) only the helper touches
 * its memory.
 */
export interface QuotientHelper {
  readonly memory: WasmMemory;
  /** Calls the recorded chunk may hold, and areas one round may list. */
  readonly maxCalls: number;
  readonly maxAreas: number;
  /** Exports that record their calls as the chunk's (replacing the previous recording). */
  record(): QuotientExports;
  /** Replays the recording once per area (byte offsets), shifting its pointer arguments by the area's offset. */
  post(areas: readonly number[]): void;
  done(): boolean;
  awaitDone(): void;
}

let helper: QuotientHelper | null = null;
let helperChunks = 0;

export function setQuotientHelper(h: QuotientHelper | null): void {
  helper = h;
}

/** Chunks the helper thread has evaluated since the process started (for tests and benchmarks). */
export function quotientHelperChunks(): number {
  return helperChunks;
}

/** Chunks per helper round (at most): more areas of helper memory, fewer round trips. */
const HELPER_ROUND_CHUNKS = 8;
/** Domains of fewer chunks stay on the main thread. */
const HELPER_MIN_CHUNKS = 4;

/**
 * Byte layout of one area, the memory of one chunk (the main thread's kernel has one, the helper's
 * HELPER_ROUND_CHUNKS back to back): weights (16 bytes per base root, the transposed 4×4 matrix of α^k per
 * extension root, 16 bytes per term of each affine form), accumulator (4 blocks), 1/Z_H, output (4 blocks), node
 * buffers (1 block per base slot, 4 per extension slot), affine constants (4 blocks each). Every pointer a
 * chunk's kernel calls take is inside its area.
 */
interface Layout {
  readonly bytes: number;
  readonly accOff: number;
  readonly zhOff: number;
  readonly outOff: number;
  /** Per node: its buffer (−1 for skipped nodes). */
  readonly nodeAt: Int32Array;
  /** Per root k (index into program.roots): its weights. */
  readonly rootW: Int32Array;
  /** Per affine node: its terms' weights and its constant's buffer (−1 for other nodes). */
  readonly affineW: Int32Array;
  readonly affineConst: Int32Array;
  /** [offset, bytes] of what is written once per evaluation (weights, invariant nodes, affine constants). */
  readonly statics: readonly (readonly [number, number])[];
}

/** One evaluation: the program, its inputs, and the nodes each chunk runs. */
interface Job {
  readonly program: FlatProgram;
  readonly plan: ChunkPlan;
  readonly env: RowEnv;
  readonly zhInverse: Uint32Array;
  readonly q: Matrix;
  /** Row-dependent, evaluated nodes in evaluation order. */
  readonly perChunk: readonly number[];
  readonly baseRoots: readonly number[];
  readonly extRoots: readonly number[];
  readonly layout: Layout;
}

export function memoryWith(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

function layoutFor(program: FlatProgram, plan: ChunkPlan, perChunk: readonly number[], baseRoots: readonly number[], extRoots: readonly number[]): Layout {
  const nodes = program.nodes;
  // A chunk's column reads are all copied in before its first kernel call, so each gets a slot of its own (the
  // plan's slot of a variable may hold another node's value until the variable's turn); the rest keep the plan's.
  const slot = Int32Array.from(plan.slot);
  const slotIsExt = [...plan.slotIsExt];
  for (const j of perChunk) {
    if (nodes[j].op !== OP_VAR) continue;
    slot[j] = slotIsExt.length;
    slotIsExt.push(nodes[j].isExt);
  }
  let w = 0;
  const rootW = new Int32Array(program.roots.length);
  for (const k of baseRoots) [rootW[k], w] = [w, w + 16];
  for (const k of extRoots) [rootW[k], w] = [w, w + 64];
  const affineW = new Int32Array(nodes.length).fill(-1);
  const affineConst = new Int32Array(nodes.length).fill(-1);
  for (const j of perChunk) if (plan.kind[j] === KIND_AFFINE) [affineW[j], w] = [w, w + 16 * plan.affine[j]!.bases.length];
  const accOff = align(w);
  const zhOff = accOff + 4 * S4;
  const outOff = zhOff + S4;
  let end = outOff + 4 * S4;
  const slotAt = slotIsExt.map((ext) => {
    end += ext ? 4 * S4 : S4;
    return end - (ext ? 4 * S4 : S4);
  });
  for (const j of perChunk) if (affineW[j] >= 0) [affineConst[j], end] = [end, end + 4 * S4];
  const nodeAt = Int32Array.from(slot, (s) => (s < 0 ? -1 : slotAt[s]));
  const statics: [number, number][] = [[0, accOff]];
  nodes.forEach((n, j) => {
    if (plan.invariant[j]) statics.push([nodeAt[j], n.isExt ? 4 * S4 : S4]);
    if (affineConst[j] >= 0) statics.push([affineConst[j], 4 * S4]);
  });
  return { bytes: end, accOff, zhOff, outOff, nodeAt, rootW, affineW, affineConst, statics };
}

/**
 * Writes Q = Σ_k α^k·C_k / Z_H into q (4 columns of env.length rows), given the canonical root weights of
 * quotient.ts (coordinate c of C·α^k is Σ_j C_j·weights[16k + 4c + j]). Returns false, writing nothing, where it
 * does not apply. With a helper thread, chunks go to it in rounds from the front of the domain while the main
 * thread takes them from the back, so neither waits for a fixed share (the shared VM's cores are not equally fast).
 */
export function quotientOnKernel(program: FlatProgram, env: RowEnv, weights: Uint32Array, zhInverse: Uint32Array, q: Matrix): boolean {
  if (!quotientKernelApplies(program, env.length)) return false;
  const k = getKernel()!;
  const S = CHUNK_SIZE;
  const plan = planFor(program);
  const nodes = program.nodes;
  const roots = program.roots;
  const perChunk = nodes.flatMap((_, j) => (plan.invariant[j] || plan.kind[j] === KIND_SKIPPED ? [] : [j]));
  const baseRoots = roots.flatMap((r, k) => (nodes[r].isExt ? [] : [k]));
  const extRoots = roots.flatMap((r, k) => (nodes[r].isExt ? [k] : []));
  const layout = layoutFor(program, plan, perChunk, baseRoots, extRoots);
  const job: Job = { program, plan, env, zhInverse, q, perChunk, baseRoots, extRoots, layout };

  // The main thread's area at 0. Weights in Montgomery form: the kernel's products carry a factor 2^-32 that
  // this cancels, so the accumulator holds Montgomery forms like the nodes.
  memoryWith(k.memory, layout.bytes);
  const mem = new Uint32Array(k.memory.buffer);
  const toMont = (x: number): number => mul(x, MONTGOMERY_R);
  for (const r of baseRoots) for (let c = 0; c < 4; c++) mem[layout.rootW[r] / 4 + c] = toMont(weights[16 * r + 4 * c]);
  for (const r of extRoots) {
    // acc4 on the root's 4 coordinates: x_j = coordinate j, the weight of x_j in output coordinate c at 16j + 4c
    for (let c = 0; c < 4; c++) for (let j = 0; j < 4; j++) mem[layout.rootW[r] / 4 + 4 * j + c] = toMont(weights[16 * r + 4 * c + j]);
  }
  // Row-invariant nodes: once, over all S lanes (copied to the helper's areas below).
  const at = layout.nodeAt;
  const fill = (node: number, v: number, c = 0): void => void mem.fill(v, at[node] / 4 + c * S, at[node] / 4 + (c + 1) * S);
  for (let j = 0; j < nodes.length; j++) {
    if (!plan.invariant[j]) continue;
    const n = nodes[j];
    if (n.op === OP_CONST) fill(j, toMont(n.value));
    else if (n.op !== OP_VAR) runNode(k.x, job, j, S);
    else if (n.source === SRC_PUBLIC) fill(j, toMont(env.publicValues[n.value]));
    else if (n.source === SRC_CHALLENGE || n.source === SRC_CLAIMED_SUM) {
      const e: Ext4 | undefined = n.source === SRC_CHALLENGE ? env.challenges[n.value] : env.claimedSums[n.value];
      if (e === undefined) throw new RangeError(`program reads ${SOURCES[n.source]} ${n.value}, but only ${n.source === SRC_CHALLENGE ? env.challenges.length : env.claimedSums.length} were given`);
      for (let c = 0; c < 4; c++) fill(j, toMont(e[c]), c);
    } else throw new RangeError(`invariant variable of source ${SOURCES[n.source]}`);
  }
  // Affine forms: their terms' coefficients as acc weights and their constants, from the invariant nodes (in
  // Montgomery form already: the sums and negations below commute with the factor 2^32).
  const valueOf = (node: number, negated: boolean): number[] => {
    const v = node < 0 ? [MONTGOMERY_R, 0, 0, 0] : [0, 1, 2, 3].map((c) => (c === 0 || nodes[node].isExt ? mem[at[node] / 4 + c * S] : 0));
    return negated ? v.map((x) => (x === 0 ? 0 : P - x)) : v;
  };
  for (const j of perChunk) {
    if (layout.affineW[j] < 0) continue;
    const form = plan.affine[j]!;
    form.coefs.forEach((node, t) => mem.set(valueOf(node, form.negated[t]), layout.affineW[j] / 4 + 4 * t));
    const constant = [0, 0, 0, 0];
    form.consts.forEach((node, i) => valueOf(node, form.constNegated[i]).forEach((x, c) => (constant[c] = (constant[c] + x) % P)));
    constant.forEach((x, c) => mem.fill(x, layout.affineConst[j] / 4 + c * S, layout.affineConst[j] / 4 + (c + 1) * S));
  }

  // The helper's areas, each a copy of the weights and invariant buffers; and the recorded chunk (full chunks
  // only: with HELPER_MIN_CHUNKS or more, L is a multiple of S).
  const chunks = Math.ceil(env.length / S);
  const h = helper !== null && chunks >= HELPER_MIN_CHUNKS && countCalls(job) <= helper.maxCalls ? helper : null;
  const roundChunks = h === null ? 0 : Math.min(HELPER_ROUND_CHUNKS, h.maxAreas);
  let hmem = mem;
  if (h !== null) {
    memoryWith(h.memory, roundChunks * layout.bytes);
    hmem = new Uint32Array(h.memory.buffer);
    for (let a = 0; a < roundChunks; a++) {
      for (const [off, bytes] of layout.statics) hmem.set(mem.subarray(off / 4, (off + bytes) / 4), (a * layout.bytes + off) / 4);
    }
    computeChunk(h.record(), job, S);
  }

  let front = 0; // the helper's next chunk
  let back = chunks; // one past the main thread's next chunk
  let round = 0; // chunks in the helper's current round, from `roundStart`
  let roundStart = 0;
  const collect = (): void => {
    for (let a = 0; a < round; a++) storeChunk(hmem, job, a * layout.bytes, (roundStart + a) * S);
    helperChunks += round;
    round = 0;
  };
  try {
    for (;;) {
      if (h !== null && round === 0 && back - front > 1) {
        const count = Math.min(roundChunks, back - front - 1);
        const areas = Array.from({ length: count }, (_, a) => a * layout.bytes);
        areas.forEach((area, a) => loadChunk(hmem, job, area, (front + a) * S));
        h.post(areas);
        [round, roundStart] = [count, front];
        front += count;
      }
      if (back > front) {
        back--;
        loadChunk(mem, job, 0, back * S);
        computeChunk(k.x, job, chunkLength(env.length, back));
        storeChunk(mem, job, 0, back * S);
        if (round > 0 && h!.done()) collect();
      } else if (round > 0) {
        h!.awaitDone();
        collect();
      } else break;
    }
  } finally {
    if (round > 0) h!.awaitDone(); // only after an error on this side: the next call reuses the helper's memory
  }
  return true;
}

function chunkLength(L: number, chunk: number): number {
  return Math.min(CHUNK_SIZE, L - chunk * CHUNK_SIZE);
}

/** Copies a chunk's column reads and 1/Z_H into the area at byte `area` of mem, and zeroes its accumulator. */
function loadChunk(mem: Uint32Array, job: Job, area: number, start: number): void {
  const { env, layout } = job;
  const S = CHUNK_SIZE;
  const len = chunkLength(env.length, start / S);
  const nextRow = env.nextRow;
  const nextStart = contiguousNext(nextRow, start, len);
  const nodes = job.program.nodes;
  for (const j of job.perChunk) {
    const n = nodes[j];
    if (n.op !== OP_VAR) continue;
    const w = (area + layout.nodeAt[j]) / 4;
    if (n.source === SRC_SELECTOR) {
      mem.set(env.selectors[n.value].subarray(start, start + len), w);
      continue;
    }
    const m = n.source === SRC_MAIN ? env.main : n.source === SRC_PREP ? env.prep : n.source === SRC_AUX ? env.aux : null;
    if (m === null) throw new RangeError(`program reads ${SOURCES[n.source]} columns but none were given`);
    // an extension column is 4 consecutive base columns, copied to the node's 4 blocks
    const coordinates = n.source === SRC_AUX ? 4 : 1;
    for (let c = 0; c < coordinates; c++) {
      const base = (coordinates * n.value + c) * m.height;
      const v = m.values;
      const o = w + c * S;
      if (!n.next) mem.set(v.subarray(base + start, base + start + len), o);
      else if (nextStart >= 0) mem.set(v.subarray(base + nextStart, base + nextStart + len), o);
      else for (let i = 0; i < len; i++) mem[o + i] = v[base + nextRow[start + i]];
    }
  }
  mem.fill(0, (area + layout.accOff) / 4, (area + layout.accOff) / 4 + 4 * S);
  mem.set(job.zhInverse.subarray(start, start + len), (area + layout.zhOff) / 4);
}

/** The kernel calls of one chunk whose inputs are loaded into the area at byte 0: nodes, accumulation, 1/Z_H. */
function computeChunk(x: QuotientExports, job: Job, len: number): void {
  const nodes = job.program.nodes;
  const { accOff, zhOff, outOff, nodeAt: at, rootW } = job.layout;
  for (const j of job.perChunk) {
    const n = nodes[j];
    if (job.layout.affineW[j] >= 0) runAffine(x, job, j, len);
    else if (n.op === OP_VAR) coordinates(n.isExt, len, (o, m) => x.to_mont(at[j] + o, m));
    else runNode(x, job, j, len);
  }
  const roots = job.program.roots;
  const base = job.baseRoots;
  const value = (k: number): number => at[roots[k]];
  let i = 0;
  for (; i + 4 <= base.length; i += 4) x.acc4(accOff, value(base[i]), value(base[i + 1]), value(base[i + 2]), value(base[i + 3]), rootW[base[i]], len, S4);
  for (; i < base.length; i++) x.acc1(accOff, value(base[i]), rootW[base[i]], len, S4);
  for (const k of job.extRoots) {
    const v = value(k);
    x.acc4(accOff, v, v + S4, v + 2 * S4, v + 3 * S4, rootW[k], len, S4);
  }
  x.finish(accOff, zhOff, outOff, len, S4);
}

/** Kernel calls a chunk takes (computeChunk on a counter), against the helper's call limit. */
function countCalls(job: Job): number {
  let calls = 0;
  const count = (): void => void calls++;
  const counter: QuotientExports = { to_mont: count, mul: count, add: count, sub: count, neg: count, acc4: count, acc1: count, finish: count, emul: count, copy: count };
  computeChunk(counter, job, CHUNK_SIZE);
  return calls;
}

/**
 * f(offset, n) over the coordinates of a buffer: once for a base one, once over all 4 blocks of a full-chunk
 * extension one (they are consecutive), else once per coordinate block.
 */
function coordinates(isExt: boolean, len: number, f: (offset: number, n: number) => void, first = 0): void {
  if (!isExt) f(0, len);
  else if (len === CHUNK_SIZE) f(first * S4, (4 - first) * len);
  else for (let c = first; c < 4; c++) f(c * S4, len);
}

/** An affine form: its constant, plus Σ coefficient·base by acc calls (4 terms per reduction). */
function runAffine(x: QuotientExports, job: Job, j: number, len: number): void {
  const { nodeAt: at, affineW, affineConst } = job.layout;
  const out = at[j];
  const bases = job.plan.affine[j]!.bases.map((b) => at[b]);
  const w = affineW[j];
  coordinates(true, len, (o, m) => x.copy(affineConst[j] + o, out + o, m));
  let t = 0;
  for (; t + 4 <= bases.length; t += 4) x.acc4(out, bases[t], bases[t + 1], bases[t + 2], bases[t + 3], w + 16 * t, len, S4);
  for (; t < bases.length; t++) x.acc1(out, bases[t], w + 16 * t, len, S4);
}

/** One operation node, as rows.ts evalNode: extension operands have 4 coordinate blocks, base ones 1. */
function runNode(x: QuotientExports, job: Job, j: number, len: number): void {
  const nodes = job.program.nodes;
  const at = job.layout.nodeAt;
  const n = nodes[j];
  const out = at[j];
  const a = at[n.a];
  const b = n.b >= 0 ? at[n.b] : -1;
  const aExt = nodes[n.a].isExt;
  const bExt = n.b >= 0 && nodes[n.b].isExt;
  switch (n.op) {
    case OP_NEG:
      return coordinates(aExt, len, (o, m) => x.neg(a + o, out + o, m));
    case OP_ADD:
    case OP_SUB: {
      const op = n.op === OP_ADD ? x.add : x.sub;
      if (aExt === bExt) return coordinates(aExt, len, (o, m) => op(a + o, b + o, out + o, m));
      // Mixed: the base operand meets coordinate 0 only; the other coordinates are the extension operand's,
      // negated for s − e.
      const e = aExt ? a : b;
      op(a, b, out, len);
      if (n.op === OP_SUB && !aExt) coordinates(true, len, (o, m) => x.neg(e + o, out + o, m), 1);
      else coordinates(true, len, (o, m) => x.copy(e + o, out + o, m), 1);
      return;
    }
    case OP_MUL:
      if (!aExt && !bExt) return x.mul(a, b, out, len);
      if (aExt && bExt) return x.emul(a, b, out, len, S4);
      for (let c = 0; c < 4; c++) x.mul(aExt ? a + c * S4 : a, bExt ? b + c * S4 : b, out + c * S4, len);
      return;
  }
  throw new RangeError(`unexpected op ${n.op}`);
}

/** Copies a chunk's result out of the area into q. */
function storeChunk(mem: Uint32Array, job: Job, area: number, start: number): void {
  const S = CHUNK_SIZE;
  const L = job.env.length;
  const len = chunkLength(L, start / S);
  const out = (area + job.layout.outOff) / 4;
  for (let c = 0; c < 4; c++) job.q.values.set(mem.subarray(out + c * S, out + c * S + len), c * L + start);
}

function align(bytes: number): number {
  return (bytes + 63) & ~63;
}

/** rows.ts contiguousNext: nextRow[start] if the chunk's next rows are one contiguous run, else −1. */
function contiguousNext(nextRow: Uint32Array, start: number, len: number): number {
  const first = nextRow[start];
  for (let i = 1; i < len; i++) if (nextRow[start + i] !== first + i) return -1;
  return first;
}
