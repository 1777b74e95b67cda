/**
 * Optional, Node only: the quotient evaluation on the main thread plus one helper worker_thread (2 cores), the
 * pattern of blake3-workers.ts. The helper runs the quotient kernel on a shared WebAssembly.Memory and only
 * replays the kernel calls of one chunk, recorded by the main thread once per evaluation, on each chunk of a
 * round whose inputs the main thread copied there; so all the logic stays in quotient-wasm.ts and the prover
 * stays synchronous. `await startQuotientWorker()` enables it;
 * browsers and the verifier never load node:worker_threads.
 */
import { setQuotientHelper, type QuotientExports, type QuotientHelper } from './quotient-wasm.ts';
import { base64Bytes, wasmApi, type WasmMemory } from './wasm-api.ts';
import { wasmBase64 as sharedWasmBase64 } from './quotient-shared.wasm.ts';
import { SHARED_MAX_PAGES } from './quotient.wat.ts';

/**
 * The control block: [seq, status, area count, call count, MAX_AREAS area offsets, then 9 ints per call (fn,
 * 8 args)]. The calls are one chunk's, their pointers relative to an area.
 */
const MAX_CALLS = 4096;
const MAX_AREAS = 16;
const CALL_INTS = 9;
const CALLS_AT = 4 + MAX_AREAS;
/** A round takes a millisecond or so; a helper silent this long is presumed dead rather than slow. */
const HELPER_TIMEOUT_MS = 60_000;
/** Kernel functions by index in a recorded call (the worker's `fns` below lists them in this order). */
const FN_TO_MONT = 0, FN_MUL = 1, FN_ADD = 2, FN_SUB = 3, FN_NEG = 4, FN_ACC4 = 5, FN_ACC1 = 6, FN_FINISH = 7, FN_EMUL = 8, FN_COPY = 9;

// Plain JS run with `eval: true`, so it needs no TypeScript loader (tsx, vitest) in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = [x.to_mont, x.mul, x.add, x.sub, x.neg, x.acc4, x.acc1, x.finish, x.emul, x.copy];
// how many leading arguments of each function are pointers (the rest: row count, stride)
const pointers = [1, 3, 3, 3, 2, 6, 3, 3, 3, 2];
const ctl = new Int32Array(control);
parentPort.postMessage('ready');
for (let seen = 0; ; ) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  let status = seen;
  try {
    for (let a = 0, areas = ctl[2], calls = ctl[3]; a < areas; a++) {
      const base = ctl[4 + a];
      for (let i = 0; i < calls; i++) {
        const o = ${CALLS_AT} + ${CALL_INTS} * i;
        const f = ctl[o], k = pointers[f];
        const s = (j) => (j <= k ? base : 0);
        fns[f](ctl[o + 1] + s(1), ctl[o + 2] + s(2), ctl[o + 3] + s(3), ctl[o + 4] + s(4), ctl[o + 5] + s(5), ctl[o + 6] + s(6), ctl[o + 7], ctl[o + 8]);
      }
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
  calls: number;
}

let helper: Helper | null = null;
let starting: Promise<void> | null = null;

export function quotientWorkerRunning(): boolean {
  return helper !== null;
}

/** Starts the helper thread (Node only); resolves once it has instantiated the kernel. Idempotent. */
export function startQuotientWorker(): Promise<void> {
  if (helper !== null) return Promise.resolve();
  starting ??= spawnHelper().finally(() => {
    starting = null;
  });
  return starting;
}

async function spawnHelper(): Promise<void> {
  if (wasmApi === undefined) throw new Error('quotient-workers: no WebAssembly in this runtime');
  const { Worker } = await import('node:worker_threads');
  const module = new wasmApi.Module(base64Bytes(sharedWasmBase64));
  const memory = new wasmApi.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  const control = new Int32Array(new SharedArrayBuffer(4 * (CALLS_AT + CALL_INTS * MAX_CALLS)));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: control.buffer } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`quotient-workers: helper exited with code ${code} before starting`)));
  });
  worker.removeAllListeners();
  const state: Helper = { worker, memory, control, seq: 0, calls: 0 };
  const lost = () => {
    if (helper === state) {
      helper = null;
      setQuotientHelper(null);
    }
  };
  worker.on('error', lost);
  worker.on('exit', lost);
  worker.unref(); // an idle helper must not keep the process alive
  helper = state;
  setQuotientHelper(helperApi(state));
}

export async function stopQuotientWorker(): Promise<void> {
  const h = helper;
  if (h === null) return;
  helper = null;
  setQuotientHelper(null);
  Atomics.store(h.control, 0, -1);
  Atomics.notify(h.control, 0);
  await h.worker.terminate();
}

function helperApi(h: Helper): QuotientHelper {
  const ctl = h.control;
  const push = (fn: number, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, i = 0): void => {
    if (h.calls >= MAX_CALLS) throw new RangeError(`quotient-workers: more than ${MAX_CALLS} calls in one chunk`);
    const o = CALLS_AT + CALL_INTS * h.calls++;
    ctl[o] = fn; ctl[o + 1] = a; ctl[o + 2] = b; ctl[o + 3] = c; ctl[o + 4] = d;
    ctl[o + 5] = e; ctl[o + 6] = f; ctl[o + 7] = g; ctl[o + 8] = i;
  };
  const recorder: QuotientExports = {
    to_mont: (p, n) => push(FN_TO_MONT, p, n),
    mul: (a, b, out, n) => push(FN_MUL, a, b, out, n),
    add: (a, b, out, n) => push(FN_ADD, a, b, out, n),
    sub: (a, b, out, n) => push(FN_SUB, a, b, out, n),
    neg: (a, out, n) => push(FN_NEG, a, out, n),
    acc4: (acc, x0, x1, x2, x3, w, n, S4) => push(FN_ACC4, acc, x0, x1, x2, x3, w, n, S4),
    acc1: (acc, x, w, n, S4) => push(FN_ACC1, acc, x, w, n, S4),
    finish: (acc, zh, out, n, S4) => push(FN_FINISH, acc, zh, out, n, S4),
    emul: (a, b, out, n, S4) => push(FN_EMUL, a, b, out, n, S4),
    copy: (a, out, n) => push(FN_COPY, a, out, n),
  };
  return {
    memory: h.memory,
    maxCalls: MAX_CALLS,
    maxAreas: MAX_AREAS,
    record: () => {
      h.calls = 0;
      return recorder;
    },
    post: (areas) => {
      if (areas.length > MAX_AREAS) throw new RangeError(`quotient-workers: more than ${MAX_AREAS} areas in one round`);
      ctl[2] = areas.length;
      ctl[3] = h.calls;
      ctl.set(areas, 4);
      h.seq = (h.seq + 1) & 0x3fffffff || 1; // stays positive: negative values mean "stop" and "failed"
      Atomics.store(ctl, 0, h.seq);
      Atomics.notify(ctl, 0);
    },
    done: () => {
      const status = Atomics.load(ctl, 1);
      if (status === -h.seq) throw new Error('quotient-workers: a kernel call trapped in the helper thread');
      return status === h.seq;
    },
    awaitDone: () => {
      for (;;) {
        const status = Atomics.load(ctl, 1);
        if (status === h.seq) return;
        if (status === -h.seq) throw new Error('quotient-workers: a kernel call trapped in the helper thread');
        if (Atomics.wait(ctl, 1, status, HELPER_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`quotient-workers: no answer from the helper thread in ${HELPER_TIMEOUT_MS} ms`);
        }
      }
    },
  };
}
