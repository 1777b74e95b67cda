// Shape attacks: table heights other than the verifying key allows, tables in another order, and a proof
// whose structure does not match the key.
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import { readProof, writeProof } from '../../../src/stark/proof.ts';
import { setup } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import {
  TEST_VERIFY_OPTIONS, fibonacciSystem, permutationSystem, proveSystem, rangeCheckSystem,
} from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

describe('table heights', () => {
  it('a preprocessed table at another height than the key fixes → table-height-out-of-range', () => {
    const sys = rangeCheckSystem(5);
    const { verifyingKey, proof } = proveSystem(sys);
    const logHeights = [proof.logHeights[0], proof.logHeights[1] - 1];
    expect(rejectionCode(() => verify(verifyingKey, { ...proof, logHeights }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('table-height-out-of-range');
  });

  it('a height above the key\'s bound → table-height-out-of-range', () => {
    const sys = fibonacciSystem(5);
    const loose = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE, { maxLogHeight: 8 });
    const tight = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE, { maxLogHeight: 4 });
    // A proof made under a looser bound (same AIR), presented against the tight key.
    const proof = prove(loose.provingKey, sys.traces, sys.publicValues);
    expect(rejectionCode(() => verify(tight.verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('table-height-out-of-range');
  });

  it('a table height changed in the proof (within bounds) → rejected', () => {
    const sys = fibonacciSystem(4);
    const { verifyingKey, proof } = proveSystem(sys);
    const code = rejectionCode(() => verify(verifyingKey, { ...proof, logHeights: [5] }, sys.publicValues, TEST_VERIFY_OPTIONS));
    // The heights are absorbed, so ζ changes; the claimed openings no longer satisfy the constraints there.
    expect(code).toBe('ood-constraint-mismatch');
  });
});

describe('table order', () => {
  it('tables swapped → verifying-key-mismatch, and with the digest forged → ood-constraint-mismatch', () => {
    const sys = permutationSystem(4);
    const { verifyingKey } = proveSystem(sys);
    const swapped = { ...sys, airs: [sys.airs[1], sys.airs[0]], traces: [sys.traces[1], sys.traces[0]] };
    const { proof } = proveSystem(swapped);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('verifying-key-mismatch');
    const forged = { ...proof, vkDigest: verifyingKey.digest };
    expect(rejectionCode(() => verify(verifyingKey, forged, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});

describe('proof structure', () => {
  it('a missing opened-value round → invalid-proof-shape', () => {
    const sys = fibonacciSystem(3);
    const { verifyingKey, proof } = proveSystem(sys);
    const bad = { ...proof, openedValues: proof.openedValues.slice(1) };
    expect(rejectionCode(() => verify(verifyingKey, bad, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('invalid-proof-shape');
  });

  it('an opened value row of the wrong width → opening-shape-mismatch', () => {
    const sys = fibonacciSystem(3);
    const { verifyingKey, proof } = proveSystem(sys);
    const openedValues = proof.openedValues.map((r, i) => (i === 0 ? r.map((m) => m.map((p) => p.slice(1))) : r));
    expect(rejectionCode(() => verify(verifyingKey, { ...proof, openedValues }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('opening-shape-mismatch');
  });

  it('an opened value changed in the proof → ood-constraint-mismatch', () => {
    const sys = fibonacciSystem(3);
    const { verifyingKey, proof } = proveSystem(sys);
    const decoded = readProof(writeProof(proof), verifyingKey);
    // main trace, column a at ζ: add 1 to its first coordinate
    const openedValues = structuredClone(decoded.openedValues);
    const v = openedValues[0][0][0][0] as unknown as number[];
    v[0] = (v[0] + 1) % 2013265921;
    expect(rejectionCode(() => verify(verifyingKey, { ...decoded, openedValues }, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});
