// LogUp's auxiliary trace against a row-by-row reference written with the scalar F_p^4 operations: every
// column h_g = Σ m/(α − (bus + Σ γ^{j+1}·f_j)) and the running sum, for arities 1 to 70 (longer than one
// unreduced sum) and paired and single groups; with two repetitions, each column block against the reference
// under its own challenges. Both paths (the wasm kernel of kernels/quotient-logup.ts and the TS lanes), and the
// kernel against the TS lanes on several chunks with edge values (0, 1, p − 1) in the trace and the challenges.
import { describe, expect, it } from 'vitest';
import type { Air } from '../../src/stark/air.ts';
import { buildTableSystem } from '../../src/stark/constraint-system.ts';
import { generateAuxTrace } from '../../src/stark/lookup.ts';
import { logupChunkKernel } from '../../src/stark/kernels/quotient-logup.ts';
import { P } from '../../src/stark/field/babybear.ts';
import { traceNextRows, traceSelectors } from '../../src/stark/builders/selectors.ts';
import type { RowEnv } from '../../src/stark/builders/rows.ts';
import * as E from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { matrix, type Matrix } from '../../src/stark/matrix.ts';
import { fieldRng, testSeed } from '../helpers/naive-dft.ts';

const ARITIES = [1, 3, 2, 70, 5];
const WIDTH = 1 + Math.max(...ARITIES) + 1;

/** Column 0 is a multiplicity, columns 1.. are fields; interaction k sends next-row fields when k is odd. */
const air: Air = {
  name: 'lookup-reference',
  mainWidth: WIDTH,
  preprocessedWidth: 0,
  numPublicValues: 0,
  eval(b) {
    const { local, next } = b.main();
    ARITIES.forEach((arity, k) => {
      const row = k % 2 === 1 ? next : local;
      const fields = Array.from({ length: arity }, (_, j) => row[1 + j].add(k));
      if (k === 2) b.receive(7, fields, local[0].mul(local[WIDTH - 1]));
      else b.send(k + 1, fields, local[0]);
    });
  },
};

function referenceAux(trace: Matrix, alpha: Ext4, gamma: Ext4, groups: readonly number[][]): { columns: Ext4[][]; claimedSum: Ext4 } {
  const n = trace.height;
  const at = (c: number, r: number) => trace.values[c * n + r];
  const columns: Ext4[][] = groups.map(() => []);
  const running: Ext4[] = [];
  let acc: Ext4 = E.ZERO;
  for (let r = 0; r < n; r++) {
    const fraction = (k: number): Ext4 => {
      const row = k % 2 === 1 ? (r + 1) % n : r;
      let combined: Ext4 = E.fromBase(k === 2 ? 7 : k + 1);
      let g = gamma;
      for (let j = 0; j < ARITIES[k]; j++) {
        combined = E.add(combined, E.mulBase(g, (at(1 + j, row) + k) % 0x78000001));
        g = E.mul(g, gamma);
      }
      const m = k === 2 ? E.neg(E.fromBase(Number((BigInt(at(0, r)) * BigInt(at(WIDTH - 1, r))) % 0x78000001n))) : E.fromBase(at(0, r));
      return E.mul(m, E.inv(E.sub(alpha, combined)));
    };
    groups.forEach((g, col) => {
      const h = g.map(fraction).reduce((x, y) => E.add(x, y), E.ZERO);
      columns[col].push(h);
      acc = E.add(acc, h);
    });
    running.push(acc);
  }
  columns.push(running);
  return { columns, claimedSum: acc };
}

describe('LogUp auxiliary trace', () => {
  const rng = fieldRng(testSeed('lookup.test.ts', 1));
  const logN = 5;
  const n = 1 << logN;
  const trace = matrix(WIDTH, n, Uint32Array.from({ length: WIDTH * n }, () => rng.next()));
  const system = buildTableSystem(air, 1);
  const env = (challenges: Ext4[]): RowEnv => ({
    length: n, main: trace, prep: null, aux: null, nextRow: traceNextRows(n), selectors: traceSelectors(logN),
    publicValues: [], challenges, claimedSums: [],
  });
  const randomExt = (): Ext4 => [rng.next(), rng.next(), rng.next(), rng.next()];

  it.each([
    [1, 'kernel'], [2, 'kernel'], [3, 'kernel'], [1, 'TS'], [2, 'TS'], [3, 'TS'],
  ] as const)('matches the row-by-row reference in every cell (%i repetitions, %s path)', (R, path) => {
    const challenges = Array.from({ length: 2 * R }, randomExt); // [α_0, γ_0, α_1, γ_1, …]
    expect(system.groups.some((g) => g.length === 2) && system.groups.some((g) => g.length === 1)).toBe(true);
    const { aux, claimedSums } = generateAuxTrace(system.interactions, system.groups, R, env(challenges), path === 'kernel');
    const block = system.groups.length + 1;
    expect(aux.width).toBe(4 * R * block);
    expect(claimedSums.length).toBe(R);
    let wrong = 0;
    for (let rep = 0; rep < R; rep++) {
      const expected = referenceAux(trace, challenges[2 * rep], challenges[2 * rep + 1], system.groups);
      expect(claimedSums[rep]).toEqual(expected.claimedSum);
      expected.columns.forEach((col, g) => {
        for (let r = 0; r < n; r++) {
          const got = [0, 1, 2, 3].map((c) => aux.values[(4 * (rep * block + g) + c) * n + r]);
          if (!E.equals(got as unknown as Ext4, col[r])) wrong++;
        }
      });
    }
    expect(wrong).toBe(0);
  });

  it.each([true, false])('refuses a challenge α equal to some message instead of dividing by zero (kernel: %s)', (useKernel) => {
    const gamma: Ext4 = [0, 0, 0, 0];
    // With γ = 0 every message of interaction 0 is α − 1; α = 1 makes it zero.
    expect(() => generateAuxTrace(system.interactions, system.groups, 1, env([E.ONE, gamma]), useKernel)).toThrow(/message is zero/);
    // The same collision in the second repetition only is refused too.
    expect(() => generateAuxTrace(system.interactions, system.groups, 2, env([randomExt(), randomExt(), E.ONE, gamma]), useKernel)).toThrow(/message is zero/);
  });

  it('the kernel applies to heights that are multiples of 8 only', () => {
    const kernelFor = (rows: number) => logupChunkKernel([1], [3], [[0]], [randomExt()], [randomExt()], rows);
    expect(kernelFor(32)).not.toBeNull();
    expect(kernelFor(4)).toBeNull();
  });

  it.each([
    [1, 12, 'random'], [2, 12, 'random'], [2, 11, 0], [1, 11, 1], [2, 10, P - 1], [1, 1, 'random'], [2, 2, 'random'],
  ] as const)('kernel = TS lanes, %i repetitions, 2^%i rows, trace %s, edge-valued challenges', (R, logRows, fill) => {
    const rows = 1 << logRows;
    const edge = [0, 1, P - 1];
    const cell = (): number => (fill !== 'random' ? fill : rng.next() % 4 === 0 ? edge[rng.next() % 3] : rng.next());
    const big = matrix(WIDTH, rows, Uint32Array.from({ length: WIDTH * rows }, cell));
    // α random (a message is zero with negligible probability); γ with edge coordinates
    const challenges = Array.from({ length: 2 * R }, (_, i): Ext4 => (i % 2 === 0 ? randomExt() : [edge[i % 3], P - 1, 1, rng.next()]));
    const bigEnv: RowEnv = {
      length: rows, main: big, prep: null, aux: null, nextRow: traceNextRows(rows), selectors: traceSelectors(logRows),
      publicValues: [], challenges, claimedSums: [],
    };
    const got = generateAuxTrace(system.interactions, system.groups, R, bigEnv, true);
    const want = generateAuxTrace(system.interactions, system.groups, R, bigEnv, false);
    expect(got.claimedSums).toEqual(want.claimedSums);
    const i = got.aux.values.findIndex((x, j) => x !== want.aux.values[j]);
    expect(i).toBe(-1);
  });

  it('refuses fewer challenges than the repetitions need', () => {
    expect(() => generateAuxTrace(system.interactions, system.groups, 2, env([randomExt(), randomExt()]))).toThrow(/need 4 challenges/);
  });
});
