// The caller's minimum security must itself be a number the comparison can use: `bits < NaN` is false, so a
// NaN minimum (e.g. a CLI flag parsed with Number('abc')) would accept 15-bit TEST parameters.
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import { assertAcceptableSecurity, referenceSecurityContext } from '../../../src/stark/security.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import { fibonacciSystem, proveSystem } from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

describe('minimum security bits', () => {
  const sys = fibonacciSystem(3);
  const { verifyingKey, proof } = proveSystem(sys);

  it.each([Number.NaN, -1, Number.NEGATIVE_INFINITY, '100' as unknown as number, null as unknown as number])(
    'minSecurityBits = %s → invalid-parameters (never a silent accept)',
    (minSecurityBits) => {
      expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, { minSecurityBits }))).toBe('invalid-parameters');
      expect(rejectionCode(() => assertAcceptableSecurity(TEST_PARAMS_INSECURE, referenceSecurityContext(10), minSecurityBits))).toBe('invalid-parameters');
    },
  );

  it('0 (tests lowering it explicitly) accepts, 100 refuses TEST parameters', () => {
    verify(verifyingKey, proof, sys.publicValues, { minSecurityBits: 0 });
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, { minSecurityBits: 100 }))).toBe('insufficient-security');
  });
});
