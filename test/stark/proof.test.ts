// The proof's binary encoding: canonical, versioned and strict (EOF, non-canonical elements, trailing bytes).
import { describe, expect, it } from 'vitest';
import { readProof, writeProof, PROOF_MAGIC } from '../../src/stark/proof.ts';
import { DecodeError } from '../../src/stark/codec.ts';
import { proveSystem, rangeCheckSystem } from '../helpers/test-airs.ts';

function decodeCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as DecodeError).code;
  }
  throw new Error('decoded');
}

describe('proof encoding', () => {
  const { verifyingKey, proof } = proveSystem(rangeCheckSystem(4));
  const bytes = writeProof(proof);

  it('starts with the magic and version', () => {
    expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(PROOF_MAGIC);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(1);
  });

  it('round-trips to the same bytes', () => {
    expect(writeProof(readProof(bytes, verifyingKey))).toEqual(bytes);
  });

  it('rejects every truncation point tried (unexpected-eof)', () => {
    for (const len of [0, 3, 7, 8, 40, 100, bytes.length >> 1, bytes.length - 1]) {
      expect(decodeCode(() => readProof(bytes.slice(0, len), verifyingKey)), `length ${len}`).toBe('unexpected-eof');
    }
  });

  it('rejects trailing bytes (unconsumed-bytes)', () => {
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(decodeCode(() => readProof(longer, verifyingKey))).toBe('unconsumed-bytes');
  });

  it('rejects another magic or version (invalid-value)', () => {
    for (const offset of [0, 4]) {
      const bad = bytes.slice();
      bad[offset] ^= 1;
      expect(decodeCode(() => readProof(bad, verifyingKey))).toBe('invalid-value');
    }
  });

  it('rejects a non-canonical field element (invalid-value)', () => {
    // The first claimed sum's first coordinate: magic, version, vk digest, 2 heights, main root, aux root.
    const offset = 8 + 32 + 8 + 32 + 32;
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(offset, 0x78000001 + 5, true); // p + 5 ≡ 5, a second encoding of 5
    expect(decodeCode(() => readProof(bad, verifyingKey))).toBe('invalid-value');
  });

  it('rejects an out-of-range table height before allocating (invalid-value)', () => {
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(8 + 32, 0xffffffff, true);
    expect(decodeCode(() => readProof(bad, verifyingKey))).toBe('invalid-value');
  });
});
