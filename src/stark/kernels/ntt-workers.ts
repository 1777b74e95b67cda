/**
 * Optional, Node-only parallel LDE (perf-floor kit): worker_threads run the shared-memory build of the NTT kernel
 * (ntt-shared.wat.ts) on the same WebAssembly.Memory as the main thread, each extending whole columns, so nothing
 * is copied between threads. Opt in with `await startNttWorkers(n)`; without it, and in browsers, everything stays
 * single-threaded. The API stays synchronous: the main thread takes one column of each batch itself and then
 * blocks in Atomics.wait until the workers' columns are done. Results are identical to the single-threaded path.
 */
import { wasmBase64 } from './ntt-shared.wasm.ts';
import { attachColumnPool, type ColumnJob, type ColumnPool } from './ntt-wasm.ts';
import { base64Bytes, wasmApi } from './wasm-api.ts';

/** Control block per worker, Int32 words: generation, done generation, error flag, then the job. */
const GEN = 0;
const DONE = 1;
const FAILED = 2;
const JOB = 3; // kind (0 stop, 1 from evaluations, 2 from coefficients, 3 interpolate), src, coeffs, out, m, blocks, consts, logM, itw, dt, tw, scratch
const CONTROL_WORDS = 16;
const MAX_WORKERS = 16;

/**
 * The worker's whole program: plain CommonJS (eval'd, so it needs no TS loader), mirroring runColumnJob in
 * ntt-wasm.ts. Byte offsets above 2^31 travel as negative Int32s and reach wasm with the same bits.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control, index * ${4 * CONTROL_WORDS}, ${CONTROL_WORDS});
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(c, ${GEN}, seen);
  seen = Atomics.load(c, ${GEN});
  const kind = c[${JOB}];
  if (kind === 0) break;
  try {
    if (kind === 3) {
      x.bitrev_copy(c[${JOB + 1}], c[${JOB + 2}], c[${JOB + 7}], c[${JOB + 11}]);
      x.dif(c[${JOB + 2}], c[${JOB + 4}], c[${JOB + 8}], c[${JOB + 9}]);
      x.bitrev_copy(c[${JOB + 2}], c[${JOB + 1}], c[${JOB + 7}], c[${JOB + 11}]);
      x.scale_powers(c[${JOB + 1}], c[${JOB + 1}], c[${JOB + 4}], c[${JOB + 6}]);
    } else {
      if (kind === 1) {
        x.dif(c[${JOB + 1}], c[${JOB + 4}], c[${JOB + 8}], c[${JOB + 9}]);
        x.bitrev_copy(c[${JOB + 1}], c[${JOB + 2}], c[${JOB + 7}], c[${JOB + 11}]);
      }
      x.extend_column(c[${JOB + 2}], c[${JOB + 3}], c[${JOB + 4}], c[${JOB + 5}], c[${JOB + 6}], c[${JOB + 10}], c[${JOB + 9}]);
    }
  } catch (e) {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

interface NodeWorker {
  once(event: 'message' | 'error', listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

let running: { workers: NodeWorker[]; controls: Int32Array[] } | null = null;

export class NttWorkerError extends Error {
  readonly code = 'ntt-worker-failed';
  constructor(message: string) {
    super(message);
    this.name = 'NttWorkerError';
  }
}

function createPool(controls: Int32Array[]): ColumnPool {
  return {
    size: controls.length,
    start(worker: number, job: ColumnJob): void {
      const c = controls[worker];
      const fields = [job.interpolate ? 3 : job.fromEvals ? 1 : 2, job.src, job.coeffs, job.out, job.m, job.blocks, job.consts, job.logM, job.itw, job.dt, job.tw, job.scratch];
      for (let i = 0; i < fields.length; i++) c[JOB + i] = fields[i] | 0;
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
    },
    wait(worker: number): void {
      const c = controls[worker];
      const gen = Atomics.load(c, GEN);
      for (let done = Atomics.load(c, DONE); done !== gen; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
      if (Atomics.exchange(c, FAILED, 0) !== 0) throw new NttWorkerError(`ntt worker ${worker} failed while transforming a column`);
    },
  };
}

/**
 * Starts `count` worker threads (1 … 16) and routes cosetLde / cosetLdeFromCoeffs / cosetInterpolate through them. Node only: the
 * dynamic import keeps node:worker_threads out of browser bundles. Replaces any workers already running.
 */
export async function startNttWorkers(count: number): Promise<void> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new RangeError(`count must be an integer in [1, ${MAX_WORKERS}], got ${count}`);
  }
  await stopNttWorkers();
  if (wasmApi === undefined) throw new NttWorkerError('WebAssembly is not available in this runtime');
  const { Worker } = await import('node:worker_threads');
  const module = new wasmApi.Module(base64Bytes(wasmBase64));
  const memory = new wasmApi.Memory({ initial: 1, maximum: 65536, shared: true });
  const control = new SharedArrayBuffer(4 * CONTROL_WORDS * count);
  const controls = Array.from({ length: count }, (_, i) => new Int32Array(control, 4 * CONTROL_WORDS * i, CONTROL_WORDS));
  const workers: NodeWorker[] = [];
  const ready: Promise<unknown>[] = [];
  for (let index = 0; index < count; index++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, index } }) as unknown as NodeWorker;
    ready.push(
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
    );
    workers.push(worker);
  }
  try {
    await Promise.all(ready);
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new NttWorkerError(`ntt workers failed to start: ${(e as Error).message}`);
  }
  for (const w of workers) w.unref(); // idle workers (blocked in Atomics.wait) must not keep the process alive
  running = { workers, controls };
  const exports = new wasmApi.Instance(module, { env: { memory } }).exports;
  attachColumnPool({ exports, memory, pool: createPool(controls) });
}

/** Stops the workers (if any) and returns to the private single-threaded kernel. */
export async function stopNttWorkers(): Promise<void> {
  if (running === null) return;
  const { workers, controls } = running;
  running = null;
  attachColumnPool(null);
  for (const c of controls) {
    c[JOB] = 0; // stop
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
  }
  await Promise.all(workers.map((w) => w.terminate()));
}

export function nttWorkerCount(): number {
  return running?.workers.length ?? 0;
}
