import { afterAll, describe, expect, it } from 'vitest';
import { prove, setup, startProverThreads, stopProverThreads, verify, writeProof } from '../../src/stark/index.ts';
import { hashWorkerRounds, hashWorkerRunning } from '../../src/stark/kernels/blake3-workers.ts';
import { quotientWorkerRunning } from '../../src/stark/kernels/quotient-workers.ts';
import { TEST_PARAMS_TWO_REPETITIONS, benchmarkSystem, rangeCheckSystem, type TestSystem } from '../helpers/test-airs.ts';
import { TEST_PARAMS_INSECURE, type StarkParams } from '../../src/stark/params.ts';

function proofBytes(sys: TestSystem, params: StarkParams): Uint8Array {
  const { provingKey, verifyingKey } = setup(sys.airs, sys.preprocessed, params);
  const proof = prove(provingKey, sys.traces, sys.publicValues);
  verify(verifyingKey, proof, sys.publicValues, { minSecurityBits: 0 });
  return writeProof(proof);
}

describe('startProverThreads', () => {
  afterAll(stopProverThreads);

  it('gives byte-identical proofs with and without the helper threads', async () => {
    const cases: [TestSystem, StarkParams][] = [
      [benchmarkSystem(13), TEST_PARAMS_INSECURE],
      [rangeCheckSystem(12), TEST_PARAMS_TWO_REPETITIONS],
    ];
    const alone = cases.map(([sys, params]) => proofBytes(sys, params));
    await startProverThreads();
    await startProverThreads(); // starting twice is harmless
    expect(hashWorkerRunning()).toBe(true);
    expect(quotientWorkerRunning()).toBe(true);
    const rounds = hashWorkerRounds();
    const threaded = cases.map(([sys, params]) => proofBytes(sys, params));
    expect(hashWorkerRounds()).toBeGreaterThan(rounds); // the hash helper really took part
    threaded.forEach((bytes, i) => expect(Buffer.compare(bytes, alone[i])).toBe(0));
    await stopProverThreads();
    expect(quotientWorkerRunning()).toBe(false);
    expect(hashWorkerRunning()).toBe(false);
    expect(Buffer.compare(proofBytes(...cases[0]), alone[0])).toBe(0);
  }, 120_000);
});
