import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merkleCommit, merkleCommitWith } from '../../src/stark/merkle.ts';
import type { MerkleTree } from '../../src/stark/merkle.ts';
import { fastTreeHasher, wasmTreeHasher } from '../../src/stark/kernels/blake3-wasm.ts';
import { hashWorkerRounds, hashWorkerRunning, parallelTreeHasher, startHashWorker, stopHashWorker } from '../../src/stark/kernels/blake3-workers.ts';
import { randomMatrix, xorshift } from '../helpers/random-matrices.ts';

const SEED = 0x3e11;
const next = xorshift(SEED);
console.log(`blake3 worker tests: seed ${SEED}`);

function expectSameTree(a: MerkleTree, b: MerkleTree, what: string): void {
  expect(a.root, what).toEqual(b.root);
  a.levels.forEach((level, l) => {
    const i = level.findIndex((x, k) => x !== b.levels[l][k]);
    if (i >= 0 || level.length !== b.levels[l].length) expect.fail(`${what}: level ${l + 1} differs at byte ${i}`);
  });
}

describe('two-thread Merkle hashing (Node helper thread)', () => {
  beforeAll(async () => {
    await startHashWorker();
  });
  afterAll(async () => {
    await stopHashWorker();
  });

  it('is installed as merkleCommit’s hasher while running', () => {
    expect(hashWorkerRunning()).toBe(true);
    expect(fastTreeHasher()).toBe(parallelTreeHasher);
  });

  // several helper rounds (wide rows make small batches), multi-chunk rows posted in parts, injected levels
  const SHAPES: [number, number][][] = [
    [[16, 1 << 14]],
    [[300, 1 << 13], [5, 1 << 12], [40, 1 << 11]],
    [[2300, 1 << 11]],
    [[3, 1 << 12], [17, 1 << 12], [1, 4]],
    [[8, 1 << 11], [2, 1 << 3]],
  ];
  it.each(SHAPES.map((s) => [s.map(([w, h]) => `${w}×${h}`).join(', '), s] as const))('%s: same tree as one thread', (name, shape) => {
    const ms = shape.map(([w, h]) => randomMatrix(next, w, h));
    const rounds = hashWorkerRounds();
    expectSameTree(merkleCommit(ms), merkleCommitWith(ms, wasmTreeHasher), name);
    expect(hashWorkerRounds()).toBeGreaterThan(rounds); // the helper really hashed part of it
  });

  it('stops cleanly, after which merkleCommit uses one thread again', async () => {
    await stopHashWorker();
    expect(hashWorkerRunning()).toBe(false);
    expect(fastTreeHasher()).toBe(wasmTreeHasher);
    const ms = [randomMatrix(next, 4, 1 << 11)];
    expectSameTree(merkleCommit(ms), merkleCommitWith(ms, wasmTreeHasher), 'after stop');
    await startHashWorker(); // restart works too
    expectSameTree(merkleCommit(ms), merkleCommitWith(ms, wasmTreeHasher), 'after restart');
  });
});
