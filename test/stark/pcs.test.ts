/**
 * PCS: open/verify round trips over mixed heights, several points per matrix and several rounds
 * (evaluations and coefficient commitments); the row-pair leaf layout; opened values are checked against a direct evaluation;
 * wrong claimed values are rejected; the proof encoding is strict.
 */
import { describe, expect, it } from 'vitest';
import { P, GENERATOR, mul, pow, twoAdicGenerator } from '../../src/stark/field/babybear.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { bitReverse } from '../../src/stark/matrix.ts';
import { intt } from '../../src/stark/ntt.ts';
import { merkleCommit } from '../../src/stark/merkle.ts';
import { Transcript } from '../../src/stark/transcript.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../src/stark/codec.ts';
import { VerifyError } from '../../src/stark/errors.ts';
import type { FriParams } from '../../src/stark/fri/params.ts';
import { pcsCommit, pcsCommitCoeffs, pcsEvaluate, pcsOpen, pcsProveOpenings, pcsVerify, readPcsProof, writePcsProof } from '../../src/stark/pcs.ts';
import type { OpenedValues, PcsCommitment, PcsOpenRound, PcsProof, PcsVerifyRound } from '../../src/stark/pcs.ts';
import { xorshift as rng, randomExt, randomMatrix } from '../helpers/random-matrices.ts';

const SEED = 0x9c5;
console.info(`pcs.test.ts seed ${SEED.toString(16)}`);

/** Horner evaluation of a coefficient column at an extension point: the oracle for opened values. */
function evalCoeffs(coeffs: Uint32Array, z: Ext4): Ext4 {
  let acc: Ext4 = ext.ZERO;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = ext.add(ext.mul(acc, z), ext.fromBase(coeffs[i]));
  return acc;
}

const params: FriParams = { logBlowup: 2, numQueries: 10, queryPowBits: 8, logFinalPolyLen: 1, logFoldingArity: 2 };

function verifyRounds(commitments: PcsCommitment[], rounds: PcsOpenRound[], values: OpenedValues[]): PcsVerifyRound[] {
  return commitments.map((c, r) => ({
    root: c.root,
    dims: c.ldes.map((m, i) => ({ width: m.width, logTraceHeight: c.logTraceHeights[i] })),
    points: rounds[r].points,
    values: values[r],
  }));
}

function expectCode(f: () => void, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code, (e as Error).message).toBe(code);
    return;
  }
  expect.unreachable(`expected VerifyError ${code}`);
}

describe('PCS', () => {
  const next = rng(SEED);
  // Round 0: evaluation matrices of heights 2^7, 2^4, 2^7, 2^5; round 1: coefficient matrices (like quotient chunks).
  const evals = [randomMatrix(next, 3, 128), randomMatrix(next, 2, 16), randomMatrix(next, 1, 128), randomMatrix(next, 4, 32)];
  const coeffs = [randomMatrix(next, 8, 64), randomMatrix(next, 4, 16)];
  const main = pcsCommit(evals, params);
  const quotient = pcsCommitCoeffs(coeffs, [6, 4], params);
  const zeta = randomExt(next);
  const next7 = ext.mulBase(zeta, twoAdicGenerator(7));
  const rounds: PcsOpenRound[] = [
    { commitment: main, points: [[zeta, next7], [zeta], [zeta, next7, randomExt(next)], [zeta, ext.mulBase(zeta, twoAdicGenerator(5))]] },
    { commitment: quotient, points: [[zeta], [zeta, randomExt(next)]] },
  ];
  const { values, proof } = pcsOpen(rounds, new Transcript('pcs-test'), params);
  const verifyWith = (vs: OpenedValues[], pr: PcsProof, p = params) =>
    pcsVerify(verifyRounds([main, quotient], rounds, vs), pr, new Transcript('pcs-test'), p);

  it('opened values equal the polynomials evaluated at the points', () => {
    evals.forEach((m, i) => {
      for (let c = 0; c < m.width; c++) {
        const col = m.values.slice(c * m.height, (c + 1) * m.height);
        intt(col);
        rounds[0].points[i].forEach((z, p) => expect(values[0][i][p][c]).toEqual(evalCoeffs(col, z)));
      }
    });
    coeffs.forEach((m, i) => {
      for (let c = 0; c < m.width; c++) {
        const col = m.values.slice(c * m.height, (c + 1) * m.height);
        rounds[1].points[i].forEach((z, p) => expect(values[1][i][p][c]).toEqual(evalCoeffs(col, z)));
      }
    });
  });

  it('commits LDE row i as P(s·ω_N^bitrev(i))', () => {
    const col = evals[1].values.slice(0, 16);
    intt(col);
    const lde = main.ldes[1];
    expect(lde.height).toBe(64);
    for (const i of [0, 1, 5, 63]) {
      const x = mul(GENERATOR, pow(twoAdicGenerator(6), bitReverse(i, 6)));
      expect(lde.values[i]).toBe(evalCoeffs(col, ext.fromBase(x))[0]);
    }
  });

  it('commits LDE rows v and v + N/2 in one leaf, interleaved, at every height', () => {
    // Built row by row from the docs/stark.md layout, independently of pcs.ts's zero-copy view.
    const paired = main.ldes.map((lde) => {
      const half = lde.height / 2;
      const out = new Uint32Array(lde.values.length);
      for (let v = 0; v < half; v++) {
        for (let c = 0; c < lde.width; c++) {
          out[(2 * c) * half + v] = lde.values[c * lde.height + v];
          out[(2 * c + 1) * half + v] = lde.values[c * lde.height + half + v];
        }
      }
      return { width: 2 * lde.width, height: half, values: out };
    });
    expect(merkleCommit(paired).root).toEqual(main.root);
    expect(merkleCommit([...main.ldes]).root).not.toEqual(main.root);
    // an opened leaf holds both rows of every matrix
    const leaf = proof.inputOpenings[0].rows[0];
    expect(leaf.map((r) => r.length)).toEqual(main.ldes.map((m) => 2 * m.width));
  });

  it('verifies an honest opening (mixed heights, several points, two rounds)', () => verifyWith(values, proof));

  it('rejects a wrong claimed value: detected by the PoW once the transcript diverges', () => {
    const bad = structuredClone(values);
    bad[0][1][0][1] = ext.add(bad[0][1][0][1], ext.ONE);
    expectCode(() => verifyWith(bad, proof), 'invalid-pow');
  });

  it('rejects a wrong claimed value from a consistent cheater (FRI sees the pole)', () => {
    const bad = structuredClone(values);
    bad[1][0][0][3] = ext.add(bad[1][0][0][3], ext.ONE);
    const cheat = pcsProveOpenings(rounds, bad, new Transcript('pcs-test'), params);
    expectCode(() => verifyWith(bad, cheat), 'fri-final-poly-mismatch');
  });

  it('rejects opened rows that do not match the commitment', () => {
    const inputOpenings = proof.inputOpenings.map((o) => ({ rows: o.rows.map((rs) => rs.map((r) => r.slice())), nodes: o.nodes }));
    inputOpenings[0].rows[0][2][0] = (inputOpenings[0].rows[0][2][0] + 1) % P;
    expectCode(() => verifyWith(values, { ...proof, inputOpenings }), 'merkle-path-mismatch');
  });

  it('rejects a proof whose shape differs from the rounds', () => {
    expectCode(() => verifyWith(values, { ...proof, inputOpenings: proof.inputOpenings.slice(1) }), 'invalid-proof-shape');
    const short = structuredClone(values);
    short[0][0][0].pop();
    expectCode(() => verifyWith(short, proof), 'invalid-proof-shape');
  });

  it('pcsEvaluate is deterministic and matches pcsOpen', () => {
    expect(pcsEvaluate(rounds)).toEqual(values);
  });

  describe('encoding', () => {
    const shape = {
      params,
      rounds: [main, quotient].map((c) => ({ dims: c.ldes.map((m, i) => ({ width: m.width, logTraceHeight: c.logTraceHeights[i] })) })),
    };
    const w = new ByteWriter();
    writePcsProof(w, proof);
    const bytes = w.finish();

    it('round-trips and the decoded proof verifies', () => {
      const r = new ByteReader(bytes);
      const decoded = readPcsProof(r, shape);
      r.finish();
      expect(decoded).toEqual(proof);
      verifyWith(values, decoded);
    });

    it('rejects truncation, trailing bytes and out-of-range counts', () => {
      expect(() => readPcsProof(new ByteReader(bytes.subarray(0, bytes.length - 5)), shape)).toThrow(DecodeError);
      const long = new Uint8Array(bytes.length + 4);
      long.set(bytes);
      const r = new ByteReader(long);
      readPcsProof(r, shape);
      expect(() => r.finish()).toThrow(expect.objectContaining({ code: 'unconsumed-bytes' }));
      const huge = bytes.slice();
      huge.set([0xff, 0xff, 0xff, 0x7f], 0); // round 0 index count
      expect(() => readPcsProof(new ByteReader(huge), shape)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
    });
  });
});
