// Every example guest under zkc's executor, checked against a host-side model of what it
// computes (noble's SHA-256, JS sorting and sieve, BigInt RV32M semantics from the ISA manual,
// ...), never against zkc's own earlier output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { loadElf } from '../../src/rv32im/elf.ts';
import { execute } from '../../src/rv32im/execute.ts';
import { EXAMPLES_DIR } from '../../guests/build-examples.ts';

const u32le = (...values: number[]): Uint8Array => {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return out;
};
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function run(name: string, input: Uint8Array = new Uint8Array(0), maxCycles?: number) {
  const program = loadElf(new Uint8Array(readFileSync(join(EXAMPLES_DIR, `${name}.elf`))));
  return execute(program, maxCycles === undefined ? { input } : { input, maxCycles });
}

function expectRun(name: string, input: Uint8Array, exitCode: number, journal: Uint8Array): void {
  const result = run(name, input);
  expect(result.exitCode).toBe(exitCode);
  expect(Buffer.from(result.journal).toString('hex')).toBe(Buffer.from(journal).toString('hex'));
}

// ---- host-side models ----

const fibonacci = (n: number): Uint8Array => {
  let a = 0n, b = 1n;
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) & 0xffff_ffff_ffff_ffffn];
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  view.setBigUint64(4, a, true);
  return out;
};

const primesUpTo = (n: number): Uint8Array => {
  const composite = new Uint8Array(n + 1);
  const primes: number[] = [];
  for (let p = 2; p <= n; p++) {
    if (composite[p]) continue;
    primes.push(p);
    for (let m = p * p; m <= n; m += p) composite[m] = 1;
  }
  return u32le(primes.length, ...primes);
};

const xorshift32 = (state: { x: number }): number => {
  let x = state.x;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (state.x = x >>> 0);
};

const matmul = (n: number, seed: number): Uint8Array => {
  const state = { x: seed };
  const a = Array.from({ length: n * n }, () => xorshift32(state));
  const b = Array.from({ length: n * n }, () => xorshift32(state));
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum = (sum + Math.imul(a[i * n + k]!, b[k * n + j]!)) | 0;
      c.push(sum);
    }
  }
  return u32le(n, ...c);
};

/** RV32M from the ISA manual (ch. 7, Table 7.1 for division corner cases), in BigInt. */
const rv32m = (a: number, b: number): number[] => {
  const s = (x: number) => BigInt(x | 0);
  const u = (x: number) => BigInt(x >>> 0);
  const lo = (x: bigint) => Number(BigInt.asUintN(32, x));
  const hi = (x: bigint) => Number(BigInt.asUintN(32, x >> 32n));
  const divS = (): number => {
    if (b === 0) return 0xffffffff;
    if ((a | 0) === -0x80000000 && (b | 0) === -1) return 0x80000000;
    return lo(s(a) / s(b)); // BigInt division truncates toward zero, as RISC-V does
  };
  const remS = (): number => {
    if (b === 0) return a >>> 0;
    if ((a | 0) === -0x80000000 && (b | 0) === -1) return 0;
    return lo(s(a) % s(b));
  };
  return [
    lo(s(a) * s(b)),
    hi(s(a) * s(b)),
    hi(s(a) * u(b)),
    hi(u(a) * u(b)),
    divS(),
    b === 0 ? 0xffffffff : lo(u(a) / u(b)),
    remS(),
    b === 0 ? a >>> 0 : lo(u(a) % u(b)),
  ];
};
const MULDIV_EDGES = [0, 1, 2, 3, 7, 0xffffffff, 0xfffffffe, 0xfffffff9, 0x7fffffff, 0x80000000, 0x80000001, 0xffff, 0x10000, 0x55555555, 0xaaaaaaaa, 0xdeadbeef];
const muldiv = (extraPairs: [number, number][]): Uint8Array => {
  const values: number[] = [];
  for (const a of MULDIV_EDGES) for (const b of MULDIV_EDGES) values.push(...rv32m(a, b));
  for (const [a, b] of extraPairs) values.push(...rv32m(a, b));
  return u32le(...values);
};

const recursion = (m: number, n: number, depth: number): Uint8Array => {
  let calls = 0;
  const ackermann = (m: number, n: number): number => {
    calls++;
    if (m === 0) return n + 1;
    if (n === 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
  };
  const fib = (k: number): number => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  let deep = 0;
  for (let level = 0; level <= depth; level++) {
    let sum = Math.imul(deep, 31);
    for (let i = 0; i < 16; i++) sum = (sum + level * 16 + i) | 0;
    deep = sum;
  }
  const a = ackermann(m, n);
  return u32le(a, calls, fib(20), deep);
};

const benchLoop = (iterations: number): Uint8Array => {
  const table = new Uint32Array(1024);
  let x = 0x12345678, acc = 0;
  for (let n = 0; n < iterations; n++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const i = x & 1023;
    const v = (Math.imul(table[i]!, 0x9e3779b1) + (x >>> 3)) >>> 0;
    table[i] = v;
    acc = (((acc ^ (acc >>> 7)) >>> 0) + Math.floor(v / ((x & 0xff) | 1))) >>> 0;
  }
  let sum = 0;
  for (const v of table) sum = (sum + v) >>> 0;
  return u32le(iterations, acc, sum);
};

// ---- tests ----

describe('example guests under zkc', () => {
  it('hello: stdout and journal', () => {
    const result = run('hello');
    expect(result.exitCode).toBe(0);
    expect(new TextDecoder().decode(result.journal)).toBe('hello from zkc\n');
    expect(new TextDecoder().decode(result.stdout)).toBe('hello from zkc\n');
    expect(result.stderr.length).toBe(0);
  });

  it('exit42: exit code 42, empty journal', () => {
    expectRun('exit42', new Uint8Array(0), 42, new Uint8Array(0));
  });

  it.each([[0], [1], [2], [50], [93], [94], [1000]])('fibonacci(%i)', (n) => {
    expectRun('fibonacci', u32le(n), 0, fibonacci(n));
  });
  it('fibonacci: default n = 50 on empty input', () => {
    expectRun('fibonacci', new Uint8Array(0), 0, fibonacci(50));
  });

  it.each([0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 1000, 4097])('sha256 of %i bytes', (length) => {
    const input = Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);
    expectRun('sha256', input, 0, sha256(input));
  });
  it('sha256("abc") is the FIPS 180-2 vector', () => {
    expectRun('sha256', ascii('abc'), 0, Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex'));
  });

  it.each([[0], [1], [2], [17], [1000]])('sort of %i values', (count) => {
    const state = { x: 0xabcdef01 + count };
    const values = Array.from({ length: count }, () => xorshift32(state) % (count < 20 ? 8 : 0x1_0000_0000));
    values.push(...(count > 5 ? [0, 0xffffffff, 0x80000000] : []));
    const sorted = [...values].sort((a, b) => a - b);
    expectRun('sort', u32le(...values), 0, u32le(...sorted));
  });
  it('sort: exit code 1 when input is not whole u32s', () => expectRun('sort', new Uint8Array(5), 1, new Uint8Array(0)));

  it.each([[0], [1], [2], [3], [100], [10007]])('primes up to %i', (n) => expectRun('primes', u32le(n), 0, primesUpTo(n)));
  it('primes: default N = 1000', () => expectRun('primes', new Uint8Array(0), 0, primesUpTo(1000)));

  it.each([[1, 7], [5, 0xdeadbeef], [24, 42]])('matmul n=%i seed=%i', (n, seed) => expectRun('matmul', u32le(n, seed), 0, matmul(n, seed)));
  it('matmul: default n=16 seed=1; exit 1 on seed 0', () => {
    expectRun('matmul', new Uint8Array(0), 0, matmul(16, 1));
    expectRun('matmul', u32le(4, 0), 1, new Uint8Array(0));
  });

  it('muldiv: edge values, then input pairs', () => {
    const pairs: [number, number][] = [[0x80000000, 0xffffffff], [12345, 0], [0xffffffff, 0x80000000], [0x12345678, 0x9abcdef0]];
    expectRun('muldiv', u32le(...pairs.flat()), 0, muldiv(pairs));
  });

  it.each([[2, 3, 10000], [3, 4, 100], [0, 0, 0], [1, 6, 12000]])('recursion m=%i n=%i depth=%i', (m, n, depth) => {
    expectRun('recursion', u32le(m, n, depth), 0, recursion(m, n, depth));
  });
  it('recursion: defaults, and exit 1 past the stack bound', () => {
    expectRun('recursion', new Uint8Array(0), 0, recursion(2, 3, 10000));
    expectRun('recursion', u32le(1, 1, 12001), 1, new Uint8Array(0));
  });

  it.each([[0], [1], [1000], [20000]])('bench-loop with %i iterations', (iterations) => {
    expectRun('bench-loop', u32le(iterations), 0, benchLoop(iterations));
  });
  it('bench-loop default: 2.5M iterations, at least 50M instructions (~0.4 s)', () => {
    const result = run('bench-loop');
    expect(result.exitCode).toBe(0);
    expect(Buffer.from(result.journal).toString('hex')).toBe(Buffer.from(benchLoop(2_500_000)).toString('hex'));
    expect(result.cycles).toBeGreaterThanOrEqual(50_000_000);
  });
});
