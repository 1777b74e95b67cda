/**
 * One helper worker_thread that replays kernel calls on a shared WebAssembly.Memory (Node only), the part
 * blake3-workers.ts and quotient-workers.ts share: spawning, the round handshake on a shared control block,
 * failure and timeout detection, stopping. The main thread stays synchronous: it posts a round, works on
 * its own share, then waits. node:worker_threads is imported dynamically, so browsers never load it.
 *
 * Control block: [seq, status, then the caller's words]. The main thread writes its words, then a new seq
 * (always positive); the helper runs `runRound(ctl)` and answers status = seq, or −seq if a call trapped.
 * seq = −1 stops the helper.
 */
import { base64Bytes, wasmApi, type WasmMemory } from './wasm-api.ts';

/** Index of the first control word the caller owns. */
export const CONTROL_HEADER = 2;
/** A round takes milliseconds; a helper silent this long is presumed dead rather than slow. */
const HELPER_TIMEOUT_MS = 60_000;

export interface HelperSpec {
  /** Prefix of error messages, e.g. 'blake3-workers'. */
  readonly name: string;
  /** The shared-memory build of the kernel (imports env.memory). */
  readonly wasmBase64: string;
  readonly maxPages: number;
  /** Control words after the header. */
  readonly controlWords: number;
  /**
   * Plain JS (no TS loader exists in the worker) that defines `function runRound(ctl)`, with `x` (the kernel's
   * exports) and `ctl` (the control block as an Int32Array) in scope.
   */
  readonly roundSource: string;
  /** Writes constant data (e.g. keys) into the fresh memory. */
  readonly initMemory?: (memory: WasmMemory) => void;
}

export interface HelperThread {
  readonly memory: WasmMemory;
  readonly control: Int32Array;
  /** Starts a round on the words written to `control`. */
  post(): void;
  /** Whether the posted round is over; throws if one of its calls trapped. */
  done(): boolean;
  /** Blocks until the posted round is over. */
  awaitDone(): void;
}

const workerSource = (roundSource: string) => `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
${roundSource}
parentPort.postMessage('ready');
for (let seen = 0; ; ) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  let status = seen;
  try {
    runRound(ctl);
  } catch (e) {
    status = -seen;
  }
  Atomics.store(ctl, 1, status);
  Atomics.notify(ctl, 1);
}`;

interface Running {
  readonly thread: HelperThread;
  readonly worker: { terminate(): Promise<number> };
}

/**
 * start/stop/running for one helper of this spec; `attach` hands the thread to the kernel module (null when
 * it stops or dies, so the kernel goes back to the main thread alone).
 */
export function helperSlot(spec: HelperSpec, attach: (thread: HelperThread | null) => void) {
  let current: Running | null = null;
  let starting: Promise<void> | null = null;

  async function spawn(): Promise<void> {
    if (wasmApi === undefined) throw new Error(`${spec.name}: no WebAssembly in this runtime`);
    const { Worker } = await import('node:worker_threads');
    const module = new wasmApi.Module(base64Bytes(spec.wasmBase64));
    const memory = new wasmApi.Memory({ initial: 1, maximum: spec.maxPages, shared: true });
    spec.initMemory?.(memory);
    const control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL_HEADER + spec.controlWords)));
    const worker = new Worker(workerSource(spec.roundSource), { eval: true, workerData: { module, memory, control: control.buffer } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${spec.name}: helper exited with code ${code} before starting`)));
    });
    worker.removeAllListeners();
    const state: Running = { worker, thread: handshake(spec.name, memory, control) };
    const lost = () => {
      if (current === state) {
        current = null;
        attach(null);
      }
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    worker.unref(); // an idle helper must not keep the process alive
    current = state;
    attach(state.thread);
  }

  return {
    running: (): boolean => current !== null,
    /** Resolves once the helper has instantiated the kernel. Idempotent. */
    start(): Promise<void> {
      if (current !== null) return Promise.resolve();
      starting ??= spawn().finally(() => {
        starting = null;
      });
      return starting;
    },
    async stop(): Promise<void> {
      const state = current;
      if (state === null) return;
      current = null;
      attach(null);
      Atomics.store(state.thread.control, 0, -1);
      Atomics.notify(state.thread.control, 0);
      await state.worker.terminate();
    },
  };
}

function handshake(name: string, memory: WasmMemory, control: Int32Array): HelperThread {
  let seq = 0;
  const status = (): number => {
    const s = Atomics.load(control, 1);
    if (s === -seq) throw new Error(`${name}: a kernel call trapped in the helper thread`);
    return s;
  };
  return {
    memory,
    control,
    post() {
      seq = (seq + 1) & 0x3fffffff || 1; // stays positive: negative values mean "stop" and "failed"
      Atomics.store(control, 0, seq);
      Atomics.notify(control, 0);
    },
    done: () => status() === seq,
    awaitDone() {
      for (;;) {
        const s = status();
        if (s === seq) return;
        if (Atomics.wait(control, 1, s, HELPER_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`${name}: no answer from the helper thread in ${HELPER_TIMEOUT_MS} ms`);
        }
      }
    },
  };
}
