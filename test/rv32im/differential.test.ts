// Differential test, example guests: zkc's executor and qemu-riscv32 (user mode) must agree on
// exit code, journal (fd 3) and stdout for every example and several inputs each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, exampleNames } from '../../guests/build-examples.ts';
import { loadElf } from '../../src/rv32im/elf.ts';
import { execute } from '../../src/rv32im/execute.ts';
import { mapConcurrent, runQemu } from '../helpers/qemu.ts';
import { hasQemu, warnIfMissing } from '../helpers/toolchain.ts';

warnIfMissing(hasQemu, 'zkc-vs-qemu differential tests (examples)', 'qemu-user');

const u32le = (...values: number[]): Uint8Array => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v >>> 0, true));
  return out;
};
/** Deterministic pseudo-random bytes (xorshift32), so inputs are the same on every run. */
const bytes = (length: number, seed: number): Uint8Array => {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
};
const EMPTY = new Uint8Array(0);

/** Inputs per example; every example in guests/examples must be listed (checked below). */
const INPUTS: Record<string, Uint8Array[]> = {
  hello: [EMPTY, bytes(3, 1)],
  exit42: [EMPTY],
  fibonacci: [EMPTY, u32le(77), u32le(0)],
  sha256: [EMPTY, bytes(1000, 2), bytes(64, 3)],
  sort: [EMPTY, bytes(400, 4), bytes(7, 5)],
  primes: [EMPTY, u32le(5000)],
  matmul: [EMPTY, u32le(9, 99), u32le(300, 1)],
  muldiv: [EMPTY, bytes(8 * 50, 6)],
  recursion: [EMPTY, u32le(3, 3, 500), u32le(9, 9, 9)],
  // The default (2.5M iterations, ~55M instructions) is checked in test/guests/examples.test.ts.
  'bench-loop': [u32le(5000), u32le(1)],
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(!hasQemu)('example guests: zkc = qemu-riscv32', () => {
  it('every example has inputs listed', () => {
    expect(exampleNames().filter((name) => INPUTS[name] === undefined)).toEqual([]);
  });

  const cases = Object.entries(INPUTS).flatMap(([name, inputs]) => inputs.map((input, i) => ({ name, input, label: `${name} #${i} (${input.length} input bytes)` })));

  it(`${cases.length} runs agree`, async () => {
    const qemuResults = await mapConcurrent(cases, 4, (c) => runQemu(join(EXAMPLES_DIR, `${c.name}.elf`), c.input));
    for (const [i, c] of cases.entries()) {
      const zkc = execute(loadElf(new Uint8Array(readFileSync(join(EXAMPLES_DIR, `${c.name}.elf`)))), { input: c.input });
      const qemu = qemuResults[i]!;
      expect({ case: c.label, exitCode: qemu.exitCode, signal: qemu.signal }).toEqual({ case: c.label, exitCode: zkc.exitCode, signal: null });
      expect({ case: c.label, journal: hex(zkc.journal), stdout: hex(zkc.stdout) }).toEqual({ case: c.label, journal: hex(qemu.journal), stdout: hex(qemu.stdout) });
    }
  }, 300_000);
});
