// The SDK runtime (guests/sdk/zkc_rt.c) against host models: 64-bit division (BigInt, with the
// divide-by-zero and INT64_MIN/-1 cases the SDK defines), memmove/memset/memcpy/memcmp, and the heap.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadElf } from '../../src/rv32im/elf.ts';
import { execute } from '../../src/rv32im/execute.ts';
import { buildGuest } from '../../src/toolchain/build.ts';
import { hasClang, warnIfMissing } from '../helpers/toolchain.ts';

warnIfMissing(hasClang, 'SDK runtime tests', 'clang lld');

const EDGES = [0n, 1n, 2n, 3n, 7n, 0xffffffffn, 0x100000000n, 0x123456789abcdefn, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xfffffffffffffffen, 0xffffffffffffffffn];

/** The SDK's documented semantics: truncating division; x/0 = all ones (unsigned) or -1, x%0 = x. */
function model(a: bigint, b: bigint): bigint[] {
  const s = (x: bigint) => BigInt.asIntN(64, x);
  const u = (x: bigint) => BigInt.asUintN(64, x);
  if (b === 0n) return [u(-1n), a, u(-1n), a];
  if (s(a) === -(1n << 63n) && s(b) === -1n) return [a / b, a % b, a, 0n];
  return [a / b, a % b, u(s(a) / s(b)), u(s(a) % s(b))];
}

describe.skipIf(!hasClang)('SDK runtime (zkc_rt.c)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkc-rt-'));
  const elfPath = join(dir, 'selftest.elf');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    await buildGuest({ sources: [join(import.meta.dirname, 'fixtures', 'runtime-selftest.c')], output: elfPath });
  });

  it('64-bit division, memory functions and heap', () => {
    const pairs: [bigint, bigint][] = [];
    for (const a of EDGES) for (const b of EDGES) pairs.push([a, b]);
    for (let i = 0n; pairs.length < 300; i++) pairs.push([(i * 0x9e3779b97f4a7c15n) & ((1n << 64n) - 1n), (i * 0xc2b2ae3d27d4eb4fn) >> (i % 64n) & ((1n << 64n) - 1n)]);
    const input = new Uint8Array(pairs.length * 16); // 4800 bytes: zkc_read_all must grow its buffer
    const view = new DataView(input.buffer);
    pairs.forEach(([a, b], i) => {
      view.setBigUint64(16 * i, a, true);
      view.setBigUint64(16 * i + 8, b, true);
    });

    const result = execute(loadElf(new Uint8Array(readFileSync(elfPath))), { input });
    expect(result.exitCode).toBe(0);
    const journal = new DataView(result.journal.buffer, result.journal.byteOffset, result.journal.byteLength);
    expect(result.journal.length).toBe(pairs.length * 32 + 64 + 4 + 4);

    const wrong: string[] = [];
    pairs.forEach(([a, b], i) => {
      const got = [0, 1, 2, 3].map((k) => journal.getBigUint64(32 * i + 8 * k, true));
      const want = model(a, b);
      if (got.join() !== want.join()) wrong.push(`(${a.toString(16)}, ${b.toString(16)}): got ${got.map((x) => x.toString(16))}, want ${want.map((x) => x.toString(16))}`);
    });
    expect(wrong).toEqual([]);

    const buf = Uint8Array.from({ length: 64 }, (_, i) => i);
    buf.copyWithin(3, 0, 40);
    buf.copyWithin(0, 10, 40);
    buf.fill(0xab, 50, 59);
    buf.set(new TextEncoder().encode('wxyz'), 60);
    const at = pairs.length * 32;
    expect([...result.journal.subarray(at, at + 64)]).toEqual([...buf]);
    expect([...new Int8Array(result.journal.buffer, result.journal.byteOffset + at + 64, 4)]).toEqual([-1, 1, 0, 1]);
    expect(journal.getUint32(at + 68, true)).toBe(0); // heap failures
  });
});
