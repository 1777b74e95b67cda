// A committed proof (Plonky3's `*_v1.postcard` pattern): test/fixtures/proof-v1.bin must keep decoding and
// verifying, so any change to the proof format, transcript or verifier is a deliberate, visible one.
// It is a range-check proof (two tables of 2^5 and 2^8 rows, preprocessed + LogUp aux + quotient rounds, a FRI
// roll-in) at DEFAULT_PARAMS, verified at the default 100-bit minimum. After an INTENDED format change:
//   ZKC_REGENERATE_FIXTURES=1 npx vitest run test/stark/soundness/fixture.test.ts
// (then bump PROOF_VERSION if old proofs must no longer be accepted).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/stark/params.ts';
import { setup } from '../../../src/stark/keys.ts';
import { prove } from '../../../src/stark/prover.ts';
import { PROOF_VERSION, readProof, writeProof } from '../../../src/stark/proof.ts';
import { verify } from '../../../src/stark/verifier.ts';
import { rangeCheckSystem } from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/proof-v1.bin', import.meta.url));
const REGENERATE = process.env.ZKC_REGENERATE_FIXTURES === '1';

function fixtureStatement() {
  const sys = rangeCheckSystem(5);
  const { provingKey, verifyingKey } = setup(sys.airs, sys.preprocessed, DEFAULT_PARAMS);
  return { sys, provingKey, verifyingKey };
}

describe(`proof format v${PROOF_VERSION} fixture`, () => {
  it.skipIf(!REGENERATE)('regenerates test/fixtures/proof-v1.bin (ZKC_REGENERATE_FIXTURES=1)', () => {
    const { sys, provingKey, verifyingKey } = fixtureStatement();
    const proof = prove(provingKey, sys.traces, sys.publicValues);
    verify(verifyingKey, proof, sys.publicValues);
    writeFileSync(FIXTURE, writeProof(proof));
  });

  it('decodes, re-encodes to the same bytes and verifies at DEFAULT_PARAMS and 100 bits', () => {
    expect(existsSync(FIXTURE), `${FIXTURE} is missing: regenerate it (see the header of this file)`).toBe(true);
    const bytes = new Uint8Array(readFileSync(FIXTURE));
    const { sys, verifyingKey } = fixtureStatement();
    const proof = readProof(bytes, verifyingKey);
    expect(writeProof(proof)).toEqual(bytes);
    verify(verifyingKey, proof, sys.publicValues);
  });

  it('is bound to its statement: the same bytes under another public input or key are rejected', () => {
    const bytes = new Uint8Array(readFileSync(FIXTURE));
    const { sys, verifyingKey } = fixtureStatement();
    const proof = readProof(bytes, verifyingKey);
    const other = setup(sys.airs, sys.preprocessed, { ...DEFAULT_PARAMS, numQueries: DEFAULT_PARAMS.numQueries + 1 }).verifyingKey;
    expect(rejectionCode(() => verify(other, { ...proof }, sys.publicValues))).toBe('verifying-key-mismatch');
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, { minSecurityBits: 128 }))).toBe('insufficient-security');
  });
});
