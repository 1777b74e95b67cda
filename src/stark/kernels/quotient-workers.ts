/**
 * Optional, Node only: the quotient evaluation on the main thread plus one helper worker_thread (2 cores,
 * helper-thread.ts). The helper runs the quotient kernel on a shared WebAssembly.Memory and only replays the
 * kernel calls of one chunk, recorded by the main thread once per evaluation, on each chunk of a round whose
 * inputs the main thread copied there; so all the logic stays in quotient-wasm.ts and the prover stays
 * synchronous. `await startQuotientWorker()` enables it; browsers and the verifier never load node:worker_threads.
 */
import { setQuotientHelper, type QuotientExports, type QuotientHelper } from './quotient-wasm.ts';
import { wasmBase64 as sharedWasmBase64 } from './quotient-shared.wasm.ts';
import { SHARED_MAX_PAGES } from './quotient.wat.ts';
import { CONTROL_HEADER, helperSlot, type HelperThread } from './helper-thread.ts';

/**
 * Control words after the header: [area count, call count, MAX_AREAS area offsets, then 9 ints per call (fn,
 * 8 args)]. The calls are one chunk's, their pointers relative to an area.
 */
const MAX_CALLS = 4096;
const MAX_AREAS = 16;
const CALL_INTS = 9;
const CALLS_AT = CONTROL_HEADER + 2 + MAX_AREAS;
/** Kernel functions by index in a recorded call (`fns` in ROUND_SOURCE lists them in this order). */
const FN_TO_MONT = 0, FN_MUL = 1, FN_ADD = 2, FN_SUB = 3, FN_NEG = 4, FN_ACC4 = 5, FN_ACC1 = 6, FN_FINISH = 7, FN_EMUL = 8, FN_COPY = 9;

const ROUND_SOURCE = `
const fns = [x.to_mont, x.mul, x.add, x.sub, x.neg, x.acc4, x.acc1, x.finish, x.emul, x.copy];
// how many leading arguments of each function are pointers (the rest: row count, stride)
const pointers = [1, 3, 3, 3, 2, 6, 3, 3, 3, 2];
function runRound(ctl) {
  for (let a = 0, areas = ctl[${CONTROL_HEADER}], calls = ctl[${CONTROL_HEADER + 1}]; a < areas; a++) {
    const base = ctl[${CONTROL_HEADER + 2} + a];
    for (let i = 0; i < calls; i++) {
      const o = ${CALLS_AT} + ${CALL_INTS} * i;
      const f = ctl[o], k = pointers[f];
      const s = (j) => (j <= k ? base : 0);
      fns[f](ctl[o + 1] + s(1), ctl[o + 2] + s(2), ctl[o + 3] + s(3), ctl[o + 4] + s(4), ctl[o + 5] + s(5), ctl[o + 6] + s(6), ctl[o + 7], ctl[o + 8]);
    }
  }
}`;

const slot = helperSlot(
  { name: 'quotient-workers', wasmBase64: sharedWasmBase64, maxPages: SHARED_MAX_PAGES, controlWords: CALLS_AT - CONTROL_HEADER + CALL_INTS * MAX_CALLS, roundSource: ROUND_SOURCE },
  (thread) => setQuotientHelper(thread === null ? null : helperApi(thread)),
);

export const quotientWorkerRunning = slot.running;
/** Starts the helper thread (Node only); resolves once it has instantiated the kernel. Idempotent. */
export const startQuotientWorker = slot.start;
export const stopQuotientWorker = slot.stop;

function helperApi(h: HelperThread): QuotientHelper {
  const ctl = h.control;
  let calls = 0;
  const push = (fn: number, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, i = 0): void => {
    if (calls >= MAX_CALLS) throw new RangeError(`quotient-workers: more than ${MAX_CALLS} calls in one chunk`);
    const o = CALLS_AT + CALL_INTS * calls++;
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
      calls = 0;
      return recorder;
    },
    post: (areas) => {
      if (areas.length > MAX_AREAS) throw new RangeError(`quotient-workers: more than ${MAX_AREAS} areas in one round`);
      ctl[CONTROL_HEADER] = areas.length;
      ctl[CONTROL_HEADER + 1] = calls;
      ctl.set(areas, CONTROL_HEADER + 2);
      h.post();
    },
    done: h.done,
    awaitDone: h.awaitDone,
  };
}
