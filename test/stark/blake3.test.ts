import { describe, expect, it } from 'vitest';
import { blake3 } from '@noble/hashes/blake3.js';
import { LEAF_KEY } from '../../src/stark/hash.ts';
import { merkleCommit, merkleCommitWith, referenceTreeHasher } from '../../src/stark/merkle.ts';
import {
  blake3KernelAvailable,
  compressPairsWasm,
  hashLeavesWasm,
  hashSubtreesWasm,
  injectWasm,
} from '../../src/stark/kernels/blake3-wasm.ts';
import { randomMatrix, xorshift } from '../helpers/random-matrices.ts';

const SEED = 0xb1a4e3;
const next = xorshift(SEED);
console.log(`blake3 kernel tests: seed ${SEED}`);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff);

/** Byte equality reporting the first differing digest (vitest's deep toEqual is slow on large arrays). */
function expectSameDigests(actual: Uint8Array, expected: Uint8Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const i = actual.findIndex((b, k) => b !== expected[k]);
  if (i >= 0) expect.fail(`${what}: digest ${i >> 5} differs`);
}

describe('wasm BLAKE3 kernel', () => {
  it('is available in Node 20 (wasm SIMD)', () => {
    expect(blake3KernelAvailable()).toBe(true);
  });

  it('leaf digests equal the reference for widths 0..40 and across chunk boundaries', () => {
    const widths = [...Array(41).keys(), 63, 64, 65, 255, 256, 257, 511, 512, 513, 768, 1024, 1025, 2049];
    for (const width of widths) {
      for (const height of [1, 2, 5, 8]) {
        const m = randomMatrix(next, width, height);
        expectSameDigests(hashLeavesWasm([m], height), referenceTreeHasher.leafDigests([m], height), `width ${width}, height ${height}`);
      }
    }
  });

  it('multi-chunk rows are standard keyed BLAKE3 (checked against noble directly)', () => {
    const m = randomMatrix(next, 1300, 4); // 5200 bytes: 6 chunks, a two-level chunk tree plus a lone chunk
    const digests = hashLeavesWasm([m], 4);
    for (let r = 0; r < 4; r++) {
      const row = Uint32Array.from({ length: 1300 }, (_, c) => m.values[c * 4 + r]);
      expect(digests.subarray(32 * r, 32 * r + 32)).toEqual(blake3(new Uint8Array(row.buffer), { key: LEAF_KEY }));
    }
  });

  it('concatenates same-height matrices and crosses batch boundaries', () => {
    for (const [widths, height] of [[[16], 4100], [[7, 9], 4100], [[300], 260], [[100, 200, 5], 130]] as const) {
      const ms = widths.map((w) => randomMatrix(next, w, height));
      const ref = referenceTreeHasher.leafDigests(ms, height);
      expectSameDigests(hashLeavesWasm(ms, height), ref, `${widths} × ${height}`);
      expectSameDigests(hashSubtreesWasm(ms, height, 1), referenceTreeHasher.compressPairs(ref), `pairs of ${widths} × ${height}`);
    }
  });

  it('fused subtree levels equal the reference, across batch boundaries and for wide rows', () => {
    for (const [widths, height, levels] of [[[16], 1 << 13, 6], [[3, 5], 1 << 12, 2], [[32], 1 << 12, 3], [[300], 512, 9], [[1], 64, 6], [[2300], 16, 4]] as const) {
      const ms = widths.map((w) => randomMatrix(next, w, height));
      const expected = referenceTreeHasher.subtreeDigests(ms, height, levels);
      expect(expected.length).toBe(32 * (height >> levels));
      expectSameDigests(hashSubtreesWasm(ms, height, levels), expected, `${levels} levels over ${widths} × ${height}`);
    }
  });

  it('node pairs and injections equal the reference, including partial groups and batch boundaries', () => {
    for (const count of [0, 1, 2, 3, 4, 5, 17, 16389]) {
      const children = randomBytes(64 * count);
      expectSameDigests(compressPairsWasm(children), referenceTreeHasher.compressPairs(children), `${count} pairs`);
      if (count > 100) continue; // batch crossing is covered by the pairs above
      const nodes = randomBytes(32 * count);
      const injected = randomBytes(32 * count);
      const expected = nodes.slice();
      referenceTreeHasher.injectInPlace(expected, injected);
      injectWasm(nodes, injected);
      expectSameDigests(nodes, expected, `${count} injections`);
    }
  });

  it('merkleCommit equals the reference tree on random mixed-height sets (widths 1..300, heights 1..2^12)', () => {
    for (let trial = 0; trial < 12; trial++) {
      const logMax = next() % 13;
      const count = 1 + (next() % 4);
      const ms = Array.from({ length: count }, (_, i) => {
        const logH = i === 0 ? logMax : next() % (logMax + 1);
        const maxWidth = Math.max(1, Math.min(300, (1 << 16) >> logH)); // keeps the reference fast
        return randomMatrix(next, 1 + (next() % maxWidth), 1 << logH);
      });
      const kernelTree = merkleCommit(ms);
      const referenceTree = merkleCommitWith(ms, referenceTreeHasher);
      const shape = ms.map((m) => `${m.width}×${m.height}`).join(', ');
      expect(kernelTree.root, shape).toEqual(referenceTree.root);
      kernelTree.levels.forEach((level, l) => expectSameDigests(level, referenceTree.levels[l], `${shape}, level ${l + 1}`));
    }
  });
});
