// The exact reason a verification failed; anything other than a VerifyError fails the test.
import { expect } from 'vitest';
import { VerifyError, type VerifyErrorCode } from '../../../src/stark/errors.ts';

export function rejectionCode(f: () => void): VerifyErrorCode {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    return (e as VerifyError).code;
  }
  throw new Error('the verifier accepted');
}
