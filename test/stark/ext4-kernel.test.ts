/**
 * The extension-field SIMD kernel (kernels/ext4-wasm.ts) against its plain-TS references (fri/packed.ts
 * addScaledBase, referenceDot), bit for bit, including the edge values 0 and p − 1; and BufferPool's contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P } from '../../src/stark/field/babybear.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import { foldCodewordInto, foldOnceInto } from '../../src/stark/fri/fold.ts';
import { addScaledBase, inverseDifferences } from '../../src/stark/fri/packed.ts';
import { BufferPool } from '../../src/stark/fri/pool.ts';
import { combineBaseColumns, dotBaseColumns, dotBaseColumnsAt, ext4HelperPasses, ext4KernelAvailable, inverseDifferencesWithKernel, referenceDot } from '../../src/stark/kernels/ext4-wasm.ts';
import { ext4WorkerRunning, startExt4Worker, stopExt4Worker } from '../../src/stark/kernels/ext4-workers.ts';
import { xorshift as rng, randomField } from '../helpers/random-matrices.ts';

const SEED = 0xe4e4;
console.info(`ext4-kernel.test.ts seed ${SEED.toString(16)}`);

const next = rng(SEED);
const EDGES = [0, 1, P - 1, P - 2];
function field(i: number): number {
  if (i % 7 === 0) return EDGES[(i / 7) % EDGES.length];
  return randomField(next);
}
const column = (n: number): Uint32Array => new Uint32Array(n).map((_, i) => field(i));
const element = (i: number): Ext4 => [field(i), field(i + 1), field(i + 2), field(i + 3)];

const hasKernel = ext4KernelAvailable();
if (!hasKernel) console.warn('ext4-kernel.test.ts: WebAssembly SIMD unavailable, only the reference path is exercised');

describe('ext4 kernel', () => {
  it('is available under Node 20', () => expect(hasKernel).toBe(true));

  for (const n of [8, 16, 64, 4096]) {
    it(`combineBaseColumns equals addScaledBase column by column (n = ${n}, 4-column passes and the rest)`, () => {
      const columns = Array.from({ length: 11 }, (_, c) => (c === 5 ? new Uint32Array(n).fill(P - 1) : column(n)));
      const coeffs: Ext4[] = [
        [P - 1, P - 1, P - 1, P - 1], [0, 0, 0, 0], element(0), element(7), [1, 0, 0, 0], [P - 1, P - 1, P - 1, P - 1],
        element(14), [P - 1, P - 1, P - 1, P - 1], element(21), element(28), [1, 1, 1, 1],
      ];
      const acc = column(4 * n);
      const expected = acc.slice();
      columns.forEach((col, c) => addScaledBase(expected, col, coeffs[c]));
      combineBaseColumns(acc, columns, coeffs);
      expect(acc).toEqual(expected);
    });

    it(`dotBaseColumns equals the reference dot product (n = ${n}, 4-column passes and the rest)`, () => {
      const weights = column(4 * n);
      weights.fill(P - 1, 0, 8); // the largest products first
      // 4-column passes and the rest
      const columns = [column(n), new Uint32Array(n).fill(P - 1), new Uint32Array(n), column(n), column(n), new Uint32Array(n).fill(P - 1), column(n)];
      expect(dotBaseColumns(weights, columns)).toEqual(columns.map((col) => referenceDot(weights, col)));
      const weights2 = column(4 * n);
      expect(dotBaseColumnsAt([weights, weights2], columns)).toEqual([weights, weights2].map((w) => columns.map((col) => referenceDot(w, col))));
    });
  }

  // 2^16 entries span two 2^15-entry chunks of the kernel; 2^4 is the smallest it takes.
  for (const logN of [4, 16]) {
    it(`folds like the scalar binary folds, for every arity, in place too (2^${logN} entries)`, () => {
      // index of the first differing word (−1: equal); toEqual on 2^18-word arrays is slow
      const firstDiff = (a: Uint32Array, b: Uint32Array) => (a.length !== b.length ? -2 : a.findIndex((x, i) => x !== b[i]));
      const values = column(4 << logN);
      const beta: Ext4 = [P - 1, field(3), P - 2, field(5)];
      for (const logArity of [1, 2, 3, 4]) {
        const expected = new Uint32Array(4 << (logN - 1));
        let b = beta;
        foldOnceInto(values, logN, b, expected);
        for (let r = 1; r < logArity; r++) {
          b = ext.square(b);
          foldOnceInto(expected, logN - r, b, expected);
        }
        const size = 4 << (logN - logArity);
        const work = new Uint32Array(4 << (logN - 1));
        expect(firstDiff(foldCodewordInto(values, logN, logArity, beta, work), expected.subarray(0, size))).toBe(-1);
        const aliased = values.slice(); // the FRI prover folds its working buffer into itself
        expect(firstDiff(foldCodewordInto(aliased, logN, logArity, beta, aliased), expected.subarray(0, size))).toBe(-1);
      }
    });
  }

  it('inverseDifferencesWithKernel equals inverseDifferences, and times −x_i when asked', () => {
    const n = 256;
    const xs = column(n); // contains 0, 1, p − 1, p − 2
    for (const z of [element(1), [5, 0, 0, 1] as Ext4, [P - 1, P - 1, P - 1, P - 1] as Ext4]) {
      const reference = inverseDifferences(xs, z);
      const out = new Uint32Array(4 * n);
      expect(inverseDifferencesWithKernel(xs, z, out, false)).toBe(hasKernel);
      if (hasKernel) expect(out).toEqual(reference);
      expect(inverseDifferencesWithKernel(xs, z, out, true)).toBe(hasKernel);
      for (let i = 0; hasKernel && i < n; i++) {
        expect(ext.load(out, i)).toEqual(ext.mulBase(ext.load(reference, i), xs[i] === 0 ? 0 : P - xs[i]));
      }
    }
    // x_i = z: the kernel declines, and the reference throws naming the index
    const z: Ext4 = [xs[9], 0, 0, 0];
    expect(inverseDifferencesWithKernel(xs, z, new Uint32Array(4 * n), false)).toBe(false);
    expect(() => inverseDifferences(xs, z)).toThrow(RangeError);
  });

  it('rejects mismatched shapes', () => {
    expect(() => combineBaseColumns(new Uint32Array(64), [new Uint32Array(15)], [[1, 0, 0, 0]])).toThrow(RangeError);
    expect(() => combineBaseColumns(new Uint32Array(64), [new Uint32Array(16)], [])).toThrow(RangeError);
    expect(() => dotBaseColumns(new Uint32Array(64), [new Uint32Array(8)])).toThrow(RangeError);
  });
});

/**
 * combineBaseColumns and dotBaseColumnsAt (two points) against their references: 21 and 18 columns (a pass of 16,
 * then 5 or 2, padded to whole groups of four).
 */
function compareColumnLoops(n: number): void {
  const columns = Array.from({ length: 21 }, (_, c) => (c === 5 ? new Uint32Array(n).fill(P - 1) : c === 8 ? new Uint32Array(n) : column(n)));
  const coeffs: Ext4[] = columns.map((_, c) => (c % 3 === 0 ? [P - 1, P - 1, P - 1, P - 1] : c === 4 ? [1, 0, 0, 0] : element(7 * c)));
  const acc = column(4 * n);
  const expected = acc.slice();
  columns.forEach((col, c) => addScaledBase(expected, col, coeffs[c]));
  combineBaseColumns(acc, columns, coeffs);
  expect(acc).toEqual(expected);
  const weights = [column(4 * n), column(4 * n)];
  weights[0].fill(P - 1, 0, 8).fill(P - 1, 2 * n, 2 * n + 64); // the largest products, in both halves
  const dotted = columns.slice(0, 18);
  expect(dotBaseColumnsAt(weights, dotted)).toEqual(weights.map((w) => dotted.map((col) => referenceDot(w, col))));
}

describe('ext4 kernel with the helper thread = reference', () => {
  beforeAll(async () => {
    await startExt4Worker();
  });
  afterAll(async () => {
    await stopExt4Worker();
  });

  // 2^12 is the smallest pass the helper takes; 5000 rows split unevenly (2496 + 2504)
  it.each([1 << 12, 5000, 1 << 15])('n = %i: the helper takes half of every pass, every value equal', (n) => {
    expect(ext4WorkerRunning()).toBe(true);
    const before = ext4HelperPasses();
    compareColumnLoops(n);
    expect(ext4HelperPasses() - before).toBe(4); // two passes each
  });

  it('leaves small passes to the main thread', () => {
    const before = ext4HelperPasses();
    compareColumnLoops(2048);
    expect(ext4HelperPasses()).toBe(before);
  });

  it('stops cleanly, after which the main thread runs alone', async () => {
    await stopExt4Worker();
    expect(ext4WorkerRunning()).toBe(false);
    const before = ext4HelperPasses();
    compareColumnLoops(1 << 12);
    expect(ext4HelperPasses()).toBe(before);
  });
});

describe('BufferPool', () => {
  it('hands a given-back buffer out again, best fit within 2×, and tracks ownership', () => {
    const pool = new BufferPool();
    const a = pool.take(1000);
    a.fill(7);
    expect(pool.owns(a)).toBe(true);
    pool.give(a);
    expect(pool.owns(a)).toBe(false);
    expect(() => pool.give(a)).toThrow(/not taken/);
    const small = pool.take(100); // 1000 words would waste more than half: fresh
    expect(small.buffer).not.toBe(a.buffer);
    const b = pool.take(600);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(600);
    expect(pool.takeZeroed(700).every((x) => x === 0)).toBe(true);
    pool.releaseAll();
    expect(pool.owns(b)).toBe(false);
    expect(pool.take(1000).buffer).toBe(a.buffer);

    const arena = new BufferPool(false); // weak loans: give back one by one, no releaseAll
    const c = arena.take(64);
    expect(() => arena.releaseAll()).toThrow(/one by one/);
    arena.give(c);
    expect(arena.take(64).buffer).toBe(c.buffer);
  });
});
