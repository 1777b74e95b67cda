/**
 * Optional, Node only: the PCS opening's column loops (ext4-wasm.ts combineBaseColumns and dotBaseColumns) on
 * the main thread plus one helper worker_thread (2 cores, helper-thread.ts). On one core these loops are
 * compute-bound (four Montgomery products a row per four columns, about 40 cycles), so each pass splits its rows
 * in two: the main thread copies the columns into a shared WebAssembly.Memory, records the helper's half as one
 * kernel call, runs its own half and waits. `await startExt4Worker()` enables it; browsers and the verifier
 * never load node:worker_threads.
 */
import { setExt4Helper, type Ext4Helper, type SplitExports } from './ext4-wasm.ts';
import { wasmBase64 as sharedWasmBase64 } from './ext4-shared.wasm.ts';
import { SHARED_MAX_PAGES } from './ext4.wat.ts';
import { CONTROL_HEADER, helperSlot, type HelperThread } from './helper-thread.ts';
import { base64Bytes, wasmApi } from './wasm-api.ts';

/** Control words after the header: [call count, then 9 ints per call (fn, 8 args)]. */
const MAX_CALLS = 4;
const CALL_INTS = 9;
const CALLS_AT = CONTROL_HEADER + 1;
/** Kernel functions by index in a recorded call (`fns` in ROUND_SOURCE lists them in this order). */
const FN_DOT_COLUMNS = 0, FN_COMBINE_COLUMNS = 1;

const ROUND_SOURCE = `
const fns = [x.dot_columns, x.combine_columns];
function runRound(ctl) {
  for (let i = 0, calls = ctl[${CONTROL_HEADER}]; i < calls; i++) {
    const o = ${CALLS_AT} + ${CALL_INTS} * i;
    fns[ctl[o]](ctl[o + 1], ctl[o + 2], ctl[o + 3], ctl[o + 4], ctl[o + 5], ctl[o + 6], ctl[o + 7], ctl[o + 8]);
  }
}`;

const slot = helperSlot(
  { name: 'ext4-workers', wasmBase64: sharedWasmBase64, maxPages: SHARED_MAX_PAGES, controlWords: CALLS_AT - CONTROL_HEADER + CALL_INTS * MAX_CALLS, roundSource: ROUND_SOURCE },
  (thread) => setExt4Helper(thread === null ? null : helperApi(thread)),
);

export const ext4WorkerRunning = slot.running;
/** Starts the helper thread (Node only); resolves once it has instantiated the kernel. Idempotent. */
export const startExt4Worker = slot.start;
export const stopExt4Worker = slot.stop;

function helperApi(h: HelperThread): Ext4Helper {
  const ctl = h.control;
  let calls = 0;
  const push = (fn: number, a: number, b: number, c: number, d: number, e: number, f: number, g = 0, i = 0): void => {
    if (calls >= MAX_CALLS) throw new RangeError(`ext4-workers: more than ${MAX_CALLS} calls in one round`);
    const o = CALLS_AT + CALL_INTS * calls++;
    ctl[o] = fn; ctl[o + 1] = a; ctl[o + 2] = b; ctl[o + 3] = c; ctl[o + 4] = d;
    ctl[o + 5] = e; ctl[o + 6] = f; ctl[o + 7] = g; ctl[o + 8] = i;
  };
  const recorder: SplitExports = {
    dot_columns: (w, wStride, points, col, stride, groups, n, out) => push(FN_DOT_COLUMNS, w, wStride, points, col, stride, groups, n, out),
    combine_columns: (acc, col, stride, groups, n, c) => push(FN_COMBINE_COLUMNS, acc, col, stride, groups, n, c),
  };
  // The main thread's own instance of the shared build, on the same memory: its half of every pass.
  const own = new wasmApi!.Instance(new wasmApi!.Module(base64Bytes(sharedWasmBase64)), { env: { memory: h.memory } });
  return {
    memory: h.memory,
    maxBytes: SHARED_MAX_PAGES * 65536,
    x: own.exports as unknown as SplitExports,
    record: () => {
      calls = 0;
      return recorder;
    },
    post: () => {
      ctl[CONTROL_HEADER] = calls;
      h.post();
    },
    awaitDone: h.awaitDone,
  };
}
