/**
 * The 4-way wasm-SIMD BLAKE3 kernel (blake3.wat.ts) behind merkle.ts's TreeHasher, with the digests of
 * hash.ts bit for bit. Rows are copied batch by batch into a module-private WebAssembly.Memory (column-major,
 * so word j of four rows is one load), hashed there and the digests copied out. Rows wider than one BLAKE3
 * chunk (256 words) are hashed chunk by chunk and merged with BLAKE3 parent nodes, also in the kernel.
 * Instantiated synchronously on first use; `blake3KernelAvailable()` is false where wasm SIMD is not.
 */
import { DIGEST_BYTES, LEAF_KEY, NODE_KEY } from '../hash.ts';
import type { Matrix } from '../matrix.ts';
import type { TreeHasher } from '../merkle.ts';
import { CHUNK_END, CHUNK_START, KEYED_HASH, PARENT, ROOT } from './blake3-js.ts';
import { wasmBase64 } from './blake3.wasm.ts';
import { instantiateKernel, type WasmMemory } from './wasm-api.ts';


export interface Blake3Exports {
  leaves(base: number, stride: number, nb: number, lastLen: number, rows: number, out: number, key: number, counter: number, endFlags: number): void;
  nodes(left: number, right: number, stride: number, count: number, out: number, key: number, flags: number): void;
}

const PAGE = 65536;
const LEAF_KEY_AT = 0;
const NODE_KEY_AT = 32;
const HEAP = 64;
const CHUNK_WORDS = 256;
/** A Merkle node is a whole one-block keyed hash. */
const NODE_FLAGS = CHUNK_START | CHUNK_END | ROOT | KEYED_HASH;
/** ~256 KiB of row data per batch stays in L2 while it is hashed. */
const BATCH_WORDS = 1 << 16;
const MAX_BATCH_ROWS = 1 << 14;
const NODE_BATCH = 1 << 14;

export interface Kernel {
  x: Blake3Exports;
  memory: WasmMemory;
}

let kernel: Kernel | null | undefined;

/** The kernel reads the two keys from fixed addresses of its memory. */
export function writeKeys(memory: WasmMemory): void {
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(LEAF_KEY, LEAF_KEY_AT);
  bytes.set(NODE_KEY, NODE_KEY_AT);
}

function getKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = instantiateKernel<Blake3Exports>(wasmBase64); // null: merkle.ts falls back to the reference
  if (kernel !== null) writeKeys(kernel.memory);
  return kernel;
}

export function blake3KernelAvailable(): boolean {
  return getKernel() !== null;
}

export function requireKernel(): Kernel {
  const k = getKernel();
  if (k === null) throw new Error('blake3-wasm: WebAssembly SIMD is not available in this runtime');
  return k;
}

/** Grows the memory to at least `bytes`; views on it must be (re)taken after this call. */
function ensure(k: Kernel, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
}

const align = (x: number, a: number) => Math.ceil(x / a) * a;
const pow2Floor = (x: number) => 2 ** Math.floor(Math.log2(Math.max(x, 1)));

/**
 * One level-building operation producing `count` digests, run in batches: `prepare(k, batch)` lays out k's
 * memory for batches of up to `batch` outputs and returns `issue(j0, n)`, which copies the inputs of outputs
 * [j0, j0 + n) into k's memory, runs the kernel and returns the byte address of the n digests there.
 * (blake3-workers.ts issues some batches on a helper thread's kernel.)
 */
export interface DigestJob {
  readonly count: number;
  /** Outputs per batch that keep a batch's inputs (~256 KiB) in L2. */
  readonly batch: number;
  /** Leaves (or child digests) hashed into one output: the work per output, for deciding whether to split a job. */
  readonly inputsPerOutput: number;
  prepare(k: Kernel, batch: number): (j0: number, n: number) => number;
}

interface ChunkPlan {
  firstWord: number;
  nb: number;
  lastLen: number;
}

/**
 * Leaf digests of the same-height matrices' rows (concatenated) with `levels` = 0, or the digests `levels` tree
 * levels above them: output j is the root of the subtree over rows [j·2^levels, (j + 1)·2^levels), built by
 * hashNode in the kernel's memory. So the lowest levels, the bulk of a tree's digests, never reach JS: no copies
 * out and back in, and no fresh pages for them (a fresh 64 MiB array costs ~175 ms of page faults on the VM).
 */
export function leafJob(matrices: readonly Matrix[], height: number, levels: number): DigestJob {
  const width = matrices.reduce((s, m) => s + m.width, 0);
  for (const m of matrices) if (m.height !== height) throw new RangeError(`blake3-wasm: matrix heights ${m.height} and ${height} differ`);
  const rowsPerOutput = 2 ** levels;
  if (!Number.isInteger(levels) || levels < 0 || height % rowsPerOutput !== 0) {
    throw new RangeError(`blake3-wasm: ${levels} levels above ${height} leaves`);
  }
  const numChunks = Math.max(1, Math.ceil(width / CHUNK_WORDS));
  const chunks: ChunkPlan[] = [];
  for (let c = 0; c < numChunks; c++) {
    const words = Math.min(CHUNK_WORDS, width - c * CHUNK_WORDS);
    const nb = Math.max(1, Math.ceil(words / 16));
    chunks.push({ firstWord: c * CHUNK_WORDS, nb, lastLen: 4 * (words - 16 * (nb - 1)) });
  }
  const paddedWidth = chunks[numChunks - 1].firstWord + 16 * chunks[numChunks - 1].nb;
  const naturalRows = Math.min(MAX_BATCH_ROWS, pow2Floor(BATCH_WORDS / Math.max(width, 1)));
  return {
    count: height / rowsPerOutput,
    batch: Math.max(2, naturalRows / rowsPerOutput),
    inputsPerOutput: rowsPerOutput,
    prepare(k, batch) {
      const batchRows = align(batch * rowsPerOutput, 4);
      // memory: [keys | rows (column-major, padded with zero columns to whole blocks) | chunk CVs | digests | parents]
      // Column stride = batch + 16 words: with a power-of-two stride, the 16 loads of one block would all map
      // to the same L1 set and evict each other (measured: 4× slower at 16 columns).
      const stride = 4 * (batchRows + 16);
      const rows = HEAP;
      const cvs = rows + paddedWidth * stride;
      const digests = cvs + (numChunks > 1 ? numChunks * DIGEST_BYTES * batchRows : 0);
      const parents = digests + DIGEST_BYTES * batchRows;
      // nodes hashes whole groups of 4: a short last level reads up to 8 and writes 4 digests past its count
      ensure(k, parents + (levels > 0 ? DIGEST_BYTES * Math.max(8, batchRows) : 0));
      new Uint32Array(k.memory.buffer).fill(0, (rows + width * stride) >> 2, (rows + paddedWidth * stride) >> 2);
      return (j0, n) => {
        const mem32 = new Uint32Array(k.memory.buffer);
        const r0 = j0 * rowsPerOutput;
        const rowCount = n * rowsPerOutput;
        let word = 0;
        for (const m of matrices) {
          for (let c = 0; c < m.width; c++, word++) {
            mem32.set(m.values.subarray(c * height + r0, c * height + r0 + rowCount), (rows + word * stride) >> 2);
          }
        }
        const rows4 = align(rowCount, 4); // lanes past rowCount hash stale rows; their digests are never read
        if (numChunks === 1) {
          const { nb, lastLen } = chunks[0];
          k.x.leaves(rows, stride, nb, lastLen, rows4, digests, LEAF_KEY_AT, 0, CHUNK_END | ROOT);
        } else {
          hashMultiChunk(k, chunks, rows, stride, rows4, cvs, batchRows, digests);
        }
        // Level by level, alternating between the two digest areas (the kernel's output must not alias its input).
        let from = digests;
        let to = parents;
        for (let l = 1, count = rowCount >> 1; l <= levels; l++, count >>= 1) {
          k.x.nodes(from, from + DIGEST_BYTES, 2 * DIGEST_BYTES, count, to, NODE_KEY_AT, NODE_FLAGS);
          [from, to] = [to, from];
        }
        return from;
      };
    },
  };
}

/**
 * BLAKE3's tree over chunks (spec §2.1, §5.1.2): chunk c is hashed with counter c (not as root); after each
 * non-final chunk, CVs merge pairwise while the chunk count so far is even; the final chunk's CV then merges
 * with the stack from the top down, the last merge being the root.
 */
function hashMultiChunk(
  k: Kernel,
  chunks: readonly ChunkPlan[],
  rows: number,
  stride: number,
  rows4: number,
  cvs: number,
  batchRows: number,
  digests: number,
): void {
  const cvAt = (c: number) => cvs + c * DIGEST_BYTES * batchRows;
  const stack: number[] = [];
  chunks.forEach(({ firstWord, nb, lastLen }, c) => {
    k.x.leaves(rows + firstWord * stride, stride, nb, lastLen, rows4, cvAt(c), LEAF_KEY_AT, c, CHUNK_END);
    if (c === chunks.length - 1) return;
    let cv = cvAt(c);
    for (let total = c + 1; (total & 1) === 0; total >>= 1) {
      const left = stack.pop()!;
      k.x.nodes(left, cv, DIGEST_BYTES, rows4, left, LEAF_KEY_AT, PARENT | KEYED_HASH);
      cv = left;
    }
    stack.push(cv);
  });
  let cv = cvAt(chunks.length - 1);
  while (stack.length > 0) {
    const left = stack.pop()!;
    const isRoot = stack.length === 0;
    k.x.nodes(left, cv, DIGEST_BYTES, rows4, isRoot ? digests : left, LEAF_KEY_AT, PARENT | KEYED_HASH | (isRoot ? ROOT : 0));
    cv = left;
  }
}

/** out[j] = hashNode(left[j], right[j]) for digest arrays given batch by batch. */
function nodeJob(count: number, leftOf: (j0: number, n: number) => Uint8Array, rightOf: (j0: number, n: number) => Uint8Array): DigestJob {
  return {
    count,
    batch: NODE_BATCH,
    inputsPerOutput: 2,
    prepare(k, batch) {
      const batch4 = align(batch, 4); // the kernel hashes groups of four; the tail lanes read stale digests
      const left = HEAP;
      const right = left + DIGEST_BYTES * batch4;
      const out = right + DIGEST_BYTES * batch4;
      ensure(k, out + DIGEST_BYTES * batch4);
      return (j0, n) => {
        const mem8 = new Uint8Array(k.memory.buffer);
        mem8.set(leftOf(j0, n), left);
        mem8.set(rightOf(j0, n), right);
        k.x.nodes(left, right, DIGEST_BYTES, n, out, NODE_KEY_AT, NODE_FLAGS);
        return out;
      };
    },
  };
}

/** Parents of a level: out[j] = hashNode(children[2j], children[2j + 1]). */
export function pairsJob(children: Uint8Array): DigestJob {
  const count = children.length / (2 * DIGEST_BYTES);
  if (!Number.isInteger(count)) throw new RangeError(`blake3-wasm: ${children.length} bytes is not a whole number of pairs`);
  return {
    count,
    batch: NODE_BATCH,
    inputsPerOutput: 2,
    prepare(k, batch) {
      const input = HEAP;
      const out = input + 2 * DIGEST_BYTES * align(batch, 4);
      ensure(k, out + DIGEST_BYTES * align(batch, 4));
      return (j0, n) => {
        new Uint8Array(k.memory.buffer).set(children.subarray(2 * DIGEST_BYTES * j0, 2 * DIGEST_BYTES * (j0 + n)), input);
        k.x.nodes(input, input + DIGEST_BYTES, 2 * DIGEST_BYTES, n, out, NODE_KEY_AT, NODE_FLAGS);
        return out;
      };
    },
  };
}

/** out[j] = hashNode(nodes[j], injected[j]): a smaller matrix's leaf hashed into its level. */
export function injectJob(nodes: Uint8Array, injected: Uint8Array): DigestJob {
  if (nodes.length !== injected.length || nodes.length % DIGEST_BYTES !== 0) {
    throw new RangeError(`blake3-wasm: ${nodes.length} and ${injected.length} bytes are not matching digest arrays`);
  }
  const slice = (a: Uint8Array) => (j0: number, n: number) => a.subarray(DIGEST_BYTES * j0, DIGEST_BYTES * (j0 + n));
  return nodeJob(nodes.length / DIGEST_BYTES, slice(nodes), slice(injected));
}

/** Runs outputs [j0, j1) of the job on k, batch by batch, writing digest j to out at byte 32j. */
export function runJob(k: Kernel, job: DigestJob, out: Uint8Array, j0 = 0, j1 = job.count): void {
  if (j1 <= j0) return;
  const batch = Math.min(job.batch, j1 - j0);
  const issue = job.prepare(k, batch);
  for (let j = j0; j < j1; j += batch) {
    const n = Math.min(batch, j1 - j);
    const at = issue(j, n);
    out.set(new Uint8Array(k.memory.buffer, at, n * DIGEST_BYTES), j * DIGEST_BYTES);
  }
}

function runAll(job: DigestJob, out: Uint8Array = new Uint8Array(job.count * DIGEST_BYTES)): Uint8Array {
  runJob(requireKernel(), job, out);
  return out;
}

/** Keyed-BLAKE3 (LEAF_KEY) digests of row i of the same-height matrices concatenated, for all rows. */
export const hashLeavesWasm = (matrices: readonly Matrix[], height: number): Uint8Array => runAll(leafJob(matrices, height, 0));
/** The level-`levels` digests above those leaves (height/2^levels of them), without materializing the levels below. */
export const hashSubtreesWasm = (matrices: readonly Matrix[], height: number, levels: number): Uint8Array =>
  runAll(leafJob(matrices, height, levels));
/** out[i] = hashNode(children[2i], children[2i + 1]) for 32-byte digests back to back. */
export const compressPairsWasm = (children: Uint8Array): Uint8Array => runAll(pairsJob(children));
/** nodes[i] = hashNode(nodes[i], injected[i]), in place (each batch is read before it is overwritten). */
export const injectWasm = (nodes: Uint8Array, injected: Uint8Array): void => void runAll(injectJob(nodes, injected), nodes);

export const wasmTreeHasher: TreeHasher = {
  leafDigests: hashLeavesWasm,
  subtreeDigests: hashSubtreesWasm,
  compressPairs: compressPairsWasm,
  injectInPlace: injectWasm,
};

let parallelHasher: TreeHasher | null = null;

/** Installed by blake3-workers.ts while its helper thread runs (so merkle.ts need not import it). */
export function setParallelTreeHasher(hasher: TreeHasher | null): void {
  parallelHasher = hasher;
}

/** The fastest hasher here: two threads, else the kernel, else null (no wasm SIMD: use the reference). */
export function fastTreeHasher(): TreeHasher | null {
  return parallelHasher ?? (getKernel() !== null ? wasmTreeHasher : null);
}
