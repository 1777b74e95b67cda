// zkc runs ELFs from GNU's toolchain too: the SDK built with riscv64-unknown-elf-gcc
// -march=rv32im -mabi=ilp32 and GNU ld's DEFAULT linker script (ELF headers inside the first
// PT_LOAD, data right after text, gp from GNU ld), not zkc.ld.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadElf } from '../../src/rv32im/elf.ts';
import { execute } from '../../src/rv32im/execute.ts';
import { SDK_DIR, SDK_SOURCES } from '../../src/toolchain/build.ts';
import { EXAMPLES_DIR } from '../../guests/build-examples.ts';
import { runQemu } from '../helpers/qemu.ts';
import { hasQemu, hasRiscvGcc, riscvGccPath, warnIfMissing } from '../helpers/toolchain.ts';

warnIfMissing(hasRiscvGcc, 'GNU-toolchain ELF test', 'gcc-riscv64-unknown-elf');

describe.skipIf(!hasRiscvGcc)('ELF from riscv64-unknown-elf-gcc (default layout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkc-gcc-'));
  const elfPath = join(dir, 'sha256.elf');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    execFileSync(riscvGccPath!, [
      '-march=rv32im', '-mabi=ilp32', '-O2', '-ffreestanding', '-nostdlib', '-nostartfiles', '-static',
      `-I${SDK_DIR}`,
      // sha256 needs no heap: an empty one at the end of bss satisfies zkc_rt.c's references.
      '-Wl,--defsym=__heap_start=_end', '-Wl,--defsym=__heap_end=_end',
      ...SDK_SOURCES.map((file) => join(SDK_DIR, file)),
      join(EXAMPLES_DIR, 'sha256.c'),
      '-o', elfPath,
    ]);
  });

  it('uses the GNU default layout (headers mapped in the first PT_LOAD at 0x10000)', () => {
    const elf = readFileSync(elfPath);
    const phoff = elf.readUInt32LE(28);
    const phnum = elf.readUInt16LE(44);
    const loads = Array.from({ length: phnum }, (_, i) => phoff + 32 * i).filter((at) => elf.readUInt32LE(at) === 1); // PT_LOAD
    expect(loads.length).toBeGreaterThanOrEqual(2);
    expect(elf.readUInt32LE(loads[0]! + 4)).toBe(0); // p_offset 0: the ELF header is loaded
    expect(elf.readUInt32LE(loads[0]! + 8)).toBe(0x10000);
    // Non-LOAD headers (PT_RISCV_ATTRIBUTES from GNU as) are present and must be ignored by zkc.
    expect(phnum).toBeGreaterThan(loads.length);
  });

  it('runs under zkc with the right journal', () => {
    const input = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const result = execute(loadElf(new Uint8Array(readFileSync(elfPath))), { input });
    expect(result.exitCode).toBe(0);
    expect(Buffer.from(result.journal).toString('hex')).toBe(Buffer.from(sha256(input)).toString('hex'));
  });

  it.skipIf(!hasQemu)('and agrees with qemu-riscv32', async () => {
    const input = new TextEncoder().encode('abc');
    const zkc = execute(loadElf(new Uint8Array(readFileSync(elfPath))), { input });
    const qemu = await runQemu(elfPath, input);
    expect(qemu.exitCode).toBe(zkc.exitCode);
    expect(Buffer.from(qemu.journal).toString('hex')).toBe(Buffer.from(zkc.journal).toString('hex'));
  });
});
