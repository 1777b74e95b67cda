// LogUp repetitions only amplify if repetition r is its own Schwartz–Zippel test: its constraints must be
// evaluated with its own (α_r, γ_r), and those must be fresh draws. Neither shows in accept/reject tests of
// false multisets (repetition 0 already rejects them), so both are checked here directly: a prover that copies
// repetition 0's aux block and claimed sums into repetition 1 (everything balances) is rejected, which it would
// not be if repetition 1's constraints read α_0/γ_0; and the R challenge pairs the verifier draws are distinct.
import { describe, expect, it, vi } from 'vitest';
import * as ext from '../../../src/stark/field/ext4.ts';
import type { AuxTrace } from '../../../src/stark/lookup.ts';
import { setup, type VerifyingKey } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { verify } from '../../../src/stark/verifier.ts';
import type { Proof } from '../../../src/stark/proof.ts';
import { TEST_PARAMS_INSECURE, type StarkParams } from '../../../src/stark/params.ts';
import {
  TEST_PARAMS_TWO_REPETITIONS, TEST_VERIFY_OPTIONS, permutationSystem, rangeCheckSystem, type TestSystem,
} from '../../helpers/test-airs.ts';
import { replayChallenges } from './replay.ts';
import { rejectionCode } from './reject.ts';

type LookupModule = typeof import('../../../src/stark/lookup.ts');

const cheat = vi.hoisted(() => ({ auxTrace: null as null | ((result: AuxTrace) => AuxTrace) }));

vi.mock('../../../src/stark/lookup.ts', async (importOriginal) => {
  const real = await importOriginal<LookupModule>();
  return {
    ...real,
    generateAuxTrace: (...args: Parameters<LookupModule['generateAuxTrace']>) => {
      const result = real.generateAuxTrace(...args);
      return cheat.auxTrace ? cheat.auxTrace(result) : result;
    },
  };
});

function cheatingProof(sys: TestSystem, params: StarkParams, alter: (result: AuxTrace) => AuxTrace): { vk: VerifyingKey; proof: Proof } {
  const { provingKey, verifyingKey: vk } = setup(sys.airs, sys.preprocessed, params);
  cheat.auxTrace = alter;
  try {
    return { vk, proof: prove(provingKey, sys.traces, sys.publicValues) };
  } finally {
    cheat.auxTrace = null;
  }
}

/** Repetition `to`'s aux block (and claimed sum) replaced by repetition 0's. */
const copyRepetitionZero = (R: number, to: number) => (r: AuxTrace): AuxTrace => {
  const n = r.aux.height;
  const block = (r.aux.width / R) * n; // base columns per repetition × rows
  const values = r.aux.values.slice();
  values.copyWithin(to * block, 0, block);
  const claimedSums = r.claimedSums.map((s, k) => (k === to ? r.claimedSums[0] : s));
  return { aux: { ...r.aux, values }, claimedSums };
};

describe('each repetition uses its own challenges', () => {
  it('repetition 0 copied into repetition 1 (both balance) → ood-constraint-mismatch', () => {
    for (const sys of [rangeCheckSystem(5), permutationSystem(4)]) {
      const { vk, proof } = cheatingProof(sys, TEST_PARAMS_TWO_REPETITIONS, copyRepetitionZero(2, 1));
      for (let r = 0; r < 2; r++) {
        expect(ext.isZero(proof.claimedSums.reduce((acc, sums) => ext.add(acc, sums[r]), ext.ZERO))).toBe(true);
      }
      expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
    }
  });

  it('repetition 0 copied into repetitions 1..3 with R = 4 → ood-constraint-mismatch for each', () => {
    const sys = permutationSystem(4);
    const params = { ...TEST_PARAMS_INSECURE, lookupRepetitions: 4 };
    for (let to = 1; to < 4; to++) {
      const { vk, proof } = cheatingProof(sys, params, copyRepetitionZero(4, to));
      expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
    }
  });

  it('control: the harness with no change verifies at R = 2 and R = 4', () => {
    const sys = permutationSystem(4);
    for (const R of [2, 4]) {
      const { vk, proof } = cheatingProof(sys, { ...TEST_PARAMS_INSECURE, lookupRepetitions: R }, (r) => r);
      verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS);
    }
  });

  it('the verifier draws 2R pairwise distinct LogUp challenges', () => {
    const sys = permutationSystem(4);
    const params = { ...TEST_PARAMS_INSECURE, lookupRepetitions: 4 };
    const { vk, proof } = cheatingProof(sys, params, (r) => r);
    const { logup } = replayChallenges(vk, proof, sys.publicValues);
    expect(logup).toHaveLength(8);
    const keys = new Set(logup.map((c) => c.join(',')));
    expect(keys.size).toBe(8);
  });
});
