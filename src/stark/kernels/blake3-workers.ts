/**
 * Optional, Node only: Merkle hashing on the main thread plus one helper worker_thread (2 cores). The helper
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
import { base64Bytes, wasmApi, type WasmMemory } from './wasm-api.ts';
import { wasmBase64 as sharedWasmBase64 } from './blake3-shared.wasm.ts';
import { SHARED_MAX_PAGES } from './blake3.wat.ts';

/** Jobs hashing fewer inputs (rows or child digests) than this are not worth a round trip to the helper. */
const PARALLEL_MIN_INPUTS = 2048;
/** A helper round covers this many of the job's natural batches (~2 MiB of input: ~2 ms of hashing). */
const BATCHES_PER_ROUND = 8;
/**
 * Call slots in the control block: [seq, status, count, then 10 ints per call (fn, 9 args)]. A round of
 * leaves of r chunks makes about 2r calls; longer lists are posted in parts.
 */
const MAX_CALLS = 16;
const CALL_INTS = 10;
/** A round takes milliseconds; a helper silent this long is presumed dead rather than slow. */
const HELPER_TIMEOUT_MS = 60_000;

// Plain JS run with `eval: true`, so it needs no TypeScript loader (tsx, vitest) in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = [x.leaves, x.nodes];
const ctl = new Int32Array(control);
parentPort.postMessage('ready');
for (let seen = 0; ; ) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  let status = seen;
  try {
    for (let i = 0, n = ctl[2]; i < n; i++) {
      const o = 3 + ${CALL_INTS} * i;
      fns[ctl[o]](ctl[o + 1], ctl[o + 2], ctl[o + 3], ctl[o + 4], ctl[o + 5], ctl[o + 6], ctl[o + 7], ctl[o + 8], ctl[o + 9]);
    }
  } catch (e) {
    status = -seen;
  }
  Atomics.store(ctl, 1, status);
  Atomics.notify(ctl, 1);
}`;

interface Helper {
  worker: { terminate(): Promise<number> };
  memory: WasmMemory;
  control: Int32Array;
  seq: number;
}

let helper: Helper | null = null;
let helperRounds = 0;

export function hashWorkerRunning(): boolean {
  return helper !== null;
}

/** How many rounds the helper thread has hashed since the process started (for tests and benchmarks). */
export function hashWorkerRounds(): number {
  return helperRounds;
}

let starting: Promise<void> | null = null;

/** Starts the helper thread (Node only); resolves once it has instantiated the kernel. Idempotent. */
export function startHashWorker(): Promise<void> {
  if (helper !== null) return Promise.resolve();
  starting ??= spawnHelper().finally(() => {
    starting = null;
  });
  return starting;
}

async function spawnHelper(): Promise<void> {
  if (wasmApi === undefined) throw new Error('blake3-workers: no WebAssembly in this runtime');
  const { Worker } = await import('node:worker_threads');
  const module = new wasmApi.Module(base64Bytes(sharedWasmBase64));
  const memory = new wasmApi.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  writeKeys(memory);
  const control = new Int32Array(new SharedArrayBuffer(4 * (3 + CALL_INTS * MAX_CALLS)));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: control.buffer } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`blake3-workers: helper exited with code ${code} before starting`)));
  });
  worker.removeAllListeners();
  const state: Helper = { worker, memory, control, seq: 0 };
  const lost = () => {
    if (helper === state) {
      helper = null;
      setParallelTreeHasher(null);
    }
  };
  worker.on('error', lost);
  worker.on('exit', lost);
  worker.unref(); // an idle helper must not keep the process alive
  helper = state;
  setParallelTreeHasher(parallelTreeHasher);
}

export async function stopHashWorker(): Promise<void> {
  const h = helper;
  if (h === null) return;
  helper = null;
  setParallelTreeHasher(null);
  Atomics.store(h.control, 0, -1);
  Atomics.notify(h.control, 0);
  await h.worker.terminate();
}

/** A kernel whose calls are recorded (for the helper to replay) and whose memory is the helper's. */
function recordingKernel(h: Helper, calls: number[][]): Kernel {
  const x: Blake3Exports = {
    leaves: (...args) => void calls.push([0, ...args]),
    nodes: (...args) => void calls.push([1, ...args, 0, 0]),
  };
  return { x, memory: h.memory };
}

function post(h: Helper, calls: number[][]): void {
  const ctl = h.control;
  ctl[2] = calls.length;
  calls.forEach((call, i) => ctl.set(call, 3 + CALL_INTS * i));
  h.seq = (h.seq + 1) & 0x3fffffff || 1; // stays positive: negative values mean "stop" and "failed"
  Atomics.store(ctl, 0, h.seq);
  Atomics.notify(ctl, 0);
}

function awaitHelper(h: Helper): void {
  const ctl = h.control;
  for (;;) {
    const status = Atomics.load(ctl, 1);
    if (status === h.seq) return;
    if (status === -h.seq) throw new Error('blake3-workers: a kernel call trapped in the helper thread');
    if (Atomics.wait(ctl, 1, status, HELPER_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`blake3-workers: no answer from the helper thread in ${HELPER_TIMEOUT_MS} ms`);
    }
  }
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
      awaitHelper(h);
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
