// In-memory proofs (malformed-objects.test.ts) may hold SPARSE arrays: `new Array(n)` has length n but no
// elements, and Array.prototype.every/forEach skip the holes, so a length-and-every shape check passes them.
// Whatever the holes, the answer must be a VerifyError, never a TypeError/RangeError from deep inside (nor an accept).
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import { VerifyError } from '../../../src/stark/errors.ts';
import type { Proof } from '../../../src/stark/proof.ts';
import { TEST_PARAMS_TWO_REPETITIONS, TEST_VERIFY_OPTIONS, proveSystem, rangeCheckSystem } from '../../helpers/test-airs.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
const holes = (n: number): unknown[] => new Array(n);
/** An Ext4-sized array with holes: length 4, `every` sees only the one element present. */
const sparseExt = (x0: number): unknown[] => { const e = holes(4); e[0] = x0; return e; };

const CASES: Record<string, (p: any) => void> = {
  'claimedSums: all holes': (p) => { p.claimedSums = holes(p.claimedSums.length); },
  'claimedSums[0]: R holes': (p) => { p.claimedSums[0] = holes(p.claimedSums[0].length); },
  'claimedSums[0][1]: a sparse Ext4': (p) => { p.claimedSums[0][1] = sparseExt(p.claimedSums[0][1][0]); },
  'openedValues[main][0][0]: a point of holes': (p) => { p.openedValues[1][0][0] = holes(p.openedValues[1][0][0].length); },
  'openedValues[main][0][0][0]: a sparse Ext4': (p) => { p.openedValues[1][0][0][0] = sparseExt(p.openedValues[1][0][0][0][0]); },
  'fri.finalPoly[0]: a sparse Ext4': (p) => { p.pcsProof.fri.finalPoly[0] = sparseExt(p.pcsProof.fri.finalPoly[0][0]); },
  'fri.layerRoots: holes': (p) => { p.pcsProof.fri.layerRoots = holes(p.pcsProof.fri.layerRoots.length); },
  'pcs.inputOpenings: holes': (p) => { p.pcsProof.inputOpenings = holes(p.pcsProof.inputOpenings.length); },
  'pcs.inputOpenings[0].rows: holes': (p) => { const o = p.pcsProof.inputOpenings[0]; o.rows = holes(o.rows.length); },
  'pcs.inputOpenings[0].rows[0]: holes': (p) => { const o = p.pcsProof.inputOpenings[0]; o.rows[0] = holes(o.rows[0].length); },
  // The hole check walks the whole object: it must stop early on sizes and shapes no proof has.
  'claimedSums: 2^30 holes': (p) => { p.claimedSums = holes(2 ** 30); },
  'a cyclic object': (p) => { p.pcsProof.fri.self = p.pcsProof; },
};

describe('sparse arrays in an in-memory proof', () => {
  const sys = rangeCheckSystem(4);
  const { verifyingKey, proof } = proveSystem(sys, TEST_PARAMS_TWO_REPETITIONS);

  it('control: the honest proof (structuredClone of it) verifies', () => {
    verify(verifyingKey, structuredClone(proof), sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('every sparse container or sparse Ext4 → VerifyError', () => {
    const failures: string[] = [];
    for (const [name, mutate] of Object.entries(CASES)) {
      const copy = structuredClone(proof) as any;
      mutate(copy);
      try {
        verify(verifyingKey, copy as Proof, sys.publicValues, TEST_VERIFY_OPTIONS);
        failures.push(`${name}: accepted`);
      } catch (e) {
        if (!(e instanceof VerifyError)) failures.push(`${name}: ${String(e).slice(0, 100)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
