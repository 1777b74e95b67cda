// Mixed-height MMCS: the layout (which matrix sits at which level) comes from the verifier's dims, so an
// opening of a tree where a matrix is short must not verify as if that matrix were tall, or vice versa,
// for any index, single or multi-opening (leaf and node hashing are domain-separated, so an injected
// leaf digest cannot pose as a subtree).
import { describe, expect, it } from 'vitest';
import { merkleCommit, merkleOpen, merkleOpenMany, merkleVerify, merkleVerifyMany } from '../../../src/stark/merkle.ts';
import type { MatrixDims } from '../../../src/stark/merkle.ts';
import { randomMatrix, xorshift } from '../../helpers/random-matrices.ts';
import { rejectionCode } from './reject.ts';

const SEED = 0x4e16;
const next = xorshift(SEED);

describe('MMCS height relabelling', () => {
  const short = randomMatrix(next, 2, 4);
  const tall = randomMatrix(next, 3, 8);
  const tree = merkleCommit([short, tall]);
  const relabelled: MatrixDims[] = [{ width: 2, height: 8 }, { width: 3, height: 8 }]; // short claimed tall

  it('every index: a short matrix\'s opening verified as a tall one → merkle-path-mismatch', () => {
    for (let i = 0; i < 8; i++) {
      const opening = merkleOpen(tree, i);
      merkleVerify(tree.root, [{ width: 2, height: 4 }, { width: 3, height: 8 }], i, opening);
      expect(rejectionCode(() => merkleVerify(tree.root, relabelled, i, opening))).toBe('merkle-path-mismatch');
    }
  });

  it('a tall matrix claimed short (its row injected one level up) → merkle-path-mismatch', () => {
    const both = merkleCommit([randomMatrix(next, 2, 8), randomMatrix(next, 3, 8)]);
    for (let i = 0; i < 8; i++) {
      const opening = merkleOpen(both, i);
      expect(rejectionCode(() => merkleVerify(both.root, [{ width: 2, height: 4 }, { width: 3, height: 8 }], i, opening))).toBe('merkle-path-mismatch');
    }
  });

  it('multi-openings with duplicates: relabelled dims → merkle-path-mismatch', () => {
    const indices = [0, 1, 1, 5, 6];
    const opening = merkleOpenMany(tree, indices);
    merkleVerifyMany(tree.root, [{ width: 2, height: 4 }, { width: 3, height: 8 }], indices, opening);
    expect(rejectionCode(() => merkleVerifyMany(tree.root, relabelled, indices, opening))).toBe('merkle-path-mismatch');
  });

  it('a whole tree of height 4 presented as height 8 (one sibling short) → opening-shape-mismatch', () => {
    const small = merkleCommit([short]);
    expect(rejectionCode(() => merkleVerify(small.root, [{ width: 2, height: 8 }], 3, merkleOpen(small, 3)))).toBe('opening-shape-mismatch');
  });
});
