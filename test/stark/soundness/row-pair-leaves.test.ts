// PCS leaves hold two LDE rows (v and v + N/2, interleaved: leafView in pcs.ts), and every matrix of a round
// is viewed so whatever its height. A query reads one half of a leaf; the other half must be bound by the
// same hash (a later or earlier query may read it), in EVERY matrix of a mixed-height round, including the
// short ones injected higher up the tree. Also: a consistent cheater's false value for a short matrix of a
// mixed-height round, and a leaf's halves swapped.
import { describe, expect, it } from 'vitest';
import { P } from '../../../src/stark/field/babybear.ts';
import * as ext from '../../../src/stark/field/ext4.ts';
import { twoAdicGenerator } from '../../../src/stark/field/babybear.ts';
import type { FriParams } from '../../../src/stark/fri/params.ts';
import { pcsCommit, pcsCommitCoeffs, pcsOpen, pcsProveOpenings, pcsVerify } from '../../../src/stark/pcs.ts';
import type { OpenedValues, PcsCommitment, PcsOpenRound, PcsProof, PcsVerifyRound } from '../../../src/stark/pcs.ts';
import { Transcript } from '../../../src/stark/transcript.ts';
import { randomExt, randomMatrix, xorshift } from '../../helpers/random-matrices.ts';
import { rejectionCode } from './reject.ts';

const SEED = 0x7a1f;
const params: FriParams = { logBlowup: 1, numQueries: 12, queryPowBits: 2, logFinalPolyLen: 0, logFoldingArity: 1 };

describe('row-pair leaves, mixed heights', () => {
  const next = xorshift(SEED);
  // Round 0: heights 2^6, 2^1 (the smallest a table can be), 2^3, 2^6; round 1: quotient-like coefficients.
  const evals = [randomMatrix(next, 3, 64), randomMatrix(next, 2, 2), randomMatrix(next, 1, 8), randomMatrix(next, 2, 64)];
  const main = pcsCommit(evals, params);
  const quotient = pcsCommitCoeffs([randomMatrix(next, 4, 8), randomMatrix(next, 4, 2)], [3, 1], params);
  const zeta = randomExt(next);
  const rounds: PcsOpenRound[] = [
    {
      commitment: main,
      points: [[zeta, ext.mulBase(zeta, twoAdicGenerator(6))], [zeta, ext.mulBase(zeta, twoAdicGenerator(1))], [zeta], [zeta]],
    },
    { commitment: quotient, points: [[zeta], [zeta]] },
  ];
  const verifyRounds = (values: OpenedValues[]): PcsVerifyRound[] => [main, quotient].map((c: PcsCommitment, r) => ({
    root: c.root,
    dims: c.ldes.map((m, i) => ({ width: m.width, logTraceHeight: c.logTraceHeights[i] })),
    points: rounds[r].points,
    values: values[r],
  }));
  const { values, proof } = pcsOpen(rounds, new Transcript('row-pair'), params);
  const check = (vs: OpenedValues[], pr: PcsProof) => pcsVerify(verifyRounds(vs), pr, new Transcript('row-pair'), params);
  const withRow = (round: number, q: number, m: number, f: (row: Uint32Array) => void): PcsProof => {
    const inputOpenings = proof.inputOpenings.map((o) => ({ rows: o.rows.map((rs) => rs.map((x) => x.slice())), nodes: o.nodes }));
    f(inputOpenings[round].rows[q][m]);
    return { ...proof, inputOpenings };
  };

  it('control: the honest opening verifies', () => check(values, proof));

  it('either half of any opened leaf of any matrix changed (the unread half too) → merkle-path-mismatch', () => {
    let cases = 0;
    proof.inputOpenings.forEach((o, round) => o.rows.forEach((rows, q) => rows.forEach((_, m) => {
      for (const half of [0, 1]) {
        const bad = withRow(round, q, m, (row) => { row[half] = (row[half] + 1) % P; });
        expect(rejectionCode(() => check(values, bad))).toBe('merkle-path-mismatch');
        cases++;
      }
    })));
    expect(cases).toBeGreaterThan(20);
  });

  it('the two halves of a leaf swapped (rows v and v + N/2 exchanged) → merkle-path-mismatch', () => {
    proof.inputOpenings.forEach((o, round) => o.rows.forEach((rows, q) => rows.forEach((_, m) => {
      const bad = withRow(round, q, m, (row) => {
        for (let c = 0; c < row.length; c += 2) [row[c], row[c + 1]] = [row[c + 1], row[c]];
      });
      expect(rejectionCode(() => check(values, bad))).toBe('merkle-path-mismatch');
    })));
  });

  it('a false value of the 2-row matrix or the 8-row one, claimed by a consistent cheater → FRI rejects', () => {
    for (const [round, m] of [[0, 1], [0, 2], [1, 1]]) {
      const bad = structuredClone(values);
      bad[round][m][0][0] = ext.add(bad[round][m][0][0], ext.ONE);
      const cheat = pcsProveOpenings(rounds, bad, new Transcript('row-pair'), params);
      expect(rejectionCode(() => check(bad, cheat))).toMatch(/^fri-/);
    }
  });
});
