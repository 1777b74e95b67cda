// The strongest cheater the OOD check cannot see: it commits a bad witness honestly, then claims opened
// values at ζ chosen so that C(ζ) = Z_H(ζ)·Q(ζ) holds exactly, and proves those claims with the real PCS
// prover (pcsProveOpenings) on a transcript kept consistent. Only the DEEP quotients + FRI stand between
// it and acceptance, so each test asserts the rejection comes from FRI, and a control shows the harness
// itself (forging a zero change) is accepted.
import { describe, expect, it, vi } from 'vitest';
import * as ext from '../../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../../src/stark/field/ext4.ts';
import type { OpenedValues, PcsOpenRound } from '../../../src/stark/pcs.ts';
import type { Transcript } from '../../../src/stark/transcript.ts';
import type { FriParams } from '../../../src/stark/fri/params.ts';
import type { AuxTrace } from '../../../src/stark/lookup.ts';
import { setup, type VerifyingKey } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { verify } from '../../../src/stark/verifier.ts';
import { add } from '../../../src/stark/field/babybear.ts';
import type { Matrix } from '../../../src/stark/matrix.ts';
import type { Proof } from '../../../src/stark/proof.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import { TEST_VERIFY_OPTIONS, fibonacciSystem, rangeCheckSystem, benchmarkSystem, type TestSystem } from '../../helpers/test-airs.ts';
import { oodMismatch, replayChallenges, type Challenges } from './replay.ts';
import { rejectionCode } from './reject.ts';

type PcsModule = typeof import('../../../src/stark/pcs.ts');
type LookupModule = typeof import('../../../src/stark/lookup.ts');

/** Hooks the mocked modules consult; null = behave honestly. */
const cheat = vi.hoisted(() => ({
  openings: null as null | ((pcs: PcsModule, rounds: PcsOpenRound[], transcript: Transcript, params: FriParams) => { values: OpenedValues[]; proof: unknown }),
  auxTrace: null as null | ((result: AuxTrace, call: number) => AuxTrace),
  auxCalls: 0,
}));

vi.mock('../../../src/stark/pcs.ts', async (importOriginal) => {
  const real = await importOriginal<PcsModule>();
  return {
    ...real,
    pcsOpen: (rounds: PcsOpenRound[], transcript: Transcript, params: FriParams) =>
      (cheat.openings ? cheat.openings(real, rounds, transcript, params) : real.pcsOpen(rounds, transcript, params)),
  };
});

vi.mock('../../../src/stark/lookup.ts', async (importOriginal) => {
  const real = await importOriginal<LookupModule>();
  return {
    ...real,
    generateAuxTrace: (...args: Parameters<LookupModule['generateAuxTrace']>) => {
      const result = real.generateAuxTrace(...args);
      return cheat.auxTrace ? cheat.auxTrace(result, cheat.auxCalls++) : result;
    },
  };
});

/**
 * Changes the first base column of table t's quotient chunk 0 at ζ so that the OOD identity holds: Q(ζ) is
 * affine in it with coefficient 1 (chunk 0 is not scaled by ζ^{k·n}, column 0 is the extension's 1-coordinate).
 */
function forgeQuotient(vk: VerifyingKey, proof: Proof, values: OpenedValues[], c: Challenges, publicValues: number[][], t: number, scale: number): void {
  const quotientRound = values.length - 1;
  const { delta } = oodMismatch(vk, { ...proof, openedValues: values }, c, publicValues, t);
  const v = values[quotientRound][t][0];
  v[0] = ext.add(v[0], ext.mulBase(delta, scale));
}

interface Attack {
  /** Added to each aux table's claimed sum (TEST parameters: one repetition; the aux trace is left as computed). */
  sumShift?: Ext4[];
  /** Tables whose quotient opening is forged; scale 0 forges a zero change (the harness control). */
  forge: number[];
  scale?: number;
}

/** Pass 1 fixes every commitment and so α, ζ (the prover is deterministic); pass 2 forges the openings. */
function cheatingProve(sys: TestSystem, attack: Attack): { vk: VerifyingKey; proof: Proof } {
  const { provingKey, verifyingKey: vk } = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE);
  cheat.auxTrace = attack.sumShift
    ? (r, call) => ({ aux: r.aux, claimedSums: [ext.add(r.claimedSums[0], attack.sumShift![call % attack.sumShift!.length])] })
    : null;
  try {
    cheat.auxCalls = 0;
    const committed = prove(provingKey, sys.traces, sys.publicValues);
    const challenges = replayChallenges(vk, committed, sys.publicValues);
    cheat.openings = (pcs, rounds, transcript, params) => {
      const values = pcs.pcsEvaluate(rounds);
      for (const t of attack.forge) forgeQuotient(vk, committed, values, challenges, sys.publicValues, t, attack.scale ?? 1);
      return { values, proof: pcs.pcsProveOpenings(rounds, values, transcript, params) };
    };
    cheat.auxCalls = 0;
    const proof = prove(provingKey, sys.traces, sys.publicValues);
    // The forgery did what it claims: the OOD identity now holds for every table.
    vk.tables.forEach((_, t) => expect(ext.isZero(oodMismatch(vk, proof, challenges, sys.publicValues, t).delta)).toBe(true));
    return { vk, proof };
  } finally {
    cheat.openings = null;
    cheat.auxTrace = null;
  }
}

function bump(m: Matrix, row: number, col: number): void {
  m.values[col * m.height + row] = add(m.values[col * m.height + row], 1);
}

describe('forged openings that satisfy the OOD identity', () => {
  it('control: forging a zero change leaves an honest proof that verifies', () => {
    const sys = fibonacciSystem(4);
    const { vk, proof } = cheatingProve(sys, { forge: [0], scale: 0 });
    verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('a broken Fibonacci transition, quotient opening forged → FRI rejects', () => {
    const sys = fibonacciSystem(4);
    bump(sys.traces[0], 7, 1);
    const { vk, proof } = cheatingProve(sys, { forge: [0] });
    expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('fri-final-poly-mismatch');
  });

  it('a degree-3 constraint broken on the last row, quotient opening forged → FRI rejects', () => {
    const sys = benchmarkSystem(4);
    bump(sys.traces[0], 15, 12);
    const { vk, proof } = cheatingProve(sys, { forge: [0] });
    expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('fri-final-poly-mismatch');
  });

  it('a value outside the byte table, claimed sums rebalanced to 0 and the quotient forged → FRI rejects', () => {
    // 300 is not a byte: the honest claimed sums add up to 1/(α − (BYTE_BUS + γ·300)) ≠ 0. The cheater
    // subtracts that from table 0's claimed sum (so bus-imbalance passes), which breaks its last-row
    // constraint s_{n−1} = claimed sum; the forged quotient opening hides that at ζ.
    const values = Array.from({ length: 32 }, (_, i) => (i === 13 ? 300 * 256 + 1 : i * 1000));
    const sys = rangeCheckSystem(5, values);
    const { provingKey, verifyingKey } = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE);
    const honest = prove(provingKey, sys.traces, sys.publicValues);
    const imbalance = honest.claimedSums.reduce<Ext4>((acc, [s]) => ext.add(acc, s), ext.ZERO);
    expect(ext.isZero(imbalance)).toBe(false);
    expect(rejectionCode(() => verify(verifyingKey, honest, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');

    const { vk, proof } = cheatingProve(sys, { sumShift: [ext.neg(imbalance), ext.ZERO], forge: [0] });
    expect(ext.isZero(proof.claimedSums.reduce<Ext4>((acc, [s]) => ext.add(acc, s), ext.ZERO))).toBe(true);
    expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('fri-final-poly-mismatch');
  });
});
