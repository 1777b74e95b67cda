/**
 * Optional, Node only: Merkle hashing on the main thread plus one helper worker_thread (2 cores, helper-thread.ts). The helper
 * runs the BLAKE3 kernel on a shared WebAssembly.Memory and only replays kernel calls that the main thread
 * recorded after copying the inputs there, so all the logic stays in blake3-wasm.ts. merkleCommit stays
 * synchronous: the main thread hashes its half, then blocks in Atomics.wait for the helper's half.
 * `await startHashWorker()` enables it; browsers and the verifier never load node:worker_threads.
 */
import { DIGEST_BYTES } from '../hash.ts';
import type { Matrix } from '../matrix.ts';
import type { TreeHasher } from '../merkle.ts';
import { injectJob, leafJob, pairsJob, requireKernel, runJob, setParallelTreeHasher, writeKeys } from './blake3-wasm.ts';
import type { Blake3Exports, DigestJob, Kernel } from './blake3-wasm.ts';
import { wasmBase64 as sharedWasmBase64 } from './blake3-shared.wasm.ts';
import { SHARED_MAX_PAGES } from './blake3.wat.ts';
import { CONTROL_HEADER, helperSlot, type HelperThread } from './helper-thread.ts';

/** Jobs hashing fewer inputs (rows or child digests) than this are not worth a round trip to the helper. */
const PARALLEL_MIN_INPUTS = 2048;
/** A helper round covers this many of the job's natural batches (~2 MiB of input: ~2 ms of hashing). */
const BATCHES_PER_ROUND = 8;
/**
 * Control words after the header: [count, then 10 ints per call (fn, 9 args)]. A round of leaves of r chunks
 * makes about 2r calls; longer lists are posted in parts.
 */
const MAX_CALLS = 16;
const CALL_INTS = 10;
const CALLS_AT = CONTROL_HEADER + 1;

const ROUND_SOURCE = `
const fns = [x.leaves, x.nodes];
function runRound(ctl) {
  for (let i = 0, n = ctl[${CONTROL_HEADER}]; i < n; i++) {
    const o = ${CALLS_AT} + ${CALL_INTS} * i;
    fns[ctl[o]](ctl[o + 1], ctl[o + 2], ctl[o + 3], ctl[o + 4], ctl[o + 5], ctl[o + 6], ctl[o + 7], ctl[o + 8], ctl[o + 9]);
  }
}`;

let helper: HelperThread | null = null;
let helperRounds = 0;

const slot = helperSlot(
  {
    name: 'blake3-workers', wasmBase64: sharedWasmBase64, maxPages: SHARED_MAX_PAGES,
    controlWords: 1 + CALL_INTS * MAX_CALLS, roundSource: ROUND_SOURCE, initMemory: writeKeys,
  },
  (thread) => {
    helper = thread;
    setParallelTreeHasher(thread === null ? null : parallelTreeHasher);
  },
);

export const hashWorkerRunning = slot.running;
/** Starts the helper thread (Node only); resolves once it has instantiated the kernel. Idempotent. */
export const startHashWorker = slot.start;
export const stopHashWorker = slot.stop;

/** How many rounds the helper thread has hashed since the process started (for tests and benchmarks). */
export function hashWorkerRounds(): number {
  return helperRounds;
}

/** A kernel whose calls are recorded (for the helper to replay) and whose memory is the helper's. */
function recordingKernel(h: HelperThread, calls: number[][]): Kernel {
  const x: Blake3Exports = {
    leaves: (...args) => void calls.push([0, ...args]),
    nodes: (...args) => void calls.push([1, ...args, 0, 0]),
  };
  return { x, memory: h.memory };
}

function post(h: HelperThread, calls: number[][]): void {
  h.control[CONTROL_HEADER] = calls.length;
  calls.forEach((call, i) => h.control.set(call, CALLS_AT + CALL_INTS * i));
  h.post();
}

/**
 * Outputs [0, half) on the main thread, [half, count) on the helper, in rounds: the main thread copies a
 * round's inputs into the helper's memory and posts the recorded calls, hashes an equal share of its own
 * half, waits, then copies the helper's digests out.
 */
function runParallel(job: DigestJob, out: Uint8Array): Uint8Array {
  const main = requireKernel();
  const h = helper;
  if (h === null || job.count < 2 || job.count * job.inputsPerOutput < PARALLEL_MIN_INPUTS) {
    runJob(main, job, out);
    return out;
  }
  const half = job.count >> 1;
  const round = Math.min(job.batch * BATCHES_PER_ROUND, job.count - half);
  const calls: number[][] = [];
  const issueOnHelper = job.prepare(recordingKernel(h, calls), round);
  let mainAt = 0;
  for (let at = half; at < job.count; at += round) {
    const n = Math.min(round, job.count - at);
    calls.length = 0;
    const digests = issueOnHelper(at, n);
    for (let part = 0; part < calls.length; part += MAX_CALLS) {
      post(h, calls.slice(part, part + MAX_CALLS));
      if (part === 0) {
        const share = Math.min(n, half - mainAt);
        runJob(main, job, out, mainAt, mainAt + share);
        mainAt += share;
      }
      h.awaitDone();
    }
    helperRounds++;
    out.set(new Uint8Array(h.memory.buffer, digests, n * DIGEST_BYTES), at * DIGEST_BYTES);
  }
  runJob(main, job, out, mainAt, half);
  return out;
}

const fresh = (job: DigestJob) => new Uint8Array(job.count * DIGEST_BYTES);

/** The wasm tree hasher with each level split between the main thread and the helper. */
export const parallelTreeHasher: TreeHasher = {
  leafDigests: (matrices: readonly Matrix[], height: number) => {
    const job = leafJob(matrices, height, 0);
    return runParallel(job, fresh(job));
  },
  subtreeDigests: (matrices: readonly Matrix[], height: number, levels: number) => {
    const job = leafJob(matrices, height, levels);
    return runParallel(job, fresh(job));
  },
  compressPairs: (children: Uint8Array) => {
    const job = pairsJob(children);
    return runParallel(job, fresh(job));
  },
  injectInPlace: (nodes: Uint8Array, injected: Uint8Array) => void runParallel(injectJob(nodes, injected), nodes),
};
