// LogUp attacks: a looked-up value missing from the table, a multiplicity off by one, and claimed sums
// altered in the proof (alone, or in a pair that still sums to zero).
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import * as ext from '../../../src/stark/field/ext4.ts';
import { TEST_VERIFY_OPTIONS, permutationSystem, proveSystem, rangeCheckSystem } from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';
import type { Air } from '../../../src/stark/air.ts';
import { setup } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { matrix } from '../../../src/stark/matrix.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';

describe('bus attacks', () => {
  it('a value that is not in the byte table → bus-imbalance', () => {
    // 300·256 + 1 splits honestly into lo = 1, hi = 300; 300 is not a byte, so its lookup has no receiver.
    const values = Array.from({ length: 32 }, (_, i) => (i === 13 ? 300 * 256 + 1 : i * 1000));
    const sys = rangeCheckSystem(5, values);
    const { verifyingKey, proof } = proveSystem(sys);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });

  it('a byte-table multiplicity off by one → bus-imbalance', () => {
    const sys = rangeCheckSystem(5);
    sys.traces[1].values[42] += 1;
    const { verifyingKey, proof } = proveSystem(sys);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });

  it('a permuted row changed in one table only → bus-imbalance', () => {
    const sys = permutationSystem(4);
    sys.traces[1].values[3] = 77; // x of one received row; the sender's constraint y = x² is untouched
    const { verifyingKey, proof } = proveSystem(sys);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });

  it('one claimed sum altered in the proof → bus-imbalance', () => {
    const sys = rangeCheckSystem(5);
    const { verifyingKey, proof } = proveSystem(sys);
    const claimedSums = [[ext.add(proof.claimedSums[0][0], ext.ONE)], proof.claimedSums[1]];
    expect(rejectionCode(() => verify(verifyingKey, { ...proof, claimedSums }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('bus-imbalance');
  });

  it('two claimed sums shifted by ±δ (still summing to 0) → ood-constraint-mismatch', () => {
    // The total balances, but each table's last-row constraint s_{n−1} = claimed sum now fails.
    const sys = rangeCheckSystem(5);
    const { verifyingKey, proof } = proveSystem(sys);
    const delta: ext.Ext4 = [5, 0, 0, 1];
    const claimedSums = [[ext.add(proof.claimedSums[0][0], delta)], [ext.sub(proof.claimedSums[1][0], delta)]];
    expect(rejectionCode(() => verify(verifyingKey, { ...proof, claimedSums }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});

describe('interaction count', () => {
  it('Σ height × interactions ≥ p → too-many-interactions (multiplicities could wrap)', () => {
    // 64 interactions per row: at 2^25 rows that is 2^31 > p. The proof is honest at 2 rows; only the
    // claimed height is raised, within the key's bound, so the count check is what must fire.
    const air: Air = {
      name: 'many-sends', mainWidth: 1, preprocessedWidth: 0, numPublicValues: 0,
      eval(b) {
        const [x] = b.main().local;
        for (let i = 0; i < 64; i++) b.send(9, [x], 0);
      },
    };
    const sys = { airs: [air], preprocessed: [undefined], traces: [matrix(1, 2)], publicValues: [[]] };
    const { provingKey, verifyingKey } = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE, { maxLogHeight: 25 });
    const proof = prove(provingKey, sys.traces, sys.publicValues);
    verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS);
    expect(rejectionCode(() => verify(verifyingKey, { ...proof, logHeights: [25] }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('too-many-interactions');
  });
});
