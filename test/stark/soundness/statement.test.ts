// The statement at verify time: changed public values, another verifying key (other preprocessed data,
// another AIR), and parameters below the caller's minimum security.
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import { setup } from '../../../src/stark/keys.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import type { Air } from '../../../src/stark/air.ts';
import {
  TEST_VERIFY_OPTIONS, fibonacciAir, fibonacciSystem, preprocessedSumSystem, proveSystem,
} from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

describe('public values', () => {
  it.each([0, 1, 2])('public value %i changed at verify time → ood-constraint-mismatch', (i) => {
    const sys = fibonacciSystem(4);
    const { verifyingKey, proof } = proveSystem(sys);
    const pv = [sys.publicValues[0].map((x, j) => (j === i ? x + 1 : x))];
    expect(rejectionCode(() => verify(verifyingKey, proof, pv, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });

  it('wrong count or non-canonical → public-values-mismatch', () => {
    const sys = fibonacciSystem(3);
    const { verifyingKey, proof } = proveSystem(sys);
    expect(rejectionCode(() => verify(verifyingKey, proof, [[0, 1]], TEST_VERIFY_OPTIONS))).toBe('public-values-mismatch');
    expect(rejectionCode(() => verify(verifyingKey, proof, [[0, 1, 2013265921]], TEST_VERIFY_OPTIONS))).toBe('public-values-mismatch');
    expect(rejectionCode(() => verify(verifyingKey, proof, [], TEST_VERIFY_OPTIONS))).toBe('public-values-mismatch');
  });
});

describe('verifying key', () => {
  it('other preprocessed data → verifying-key-mismatch; with the digest forged → still rejected', () => {
    const sys = preprocessedSumSystem(4);
    const { proof } = proveSystem(sys);
    const other = preprocessedSumSystem(4, 2); // other preprocessed column
    const { verifyingKey } = setup(other.airs, other.preprocessed, TEST_PARAMS_INSECURE);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
    const forged = { ...proof, vkDigest: verifyingKey.digest };
    expect(rejectionCode(() => verify(verifyingKey, forged, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });

  it('another AIR of the same shape → verifying-key-mismatch; with the digest forged → still rejected', () => {
    const sys = fibonacciSystem(4);
    const { proof } = proveSystem(sys);
    // Same widths and public values, one constraint different (b' = a + 2b).
    const otherAir: Air = {
      ...fibonacciAir,
      eval(b) {
        const { local, next } = b.main();
        b.whenTransition().assertEq(next[0], local[1]);
        b.whenTransition().assertEq(next[1], local[0].add(local[1].mul(2)));
      },
    };
    const { verifyingKey } = setup([otherAir], [undefined], TEST_PARAMS_INSECURE);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
    const forged = { ...proof, vkDigest: verifyingKey.digest };
    expect(rejectionCode(() => verify(verifyingKey, forged, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});

describe('parameters', () => {
  it('TEST parameters are refused at the default minimum security → insufficient-security', () => {
    const sys = fibonacciSystem(3);
    const { verifyingKey, proof } = proveSystem(sys);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues))).toBe('insufficient-security');
  });
});
