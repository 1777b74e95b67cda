// The verifying key's digest is what a caller pins (an image ID); the verifier must check the key it is
// handed against that digest, or a key object carrying a trusted digest but another AIR's constraints (or
// weaker parameters) would make the pinned digest meaningless (SP1 GHSA-6248-228x-mmvh: vk root not checked).
import { describe, expect, it } from 'vitest';
import type { Air } from '../../../src/stark/air.ts';
import { setup, verifyingKeyDigest, type VerifyingKey } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { verify } from '../../../src/stark/verifier.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import { TEST_VERIFY_OPTIONS, fibonacciAir, fibonacciSystem, rangeCheckSystem } from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

/** Same shape as Fibonacci, but the last-row constraint (b_{n−1} = result) is gone: any result verifies. */
const weakFibonacciAir: Air = {
  ...fibonacciAir,
  eval(b) {
    const { local, next } = b.main();
    const [a0, b0] = b.publicValues();
    b.whenFirstRow().assertEq(local[0], a0);
    b.whenFirstRow().assertEq(local[1], b0);
    b.whenTransition().assertEq(next[0], local[1]);
    b.whenTransition().assertEq(next[1], local[0].add(local[1]));
  },
};

describe('a verifying key that does not match its own digest', () => {
  const sys = fibonacciSystem(4);
  const trusted = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE).verifyingKey;
  const weak = setup([weakFibonacciAir], sys.preprocessed, TEST_PARAMS_INSECURE);
  // A false claim: the 16th Fibonacci number is 12345.
  const falseClaim = [[sys.publicValues[0][0], sys.publicValues[0][1], 12345]];
  const proof = prove(weak.provingKey, sys.traces, falseClaim);

  it('sanity: the false claim verifies under the weak key, and not under the trusted one', () => {
    verify(weak.verifyingKey, proof, falseClaim, TEST_VERIFY_OPTIONS);
    expect(rejectionCode(() => verify(trusted, proof, falseClaim, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
  });

  it('weak constraint systems under the trusted digest, transcript re-signed → verifying-key-mismatch', () => {
    const forgedKey: VerifyingKey = { ...weak.verifyingKey, digest: trusted.digest };
    const forgedProof = prove({ ...weak.provingKey, vk: forgedKey }, sys.traces, falseClaim);
    expect(rejectionCode(() => verify(forgedKey, forgedProof, falseClaim, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
  });

  it('trusted table keys (so the digest recomputes) over weak constraint systems → verifying-key-mismatch', () => {
    const forgedKey: VerifyingKey = { ...weak.verifyingKey, tables: trusted.tables, digest: trusted.digest };
    expect(verifyingKeyDigest(forgedKey)).toEqual(trusted.digest);
    const forgedProof = prove({ ...weak.provingKey, vk: forgedKey }, sys.traces, falseClaim);
    expect(rejectionCode(() => verify(forgedKey, forgedProof, falseClaim, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
  });

  it('parameters changed under the same digest → verifying-key-mismatch', () => {
    const honest = prove(setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE).provingKey, sys.traces, sys.publicValues);
    const forgedKey: VerifyingKey = { ...trusted, params: { ...trusted.params, numQueries: 1 } };
    expect(rejectionCode(() => verify(forgedKey, honest, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
  });

  it('table metadata that disagrees with the constraint system, digest recomputed → verifying-key-mismatch', () => {
    const rc = rangeCheckSystem(4);
    const { provingKey, verifyingKey } = setup(rc.airs, rc.preprocessed, TEST_PARAMS_INSECURE);
    const honest = prove(provingKey, rc.traces, rc.publicValues);
    const tables = verifyingKey.tables.map((t, i) => (i === 0 ? { ...t, numInteractions: 1 } : t));
    const forgedKey: VerifyingKey = { ...verifyingKey, tables, digest: verifyingKeyDigest({ ...verifyingKey, tables }) };
    const code = rejectionCode(() => verify(forgedKey, { ...honest, vkDigest: forgedKey.digest }, rc.publicValues, TEST_VERIFY_OPTIONS));
    expect(code).toBe('verifying-key-mismatch');
  });
});
