/**
 * Domain-separated BLAKE3 (https://github.com/BLAKE3-team/BLAKE3-specs) for Merkle leaves and nodes.
 * Keyed mode with two fixed keys, LEAF_KEY = BLAKE3("zkc/merkle/leaf/v1") and NODE_KEY =
 * BLAKE3("zkc/merkle/node/v1") (plain hash of the ASCII label), so a leaf can never be read as a node.
 * One hash at a time, in plain JS (noble for rows longer than a chunk); `kernels/blake3-wasm.ts` computes the
 * same digests in bulk. Both are tested against @noble/hashes, itself checked on the official vectors.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { CHUNK_END, CHUNK_START, KEYED_HASH, ROOT, compress, keyedHashOneChunk, wordsFromBytes } from './kernels/blake3-js.ts';

export type Digest = Uint8Array;
export const DIGEST_BYTES = 32;

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
export const LEAF_KEY: Uint8Array = blake3(ascii('zkc/merkle/leaf/v1'));
export const NODE_KEY: Uint8Array = blake3(ascii('zkc/merkle/node/v1'));

const LEAF_KEY_WORDS = wordsFromBytes(LEAF_KEY);
const NODE_KEY_WORDS = wordsFromBytes(NODE_KEY);
const CHUNK_WORDS = 256;

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The u32s as little-endian bytes (a view on little-endian hosts, a copy otherwise). */
export function u32sToBytesLE(words: Uint32Array): Uint8Array {
  if (IS_LITTLE_ENDIAN) return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(4 * i, words[i], true);
  return out;
}

/** Digest of a Merkle leaf: keyed BLAKE3 (LEAF_KEY) over the words in little-endian. */
export function hashLeaf(words: Uint32Array): Digest {
  if (words.length > CHUNK_WORDS) return blake3(u32sToBytesLE(words), { key: LEAF_KEY });
  const out = new Uint32Array(8);
  keyedHashOneChunk(LEAF_KEY_WORDS, words, out);
  return u32sToBytesLE(out);
}

const nodeBlock = new Uint32Array(16);

/** Digest of an inner node: keyed BLAKE3 (NODE_KEY) over left ‖ right, one 64-byte compression. */
export function hashNode(left: Digest, right: Digest): Digest {
  if (left.length !== DIGEST_BYTES || right.length !== DIGEST_BYTES) {
    throw new RangeError(`hashNode: digests must be ${DIGEST_BYTES} bytes, got ${left.length} and ${right.length}`);
  }
  for (let i = 0; i < 8; i++) {
    const j = 4 * i;
    nodeBlock[i] = (left[j] | (left[j + 1] << 8) | (left[j + 2] << 16) | (left[j + 3] << 24)) >>> 0;
    nodeBlock[i + 8] = (right[j] | (right[j + 1] << 8) | (right[j + 2] << 16) | (right[j + 3] << 24)) >>> 0;
  }
  const out = new Uint32Array(8);
  compress(NODE_KEY_WORDS, nodeBlock, 0, 64, CHUNK_START | CHUNK_END | ROOT | KEYED_HASH, out);
  return u32sToBytesLE(out);
}

/** Equality without an early exit (the verifier compares public values only, but it costs nothing). */
export function digestEquals(a: Digest, b: Digest): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function digestToHex(d: Digest): string {
  let s = '';
  for (let i = 0; i < d.length; i++) s += d[i].toString(16).padStart(2, '0');
  return s;
}
