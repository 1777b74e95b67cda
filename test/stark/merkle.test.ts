import { describe, expect, it } from 'vitest';
import { P } from '../../src/stark/field/babybear.ts';
import { hashLeaf, hashNode } from '../../src/stark/hash.ts';
import type { Digest } from '../../src/stark/hash.ts';
import { VerifyError } from '../../src/stark/errors.ts';
import type { VerifyErrorCode } from '../../src/stark/errors.ts';
import { row } from '../../src/stark/matrix.ts';
import type { Matrix } from '../../src/stark/matrix.ts';
import {
  FUSED_LEVELS,
  merkleCommit,
  merkleCommitWith,
  merkleOpen,
  merkleOpenMany,
  merkleVerify,
  merkleVerifyMany,
  referenceTreeHasher,
} from '../../src/stark/merkle.ts';
import type { MatrixDims, MerkleMultiOpening, MerkleOpening } from '../../src/stark/merkle.ts';
import { randomMatrix, xorshift } from '../helpers/random-matrices.ts';

const SEED = 0x5eed;
const next = xorshift(SEED);
console.log(`merkle tests: seed ${SEED}`);

/** The MMCS straight from docs/stark.md, recursively: an oracle independent of the level-by-level builder. */
function oracleRoot(ms: Matrix[]): Digest {
  const maxH = Math.max(...ms.map((m) => m.height));
  const rowsAt = (h: number, i: number) => {
    const parts = ms.filter((m) => m.height === h).map((m) => [...row(m, i)]);
    return parts.length === 0 ? null : Uint32Array.from(parts.flat());
  };
  const node = (size: number, i: number): Digest => {
    if (size === maxH) return hashLeaf(rowsAt(size, i)!);
    const base = hashNode(node(size * 2, 2 * i), node(size * 2, 2 * i + 1));
    const injected = rowsAt(size, i);
    return injected ? hashNode(base, hashLeaf(injected)) : base;
  };
  return node(1, 0);
}

const dimsOf = (ms: Matrix[]): MatrixDims[] => ms.map(({ width, height }) => ({ width, height }));

function expectVerifyError(f: () => void, code: VerifyErrorCode): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code).toBe(code);
    return;
  }
  expect.fail(`expected VerifyError ${code}, nothing was thrown`);
}

const clone = (o: MerkleOpening): MerkleOpening => ({ rows: o.rows.map((r) => r.slice()), siblings: o.siblings.map((s) => s.slice()) });
const cloneMany = (o: MerkleMultiOpening): MerkleMultiOpening => ({
  rows: o.rows.map((rs) => rs.map((r) => r.slice())),
  nodes: o.nodes.map((n) => n.slice()),
});

// [width, height] per matrix, in commit order: mixed heights, equal heights, smaller before taller, height 1.
const SHAPES: [number, number][][] = [
  [[3, 1]],
  [[1, 2]],
  [[5, 8]],
  [[2, 16], [3, 16]],
  [[4, 4], [2, 16], [1, 8], [3, 16], [2, 4]],
  [[1, 1], [7, 32], [2, 2]],
  [[20, 64], [17, 8], [1, 64], [9, 1], [300, 16]],
];
const SETS = SHAPES.map((shape) => shape.map(([w, h]) => randomMatrix(next, w, h)));

describe('merkleCommit (mixed heights)', () => {
  it.each(SETS.map((ms, i) => [i, ms] as const))('set %i: root equals the recursive oracle', (_, ms) => {
    const tree = merkleCommit(ms);
    expect(tree.root).toEqual(oracleRoot(ms));
    expect(merkleCommitWith(ms, referenceTreeHasher).root).toEqual(tree.root);
  });

  it('rejects no matrices, non-power-of-two heights and inconsistent matrices', () => {
    expect(() => merkleCommit([])).toThrow(RangeError);
    expect(() => merkleCommit([randomMatrix(next, 2, 3)])).toThrow(RangeError);
    expect(() => merkleCommit([{ width: 2, height: 4, values: new Uint32Array(7) }])).toThrow(RangeError);
  });

  it('the commitment depends on the commit order of equal-height matrices', () => {
    const [a, b] = SETS[3];
    expect(merkleCommit([a, b]).root).not.toEqual(merkleCommit([b, a]).root);
  });
});

describe('single openings', () => {
  it.each(SETS.map((ms, i) => [i, ms] as const))('set %i: every index opens and verifies', (_, ms) => {
    const tree = merkleCommit(ms);
    const maxH = 1 << tree.logMaxHeight;
    for (let i = 0; i < maxH; i++) {
      const opening = merkleOpen(tree, i);
      ms.forEach((m, k) => expect(opening.rows[k]).toEqual(row(m, i >> (tree.logMaxHeight - Math.log2(m.height)))));
      expect(opening.siblings.length).toBe(tree.logMaxHeight);
      merkleVerify(tree.root, dimsOf(ms), i, opening);
    }
  });

  const ms = SETS[4];
  const tree = merkleCommit(ms);
  const dims = dimsOf(ms);
  const index = 5;
  const honest = merkleOpen(tree, index);

  it('rejects a changed value in any matrix row', () => {
    for (let k = 0; k < ms.length; k++) {
      const o = clone(honest);
      o.rows[k][0] = (o.rows[k][0] + 1) % P;
      expectVerifyError(() => merkleVerify(tree.root, dims, index, o), 'merkle-path-mismatch');
    }
  });

  it('rejects a changed bit in any sibling', () => {
    for (let l = 0; l < honest.siblings.length; l++) {
      const o = clone(honest);
      o.siblings[l][l % 32] ^= 0x10;
      expectVerifyError(() => merkleVerify(tree.root, dims, index, o), 'merkle-path-mismatch');
    }
  });

  it('rejects the opening under another index, a wrong root, and wrong dims', () => {
    expectVerifyError(() => merkleVerify(tree.root, dims, index ^ 1, honest), 'merkle-path-mismatch');
    expectVerifyError(() => merkleVerify(tree.root, dims, index ^ 4, honest), 'merkle-path-mismatch');
    expectVerifyError(() => merkleVerify(merkleCommit(SETS[3]).root, dims, index, honest), 'merkle-path-mismatch');
    // a smaller matrix declared twice as tall is hashed in at another level
    const taller = dims.map((d, k) => (k === 0 ? { ...d, height: 8 } : d));
    expectVerifyError(() => merkleVerify(tree.root, taller, index, honest), 'merkle-path-mismatch');
    const wider = dims.map((d, k) => (k === 1 ? { ...d, width: d.width + 1 } : d));
    expectVerifyError(() => merkleVerify(tree.root, wider, index, honest), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerify(tree.root, dims.slice(1), index, honest), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerify(tree.root, [{ width: 1, height: 3 }], 0, honest), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerify(tree.root, [], 0, honest), 'opening-shape-mismatch');
  });

  it('rejects out-of-range indices, missing or extra siblings, short digests and non-canonical values', () => {
    for (const bad of [-1, 16, 1.5, NaN]) expectVerifyError(() => merkleVerify(tree.root, dims, bad, honest), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerify(tree.root, dims, index, { ...honest, siblings: honest.siblings.slice(1) }), 'opening-shape-mismatch');
    const extra = { ...honest, siblings: [...honest.siblings, honest.siblings[0]] };
    expectVerifyError(() => merkleVerify(tree.root, dims, index, extra), 'opening-shape-mismatch');
    const short = clone(honest);
    short.siblings[2] = short.siblings[2].subarray(0, 31);
    expectVerifyError(() => merkleVerify(tree.root, dims, index, short), 'opening-shape-mismatch');
    const big = clone(honest);
    big.rows[1][0] += P; // same residue, other encoding: must not be accepted as a field element
    expectVerifyError(() => merkleVerify(tree.root, dims, index, big), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerify(tree.root, dims, index, { ...honest, rows: honest.rows.slice(1) }), 'opening-shape-mismatch');
  });
});

describe('fused low levels (not stored, rehashed per opened block)', () => {
  // taller than 2^FUSED_LEVELS; smaller matrices injected inside, at and above the fused levels
  const FUSED_SHAPES: [number, number][][] = [
    [[16, 1 << 9]],
    [[5, 1 << 10], [3, 1 << 8], [2, 1 << 3]],
    [[7, 1 << 9], [4, 1 << 9 - FUSED_LEVELS], [1, 1]],
    [[33, 1 << 8], [2, 1 << 8]],
  ];
  it.each(FUSED_SHAPES.map((s) => [s.map(([w, h]) => `${w}×${h}`).join(', '), s] as const))('%s: same root and openings as a tree storing every level', (_, shape) => {
    const ms = shape.map(([w, h]) => randomMatrix(next, w, h));
    const fused = merkleCommit(ms);
    const unfused = merkleCommitWith(ms, referenceTreeHasher, 1);
    expect(unfused.storedFrom).toBe(1);
    expect(fused.root).toEqual(oracleRoot(ms));
    expect(fused.root).toEqual(unfused.root);
    const maxH = 1 << fused.logMaxHeight;
    const indices = [0, maxH - 1, ...Array.from({ length: 8 }, () => next() % maxH)];
    expect(merkleOpenMany(fused, indices)).toEqual(merkleOpenMany(unfused, indices));
    for (const i of indices.slice(0, 4)) expect(merkleOpen(fused, i)).toEqual(merkleOpen(unfused, i));
    merkleVerifyMany(fused.root, dimsOf(ms), indices, merkleOpenMany(fused, indices));
  });

  it('fuses FUSED_LEVELS levels when nothing is injected below them, fewer otherwise', () => {
    expect(merkleCommit([randomMatrix(next, 2, 1 << 9)]).storedFrom).toBe(FUSED_LEVELS);
    expect(merkleCommit([randomMatrix(next, 2, 1 << 9), randomMatrix(next, 1, 1 << 7)]).storedFrom).toBe(2);
    expect(merkleCommit([randomMatrix(next, 2, 8)]).storedFrom).toBe(3);
    expect(merkleCommit([randomMatrix(next, 2, 1)]).storedFrom).toBe(0);
  });
});

describe('compact multi-openings', () => {
  it.each(SETS.map((ms, i) => [i, ms] as const))('set %i: rows equal single openings; verifies; sends fewer nodes', (_, ms) => {
    const tree = merkleCommit(ms);
    const maxH = 1 << tree.logMaxHeight;
    const indices = Array.from({ length: 6 }, () => next() % maxH);
    indices.push(indices[0]); // duplicates are allowed
    const multi = merkleOpenMany(tree, indices);
    indices.forEach((i, q) => expect(multi.rows[q]).toEqual(merkleOpen(tree, i).rows));
    expect(multi.nodes.length).toBeLessThanOrEqual(new Set(indices).size * tree.logMaxHeight);
    merkleVerifyMany(tree.root, dimsOf(ms), indices, multi);
  });

  it('omits every node the verifier can compute (hand-counted cases)', () => {
    const tree = merkleCommit([randomMatrix(next, 2, 8)]);
    expect(merkleOpenMany(tree, [0, 1]).nodes.length).toBe(2); // level 0: none; levels 1, 2: one each
    expect(merkleOpenMany(tree, [0, 1, 2, 3]).nodes.length).toBe(1);
    expect(merkleOpenMany(tree, [...Array(8).keys()]).nodes.length).toBe(0);
    expect(merkleOpenMany(tree, [0, 7]).nodes.length).toBe(4);
    const siblingsOfSix = merkleOpen(tree, 6).siblings;
    expect(merkleOpenMany(tree, [6, 6]).nodes).toEqual(siblingsOfSix);
  });

  const ms = SETS[4];
  const tree = merkleCommit(ms);
  const dims = dimsOf(ms);
  const indices = [9, 2, 3, 9, 14];
  const honest = merkleOpenMany(tree, indices);

  it('rejects any changed node, row value, index or root', () => {
    merkleVerifyMany(tree.root, dims, indices, honest);
    for (let k = 0; k < honest.nodes.length; k++) {
      const o = cloneMany(honest);
      o.nodes[k][3] ^= 1;
      expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, o), 'merkle-path-mismatch');
    }
    for (let q = 0; q < indices.length; q++) {
      for (let m = 0; m < ms.length; m++) {
        const o = cloneMany(honest);
        o.rows[q][m][o.rows[q][m].length - 1] ^= 1;
        expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, o), 'merkle-path-mismatch');
      }
    }
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, [8, 2, 3, 8, 14], honest), 'merkle-path-mismatch');
    expectVerifyError(() => merkleVerifyMany(merkleCommit(SETS[3]).root, dims, indices, honest), 'merkle-path-mismatch');
  });

  it('rejects missing, extra or short nodes, and row lists that do not match the indices', () => {
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, { ...honest, nodes: honest.nodes.slice(1) }), 'opening-shape-mismatch');
    const extra = { ...honest, nodes: [...honest.nodes, honest.nodes[0]] };
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, extra), 'opening-shape-mismatch');
    const short = cloneMany(honest);
    short.nodes[0] = short.nodes[0].subarray(1);
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, short), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices.slice(1), honest), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, [], { rows: [], nodes: [] }), 'opening-shape-mismatch');
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, [16, ...indices.slice(1)], honest), 'opening-shape-mismatch');
  });

  it('rejects a duplicate query whose copy of the row differs (only one copy is hashed)', () => {
    const o = cloneMany(honest);
    o.rows[3][1][0] = (o.rows[3][1][0] + 1) % P; // indices[3] === indices[0] === 9
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, o), 'merkle-path-mismatch');
  });

  it('rejects two queries that share a smaller matrix row but disagree on it', () => {
    // 2 and 3 share row 0 of the height-4 matrices (2 >> 2 === 3 >> 2); change it in query 2's copy only
    const o = cloneMany(honest);
    o.rows[2][0][0] = (o.rows[2][0][0] + 1) % P;
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, o), 'merkle-path-mismatch');
    const o2 = cloneMany(honest);
    o2.rows[1][4][1] = (o2.rows[1][4][1] + 1) % P;
    expectVerifyError(() => merkleVerifyMany(tree.root, dims, indices, o2), 'merkle-path-mismatch');
  });
});
