// Flip bytes of an honest proof: every variant must be rejected, as a DecodeError or a VerifyError, and
// never accepted or answered with any other exception.
import { describe, expect, it } from 'vitest';
import { readProof, writeProof } from '../../../src/stark/proof.ts';
import { verify } from '../../../src/stark/verifier.ts';
import { DecodeError } from '../../../src/stark/codec.ts';
import { VerifyError } from '../../../src/stark/errors.ts';
import { TEST_VERIFY_OPTIONS, proveSystem, rangeCheckSystem } from '../../helpers/test-airs.ts';

const SEED = 0x5eed;
const SAMPLES = 200;

describe('byte flips', () => {
  it(`rejects ${SAMPLES} seeded single-byte corruptions (seed ${SEED})`, () => {
    console.info(`proof-bytes seed ${SEED}`);
    const sys = rangeCheckSystem(4);
    const { verifyingKey, proof } = proveSystem(sys);
    const bytes = writeProof(proof);
    let s = SEED;
    const next = () => {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      return s;
    };
    const outcomes = { decode: 0, verify: 0 };
    for (let k = 0; k < SAMPLES; k++) {
      const bad = bytes.slice();
      const pos = next() % bad.length;
      bad[pos] ^= 1 + (next() % 255); // a non-zero xor: the byte really changes
      try {
        verify(verifyingKey, readProof(bad, verifyingKey), sys.publicValues, TEST_VERIFY_OPTIONS);
      } catch (e) {
        if (e instanceof DecodeError) outcomes.decode++;
        else if (e instanceof VerifyError) outcomes.verify++;
        else throw new Error(`byte ${pos}: unexpected ${String(e)}`);
        continue;
      }
      throw new Error(`byte ${pos}: a corrupted proof was accepted`);
    }
    console.info(`proof-bytes outcomes`, outcomes);
    expect(outcomes.decode + outcomes.verify).toBe(SAMPLES);
  });
});
