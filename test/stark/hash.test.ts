import { describe, expect, it } from 'vitest';
import { blake3 } from '@noble/hashes/blake3.js';
import { LEAF_KEY, NODE_KEY, digestEquals, digestToHex, hashLeaf, hashNode, u32sToBytesLE } from '../../src/stark/hash.ts';
import { CHUNK_END, CHUNK_START, KEYED_HASH, PARENT, ROOT, compress, wordsFromBytes } from '../../src/stark/kernels/blake3-js.ts';
import { xorshift } from '../helpers/random-matrices.ts';

// Official BLAKE3 vectors: github.com/BLAKE3-team/BLAKE3 test_vectors/test_vectors.json (first 32 bytes of each
// extended output). Input: bytes i % 251 of the given length; keyed_hash key: "whats the Elvish word for friend".
const KEY = new TextEncoder().encode('whats the Elvish word for friend');
const VECTORS: [number, string, string][] = [
  [0, 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262', '92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26'],
  [1, '2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213', '6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b'],
  [1023, '10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11', 'c951ecdf03288d0fcc96ee3413563d8a6d3589547f2c2fb36d9786470f1b9d6e'],
  [1024, '42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7', '75c46f6f3d9eb4f55ecaaee480db732e6c2105546f1e675003687c31719c7ba4'],
  [1025, 'd00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444', '357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69'],
  [2048, 'e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a', '879cf1fa2ea0e79126cb1063617a05b6ad9d0b696d0d757cf053439f60a99dd1'],
  [2049, '5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030', '9f29700902f7c86e514ddc4df1e3049f258b2472b6dd5267f61bf13983b78dd5'],
  [3072, 'b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2', '044a0e7b172a312dc02a4c9a818c036ffa2776368d7f528268d2e6b5df191770'],
  [4097, '9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995', '00df940cd36bb9fa7cbbc3556744e0dbc8191401afe70520ba292ee3ca80abbc'],
  [7169, 'a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817', 'ed9b1a922c046fdb3d423ae34e143b05ca1bf28b710432857bf738bcedbfa511'],
];
const input = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

describe('BLAKE3 (@noble/hashes) against the official vectors', () => {
  it.each(VECTORS)('length %i: hash and keyed_hash', (len, hash, keyed) => {
    expect(digestToHex(blake3(input(len)))).toBe(hash);
    expect(digestToHex(blake3(input(len), { key: KEY }))).toBe(keyed);
  });
});

describe('hashLeaf / hashNode', () => {
  it('hashLeaf is keyed BLAKE3 with LEAF_KEY over little-endian words', () => {
    const words = Uint32Array.of(0x04030201, 0x78000000, 0);
    const bytes = Uint8Array.of(1, 2, 3, 4, 0, 0, 0, 0x78, 0, 0, 0, 0);
    expect(u32sToBytesLE(words)).toEqual(bytes);
    expect(hashLeaf(words)).toEqual(blake3(bytes, { key: LEAF_KEY }));
  });

  it('the keys are the BLAKE3 hashes of their labels and differ, so leaves and nodes are separated', () => {
    expect(LEAF_KEY).toEqual(blake3(new TextEncoder().encode('zkc/merkle/leaf/v1')));
    expect(NODE_KEY).toEqual(blake3(new TextEncoder().encode('zkc/merkle/node/v1')));
    const left = hashLeaf(Uint32Array.of(1));
    const right = hashLeaf(Uint32Array.of(2));
    const asWords = new Uint32Array(16);
    new Uint8Array(asWords.buffer).set([...left, ...right]);
    expect(digestEquals(hashNode(left, right), hashLeaf(asWords))).toBe(false);
    expect(hashNode(left, right)).toEqual(blake3(Uint8Array.from([...left, ...right]), { key: NODE_KEY }));
  });

  it('hashLeaf equals noble keyed BLAKE3 for every width 0..300 words (one chunk in JS, more via noble)', () => {
    const next = xorshift(3);
    for (let width = 0; width <= 300; width++) {
      const words = Uint32Array.from({ length: width }, () => next());
      expect(hashLeaf(words), `width ${width}`).toEqual(blake3(new Uint8Array(words.buffer), { key: LEAF_KEY }));
    }
  });

  it('hashNode equals noble keyed BLAKE3 of left ‖ right on random digests', () => {
    const next = xorshift(4);
    for (let k = 0; k < 200; k++) {
      const left = Uint8Array.from({ length: 32 }, () => next() & 0xff);
      const right = Uint8Array.from({ length: 32 }, () => next() & 0xff);
      expect(hashNode(left, right)).toEqual(blake3(Uint8Array.from([...left, ...right]), { key: NODE_KEY }));
    }
  });

  it('hashNode is order-sensitive and rejects wrong digest lengths', () => {
    const a = hashLeaf(Uint32Array.of(1));
    const b = hashLeaf(Uint32Array.of(2));
    expect(digestEquals(hashNode(a, b), hashNode(b, a))).toBe(false);
    expect(() => hashNode(a, b.subarray(1))).toThrow(RangeError);
  });

  it('digestEquals compares every byte and the length', () => {
    const a = hashLeaf(Uint32Array.of(7));
    for (const i of [0, 15, 31]) {
      const b = a.slice();
      b[i] ^= 1;
      expect(digestEquals(a, b)).toBe(false);
    }
    expect(digestEquals(a, a.slice())).toBe(true);
    expect(digestEquals(a, a.subarray(0, 31))).toBe(false);
  });
});

describe('plain-JS BLAKE3 compression', () => {
  it('equals noble on one-block keyed hashes of every length 0..64', () => {
    const next = xorshift(11);
    for (let len = 0; len <= 64; len++) {
      const key = Uint8Array.from({ length: 32 }, () => next() & 0xff);
      const msg = Uint8Array.from({ length: len }, () => next() & 0xff);
      const padded = new Uint8Array(64);
      padded.set(msg);
      const out = new Uint32Array(8);
      compress(wordsFromBytes(key), wordsFromBytes(padded), 0, len, CHUNK_START | CHUNK_END | ROOT | KEYED_HASH, out);
      expect(new Uint8Array(out.buffer)).toEqual(blake3(msg, { key }));
    }
  });

  it('chains blocks and parents like noble (two-chunk keyed hash)', () => {
    const msg = input(2048);
    const words = wordsFromBytes(msg);
    const key = wordsFromBytes(KEY);
    const chunkCv = (c: number) => {
      let cv = key;
      for (let b = 0; b < 16; b++) {
        const out = new Uint32Array(8);
        const flags = KEYED_HASH | (b === 0 ? CHUNK_START : 0) | (b === 15 ? CHUNK_END : 0);
        compress(cv, words.subarray(256 * c + 16 * b, 256 * c + 16 * b + 16), c, 64, flags, out);
        cv = out;
      }
      return cv;
    };
    const parentBlock = new Uint32Array(16);
    parentBlock.set(chunkCv(0));
    parentBlock.set(chunkCv(1), 8);
    const root = new Uint32Array(8);
    compress(key, parentBlock, 0, 64, PARENT | ROOT | KEYED_HASH, root);
    expect(digestToHex(new Uint8Array(root.buffer))).toBe(VECTORS.find(([n]) => n === 2048)![2]);
  });
});
