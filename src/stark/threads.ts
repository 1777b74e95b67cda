/**
 * The prover's helper threads, Node only: one NTT worker, one BLAKE3 worker, one quotient worker and one
 * extension-field worker, each sharing a WebAssembly.Memory with the main thread and idle (blocked in
 * Atomics.wait) between jobs. With them a 2-core machine runs the LDEs, Merkle hashing, constraint evaluation
 * and the PCS opening's column loops (combination, barycentric evaluation) on both cores; proofs are
 * byte-identical with or without them, and the verifier never needs them. Each module imports
 * node:worker_threads dynamically, so importing this file is safe in a browser bundle (starting is not).
 */
import { startNttWorkers, stopNttWorkers } from './ntt.ts';
import { startHashWorker, stopHashWorker } from './kernels/blake3-workers.ts';
import { startQuotientWorker, stopQuotientWorker } from './kernels/quotient-workers.ts';
import { startExt4Worker, stopExt4Worker } from './kernels/ext4-workers.ts';

/** Helper threads per kind: the jobs are split in two, main thread and one helper (measured best on 2 cores). */
const HELPERS = 1;

/** Starts every helper thread; idempotent. Rejects (after stopping any that started) where threads are unavailable. */
export async function startProverThreads(): Promise<void> {
  try {
    await Promise.all([startNttWorkers(HELPERS), startHashWorker(), startQuotientWorker(), startExt4Worker()]);
  } catch (e) {
    await stopProverThreads();
    throw e;
  }
}

/** Stops them; the prover goes on single-threaded (same proofs). */
export async function stopProverThreads(): Promise<void> {
  await Promise.all([stopNttWorkers(), stopHashWorker(), stopQuotientWorker(), stopExt4Worker()]);
}
