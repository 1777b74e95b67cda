// LogUp with R = 2 independent repetitions (docs/security.md, "LogUp repetitions"): the verifier must check
// every repetition on its own, enforce repetition 1's constraints as it does repetition 0's, and take the
// repetition count from the key, never from the proof. The cheater is the real prover with its aux trace or
// claimed sums altered in repetition 1 only (vi.mock of generateAuxTrace, as forged-openings.test.ts does).
import { describe, expect, it, vi } from 'vitest';
import * as ext from '../../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../../src/stark/field/ext4.ts';
import { add } from '../../../src/stark/field/babybear.ts';
import type { AuxTrace } from '../../../src/stark/lookup.ts';
import { setup, verifyingKeyDigest, type VerifyingKey } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { verify } from '../../../src/stark/verifier.ts';
import { readProof, writeProof, type Proof } from '../../../src/stark/proof.ts';
import { DecodeError } from '../../../src/stark/codec.ts';
import { VerifyError } from '../../../src/stark/errors.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import {
  TEST_PARAMS_TWO_REPETITIONS, TEST_VERIFY_OPTIONS, permutationSystem, proveSystem, rangeCheckSystem, type TestSystem,
} from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

type LookupModule = typeof import('../../../src/stark/lookup.ts');

/** Hook the mocked generateAuxTrace consults, per aux table in proving order; null = honest. */
const cheat = vi.hoisted(() => ({
  auxTrace: null as null | ((result: AuxTrace, call: number) => AuxTrace),
  calls: 0,
}));

vi.mock('../../../src/stark/lookup.ts', async (importOriginal) => {
  const real = await importOriginal<LookupModule>();
  return {
    ...real,
    generateAuxTrace: (...args: Parameters<LookupModule['generateAuxTrace']>) => {
      const result = real.generateAuxTrace(...args);
      return cheat.auxTrace ? cheat.auxTrace(result, cheat.calls++) : result;
    },
  };
});

/** The real prover with the aux trace of each table passed through `alter` (call = aux table index). */
function cheatingProof(sys: TestSystem, alter: (result: AuxTrace, call: number) => AuxTrace): { vk: VerifyingKey; proof: Proof } {
  const { provingKey, verifyingKey: vk } = setup(sys.airs, sys.preprocessed, TEST_PARAMS_TWO_REPETITIONS);
  cheat.auxTrace = alter;
  cheat.calls = 0;
  try {
    return { vk, proof: prove(provingKey, sys.traces, sys.publicValues) };
  } finally {
    cheat.auxTrace = null;
  }
}

const total = (proof: Proof, r: number): Ext4 => proof.claimedSums.reduce<Ext4>((acc, sums) => ext.add(acc, sums[r]), ext.ZERO);

function rejection(f: () => void): VerifyError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    return e as VerifyError;
  }
  throw new Error('the verifier accepted');
}

describe('repetition 1 is checked on its own', () => {
  it('control: the harness passing the aux traces through unchanged gives a proof that verifies', () => {
    const sys = rangeCheckSystem(5);
    const { vk, proof } = cheatingProof(sys, (r) => r);
    verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('repetition 0 balances, repetition 1 does not (its claimed sum shifted) → bus-imbalance naming repetition 1', () => {
    const sys = rangeCheckSystem(5);
    const delta: Ext4 = [3, 1, 4, 1];
    const { vk, proof } = cheatingProof(sys, (r, call) => ({
      aux: r.aux,
      claimedSums: call === 0 ? [r.claimedSums[0], ext.add(r.claimedSums[1], delta)] : r.claimedSums,
    }));
    expect(ext.isZero(total(proof, 0))).toBe(true);
    expect(total(proof, 1)).toEqual(delta);
    const e = rejection(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS));
    expect(e.code).toBe('bus-imbalance');
    expect(e.message).toMatch(/repetition 1/);
  });

  it('the same shift applied to an in-memory honest proof → bus-imbalance (the check is the verifier\'s, not the prover\'s)', () => {
    const sys = permutationSystem(4);
    const { verifyingKey, proof } = proveSystem(sys, TEST_PARAMS_TWO_REPETITIONS);
    const claimedSums = proof.claimedSums.map((sums, i) => (i === 1 ? [sums[0], ext.add(sums[1], ext.ONE)] : sums));
    expect(rejectionCode(() => verify(verifyingKey, { ...proof, claimedSums }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });

  it('repetition 1\'s sums shifted by ±δ across tables (both repetitions balance) → ood-constraint-mismatch', () => {
    // Each table's last-row constraint s_{n−1} = claimed sum 1 now fails: repetition 1 is constrained too.
    const sys = rangeCheckSystem(5);
    const delta: Ext4 = [5, 0, 0, 1];
    const { vk, proof } = cheatingProof(sys, (r, call) => ({
      aux: r.aux,
      claimedSums: [r.claimedSums[0], call === 0 ? ext.add(r.claimedSums[1], delta) : ext.sub(r.claimedSums[1], delta)],
    }));
    expect(ext.isZero(total(proof, 0)) && ext.isZero(total(proof, 1))).toBe(true);
    expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });

  it('one cell of repetition 1\'s fraction column changed, sums kept → ood-constraint-mismatch', () => {
    const sys = rangeCheckSystem(5);
    const { vk, proof } = cheatingProof(sys, (r, call) => {
      if (call === 0) {
        const n = r.aux.height;
        const block = r.aux.width / 4 / 2; // extension columns per repetition
        const col = 4 * block; // repetition 1, group 0, coordinate 0
        r.aux.values[col * n + 7] = add(r.aux.values[col * n + 7], 1);
      }
      return r;
    });
    expect(ext.isZero(total(proof, 0)) && ext.isZero(total(proof, 1))).toBe(true);
    expect(rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});

describe('false multisets with 2 repetitions', () => {
  it('a value that is not in the byte table → bus-imbalance, and neither repetition balances', () => {
    const values = Array.from({ length: 32 }, (_, i) => (i === 13 ? 300 * 256 + 1 : i * 1000));
    const sys = rangeCheckSystem(5, values);
    const { verifyingKey, proof } = proveSystem(sys, TEST_PARAMS_TWO_REPETITIONS);
    expect(ext.isZero(total(proof, 0))).toBe(false);
    expect(ext.isZero(total(proof, 1))).toBe(false);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });

  it('a byte-table multiplicity off by one → bus-imbalance', () => {
    const sys = rangeCheckSystem(5);
    sys.traces[1].values[42] += 1;
    const { verifyingKey, proof } = proveSystem(sys, TEST_PARAMS_TWO_REPETITIONS);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });
});

describe('the repetition count comes from the key, not the proof', () => {
  const sys = rangeCheckSystem(5);
  const one = proveSystem(sys, TEST_PARAMS_INSECURE);
  const two = proveSystem(sys, TEST_PARAMS_TWO_REPETITIONS);

  /** Decoding fails (DecodeError), or the decoded proof is rejected by the verifier. */
  function rejectedBytes(bytes: Uint8Array, vk: VerifyingKey): string {
    let proof: Proof;
    try {
      proof = readProof(bytes, vk);
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      return 'decode';
    }
    return rejectionCode(() => verify(vk, proof, sys.publicValues, TEST_VERIFY_OPTIONS));
  }

  it('an R = 1 proof under an R = 2 key, and an R = 2 proof under an R = 1 key → rejected (bytes)', () => {
    expect(rejectedBytes(writeProof(one.proof), two.verifyingKey)).toBeTruthy();
    expect(rejectedBytes(writeProof(two.proof), one.verifyingKey)).toBeTruthy();
    // Each verifies under its own key.
    verify(one.verifyingKey, readProof(writeProof(one.proof), one.verifyingKey), sys.publicValues, TEST_VERIFY_OPTIONS);
    verify(two.verifyingKey, readProof(writeProof(two.proof), two.verifyingKey), sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('in memory: the wrong number of claimed sums → invalid-proof-shape; the right count, other aux width → opening-shape-mismatch', () => {
    expect(rejectionCode(() => verify(two.verifyingKey, one.proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('invalid-proof-shape');
    expect(rejectionCode(() => verify(one.verifyingKey, two.proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('invalid-proof-shape');
    // Dropping repetition 1's sums from an R = 2 proof (or duplicating an R = 1 proof's) does not change what
    // was committed: the aux round's width (R column blocks) is fixed by the key too.
    const dropped = { ...two.proof, claimedSums: two.proof.claimedSums.map((s) => [s[0]]) };
    expect(rejectionCode(() => verify(one.verifyingKey, dropped, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('opening-shape-mismatch');
    const padded = { ...one.proof, claimedSums: one.proof.claimedSums.map((s) => [s[0], s[0]]) };
    expect(rejectionCode(() => verify(two.verifyingKey, padded, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('opening-shape-mismatch');
  });

  it('a key whose parameters say R = 2 over constraint systems built for R = 1 (digest recomputed) → verifying-key-mismatch', () => {
    const { tables, systems, buses, preprocessedRoot } = one.verifyingKey;
    const params = TEST_PARAMS_TWO_REPETITIONS;
    const forged: VerifyingKey = { params, tables, systems, buses, preprocessedRoot, digest: verifyingKeyDigest({ params, tables, buses, preprocessedRoot }) };
    expect(rejectionCode(() => verify(forged, two.proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
  });
});
