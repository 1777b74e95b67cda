// buildGuest and `zkc build`: typed errors, and a real build when clang is installed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBuild } from '../../src/cli/build.ts';
import { buildGuest } from '../../src/toolchain/build.ts';
import { ToolchainError } from '../../src/toolchain/errors.ts';
import { loadElf } from '../../src/rv32im/elf.ts';
import { execute } from '../../src/rv32im/execute.ts';
import { findPicolibc } from '../../src/toolchain/picolibc.ts';
import { runQemu } from '../helpers/qemu.ts';
import { hasClang, hasQemu, warnIfMissing } from '../helpers/toolchain.ts';

warnIfMissing(hasClang, 'guest build tests', 'clang lld');
const hasPicolibc = (() => {
  try {
    findPicolibc();
    return true;
  } catch {
    return false;
  }
})();
warnIfMissing(hasPicolibc, '`zkc build --picolibc` tests', 'picolibc-riscv64-unknown-elf gcc-riscv64-unknown-elf');

const dir = mkdtempSync(join(tmpdir(), 'zkc-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectToolchainError(promise: Promise<unknown>, code: string, message: RegExp) {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ToolchainError);
  expect((err as ToolchainError).code).toBe(code);
  expect((err as ToolchainError).message).toMatch(message);
  expect((err as ToolchainError).message).not.toContain('\n');
}

describe('buildGuest: argument errors (no clang needed)', () => {
  it('rejects a missing source', async () => {
    await expectToolchainError(buildGuest({ sources: [join(dir, 'nope.c')], output: join(dir, 'x.elf') }), 'source-not-found', /source file not found: .*nope\.c/);
  });
  it('rejects an empty source list and a bad -O level', async () => {
    await expectToolchainError(buildGuest({ sources: [], output: join(dir, 'x.elf') }), 'bad-options', /no source files/);
    writeFileSync(join(dir, 'ok.c'), 'int main(void) { return 0; }\n');
    await expectToolchainError(
      buildGuest({ sources: [join(dir, 'ok.c')], output: join(dir, 'x.elf'), optLevel: '9' as never }),
      'bad-options',
      /bad optimisation level -O9/,
    );
  });
  it('names the package when clang is missing', async () => {
    writeFileSync(join(dir, 'ok.c'), 'int main(void) { return 0; }\n');
    const savedPath = process.env.PATH;
    process.env.PATH = join(dir, 'empty-bin');
    try {
      await expectToolchainError(buildGuest({ sources: [join(dir, 'ok.c')], output: join(dir, 'x.elf') }), 'tool-not-found', /^clang not found: apt-get install clang lld$/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe.skipIf(!hasClang)('buildGuest with clang', () => {
  it('builds an RV32IM ELF32 executable', async () => {
    writeFileSync(join(dir, 'ret7.c'), '#include "zkc.h"\nint main(void) { zkc_commit_u32(7); return 7; }\n');
    await buildGuest({ sources: [join(dir, 'ret7.c')], output: join(dir, 'out', 'ret7.elf') });
    const elf = readFileSync(join(dir, 'out', 'ret7.elf'));
    expect([...elf.subarray(0, 5)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 1]); // ELF, 32-bit
    expect(elf.readUInt16LE(18)).toBe(243); // EM_RISCV
    expect(elf.readUInt32LE(24)).toBe(0x10000); // entry = _start at the start of .text
    expect(elf.readUInt32LE(36) & 1).toBe(0); // no RVC
  });

  it('reports the first compiler error in one line, full diagnostics in details', async () => {
    writeFileSync(join(dir, 'bad.c'), 'int main(void) { return undefined_name; }\n');
    const err = await buildGuest({ sources: [join(dir, 'bad.c')], output: join(dir, 'bad.elf') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolchainError);
    expect((err as ToolchainError).code).toBe('compile-failed');
    expect((err as ToolchainError).message).toMatch(/^guest build failed: .*bad\.c:1:\d+: error: use of undeclared identifier 'undefined_name'$/);
    expect((err as ToolchainError).details).toContain('undefined_name');
    expect(existsSync(join(dir, 'bad.elf'))).toBe(false);
  });

  it('rejects code needing a missing runtime symbol at link time', async () => {
    writeFileSync(join(dir, 'float.c'), 'volatile float f = 1.5f;\nint main(void) { return (int)(f * f); }\n');
    await expectToolchainError(buildGuest({ sources: [join(dir, 'float.c')], output: join(dir, 'float.elf') }), 'compile-failed', /undefined symbol: __mulsf3/);
  });

  it('rejects an ELF that zkc cannot load (bss past the end of guest memory)', async () => {
    // 511 MiB of bss plus the 4 MiB heap: the data segment runs past 0x2000_0000.
    writeFileSync(join(dir, 'huge.c'), 'char big[511u << 20];\nint main(void) { big[7] = 1; return big[12345]; }\n');
    await expectToolchainError(buildGuest({ sources: [join(dir, 'huge.c')], output: join(dir, 'huge.elf') }), 'bad-output', /zkc cannot load it: segment .* outside guest memory/);
  });

  it('rejects an output path whose directory cannot be created', async () => {
    writeFileSync(join(dir, 'ok.c'), 'int main(void) { return 0; }\n');
    // A regular file where the output directory should be: mkdir fails with EEXIST/ENOTDIR.
    await expectToolchainError(buildGuest({ sources: [join(dir, 'ok.c')], output: join(dir, 'ok.c', 'out.elf') }), 'output-not-writable', /cannot create output directory .*ok\.c: E[A-Z]+$/);
    // Node 20's recursive mkdirSync loops forever here; the error must come at once.
    await expectToolchainError(buildGuest({ sources: [join(dir, 'ok.c')], output: '/proc/zkc-missing/sub/out.elf' }), 'output-not-writable', /cannot create output directory \/proc\/zkc-missing\/sub: ENOENT$/);
  });

  it('`zkc build a.c b.c -o out.elf -O1` via registerBuild', async () => {
    writeFileSync(join(dir, 'a.c'), 'int twice(int x);\nint main(void) { return twice(21); }\n');
    writeFileSync(join(dir, 'b.c'), 'int twice(int x) { return 2 * x; }\n');
    const program = new Command('zkc').exitOverride();
    registerBuild(program);
    const out = join(dir, 'cli.elf');
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'zkc', 'build', join(dir, 'a.c'), join(dir, 'b.c'), '-o', out, '-O1']);
    } finally {
      process.stdout.write = write;
    }
    expect(existsSync(out)).toBe(true);
    expect(written.join('')).toBe(`wrote ${out}\n`);
  });
});

describe.skipIf(!hasClang || !hasPicolibc)('buildGuest --picolibc', () => {
  it('printf, malloc, 64-bit and soft-float arithmetic, exit code; same under qemu', async () => {
    writeFileSync(
      join(dir, 'pico.c'),
      [
        '#include <stdio.h>',
        '#include <stdlib.h>',
        '#include <string.h>',
        '#include "zkc.h"',
        'int main(void) {',
        '  char *name = malloc(16);',
        '  size_t n = zkc_read(name, 15);',
        '  name[n] = 0;',
        '  volatile double x = 2.5;',
        '  printf("hello %s %llu %d\\n", name, 1234567890123ull / 7, (int)(x * x * 100));',
        '  zkc_commit(name, strlen(name));',
        '  return 7;',
        '}',
      ].join('\n'),
    );
    const out = join(dir, 'pico.elf');
    await buildGuest({ sources: [join(dir, 'pico.c')], output: out, picolibc: true });
    const input = new TextEncoder().encode('zkc');
    const result = execute(loadElf(new Uint8Array(readFileSync(out))), { input });
    expect(result.exitCode).toBe(7);
    expect(new TextDecoder().decode(result.stdout)).toBe(`hello zkc ${1234567890123n / 7n} 625\n`);
    expect(new TextDecoder().decode(result.journal)).toBe('zkc');
    if (hasQemu) {
      const qemu = await runQemu(out, input);
      expect([qemu.exitCode, Buffer.from(qemu.stdout).toString(), Buffer.from(qemu.journal).toString()]).toEqual([7, `hello zkc ${1234567890123n / 7n} 625\n`, 'zkc']);
    }
  });
});
