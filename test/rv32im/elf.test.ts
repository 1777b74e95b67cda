import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadElf } from '../../src/rv32im/elf.ts';
import { ElfError, type ElfErrorCode } from '../../src/rv32im/errors.ts';
import { execute } from '../../src/rv32im/execute.ts';
import { GUEST_END_ADDR, STACK_RESERVED_BOTTOM } from '../../src/rv32im/platform.ts';
import * as enc from '../../src/rv32im/encode.ts';
import { hasClang, hasRiscvGcc, warnIfMissing } from '../helpers/toolchain.ts';
import {
  EHDR,
  PF_R,
  PF_W,
  PF_X,
  PHDR,
  PT_GNU_STACK,
  PT_NOTE,
  PT_RISCV_ATTRIBUTES,
  PT_TLS,
  writeElf32,
  wordsToBytes,
  type Elf32Spec,
} from '../helpers/elf32.ts';

const CODE = wordsToBytes([enc.addi(10, 0, 7), enc.addi(17, 0, 93), enc.ecall()]);
const base = (): Elf32Spec => ({
  entry: 0x10000,
  segments: [
    { vaddr: 0x10000, bytes: CODE, flags: PF_R | PF_X },
    { vaddr: 0x11000, bytes: new Uint8Array([1, 2, 3, 4]), memsz: 4096, flags: PF_R | PF_W },
  ],
});

function expectElfError(bytes: Uint8Array, code: ElfErrorCode): void {
  let caught: unknown;
  try {
    loadElf(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ElfError);
  expect((caught as ElfError).code).toBe(code);
  expect((caught as ElfError).message).not.toContain('\n');
}

function patched(spec: Elf32Spec, patch: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = writeElf32(spec);
  patch(new DataView(bytes.buffer), bytes);
  return bytes;
}

const phdr = (i: number, field: keyof typeof PHDR): number => 52 + i * 32 + PHDR[field];

describe('loadElf: valid files', () => {
  it('loads segments sorted, with bss zeroed, and runs', () => {
    const spec = base();
    spec.segments.reverse(); // phdr order must not matter
    const program = loadElf(writeElf32(spec));
    expect(program.entry).toBe(0x10000);
    expect(program.segments.map((s) => s.vaddr)).toEqual([0x10000, 0x11000]);
    const data = program.segments[1]!;
    expect(data.bytes.length).toBe(4096);
    expect(Array.from(data.bytes.subarray(0, 6))).toEqual([1, 2, 3, 4, 0, 0]);
    expect(data.bytes.subarray(4).every((b) => b === 0)).toBe(true);
    expect([data.readable, data.writable, data.executable]).toEqual([true, true, false]);
    expect(program.segments[0]!.executable).toBe(true);
    expect(execute(program).exitCode).toBe(7);
  });

  it('ignores non-PT_LOAD segments (TLS, NOTE, GNU_STACK, RISCV_ATTRIBUTES) and empty PT_LOADs', () => {
    const spec = base();
    // These would be rejected if loaded: out of range / overlapping code.
    spec.segments.push({ vaddr: 0, bytes: new Uint8Array(8), flags: PF_R, type: PT_TLS });
    spec.segments.push({ vaddr: 0x10000, bytes: new Uint8Array(8), flags: PF_R, type: PT_NOTE });
    spec.segments.push({ vaddr: 0, bytes: new Uint8Array(0), memsz: 0, flags: PF_R | PF_W, type: PT_GNU_STACK });
    spec.segments.push({ vaddr: 0, bytes: new Uint8Array(4), flags: PF_R, type: PT_RISCV_ATTRIBUTES });
    spec.segments.push({ vaddr: 0x10000, bytes: new Uint8Array(0), memsz: 0, flags: PF_R });
    const program = loadElf(writeElf32(spec));
    expect(program.segments.length).toBe(2);
  });

  it('is deterministic', () => {
    const bytes = writeElf32(base());
    expect(loadElf(bytes)).toEqual(loadElf(bytes));
  });
});

describe('loadElf: one error per check', () => {
  it('not-elf', () => {
    expectElfError(new Uint8Array([1, 2, 3]), 'not-elf');
    expectElfError(patched(base(), (_, b) => (b[1] = 0x46)), 'not-elf');
  });
  it('truncated header and program header table', () => {
    expectElfError(writeElf32(base()).subarray(0, 40), 'truncated');
    expectElfError(writeElf32(base()).subarray(0, 52 + 40), 'truncated');
    expectElfError(patched(base(), (v) => v.setUint32(EHDR.phoff, 0xffff_fff0, true)), 'truncated');
  });
  it('elf64, bad class, big-endian, bad version', () => {
    expectElfError(patched(base(), (_, b) => (b[EHDR.class] = 2)), 'elf64');
    expectElfError(patched(base(), (_, b) => (b[EHDR.class] = 3)), 'bad-class');
    expectElfError(patched(base(), (_, b) => (b[EHDR.data] = 2)), 'big-endian');
    expectElfError(patched(base(), (_, b) => (b[EHDR.version] = 0)), 'bad-version');
  });
  it('wrong-machine, not-executable (ET_REL, ET_DYN)', () => {
    expectElfError(writeElf32({ ...base(), machine: 62 }), 'wrong-machine');
    expectElfError(writeElf32({ ...base(), type: 1 }), 'not-executable');
    expectElfError(writeElf32({ ...base(), type: 3 }), 'not-executable');
  });
  it('compressed (EF_RISCV_RVC) and float/RVE ABIs', () => {
    expectElfError(writeElf32({ ...base(), flags: 0x1 }), 'compressed');
    expectElfError(writeElf32({ ...base(), flags: 0x2 }), 'unsupported-abi');
    expectElfError(writeElf32({ ...base(), flags: 0x8 }), 'unsupported-abi');
  });
  it('bad-phentsize', () => {
    expectElfError(patched(base(), (v) => v.setUint16(EHDR.phentsize, 56, true)), 'bad-phentsize');
  });
  it('segment-out-of-file', () => {
    expectElfError(
      patched(base(), (v) => {
        v.setUint32(phdr(0, 'filesz'), 0x1000, true);
        v.setUint32(phdr(0, 'memsz'), 0x1000, true);
      }),
      'segment-out-of-file',
    );
    expectElfError(patched(base(), (v) => v.setUint32(phdr(0, 'offset'), 0xffff_ff00, true)), 'segment-out-of-file');
  });
  it('filesz-gt-memsz', () => {
    expectElfError(patched(base(), (v) => v.setUint32(phdr(1, 'memsz'), 2, true)), 'filesz-gt-memsz');
  });
  it('segment-wraps past 2^32', () => {
    const spec = base();
    spec.segments.push({ vaddr: 0xffff_f000, bytes: new Uint8Array(0), memsz: 0x2000, flags: PF_R | PF_W });
    expectElfError(writeElf32(spec), 'segment-wraps');
  });
  it('segment-out-of-range: null page, above guest memory, straddling the end', () => {
    for (const [vaddr, memsz] of [[0, 16], [0xff0, 0x20], [GUEST_END_ADDR, 4], [0x8000_0000, 4]] as const) {
      const spec = base();
      spec.segments.push({ vaddr, bytes: new Uint8Array(0), memsz, flags: PF_R | PF_W });
      expectElfError(writeElf32(spec), 'segment-out-of-range');
    }
  });
  it('segment-overlaps-stack', () => {
    const spec = base();
    spec.segments.push({ vaddr: STACK_RESERVED_BOTTOM - 8, bytes: new Uint8Array(0), memsz: 16, flags: PF_R | PF_W });
    expectElfError(writeElf32(spec), 'segment-overlaps-stack');
  });
  it('segments-overlap (by one byte, and identical)', () => {
    const spec = base();
    spec.segments.push({ vaddr: 0x11000 + 4095, bytes: new Uint8Array(1), flags: PF_R });
    expectElfError(writeElf32(spec), 'segments-overlap');
    const dup = base();
    dup.segments.push({ ...dup.segments[1]! });
    expectElfError(writeElf32(dup), 'segments-overlap');
  });
  it('adjacent segments are fine', () => {
    const spec = base();
    spec.segments.push({ vaddr: 0x11000 + 4096, bytes: new Uint8Array(1), flags: PF_R });
    expect(loadElf(writeElf32(spec)).segments.length).toBe(3);
  });
  it('accepts R+W+X segments (GNU ld default for small programs)', () => {
    const spec = base();
    spec.segments[0]!.flags = PF_R | PF_W | PF_X;
    const seg = loadElf(writeElf32(spec)).segments[0]!;
    expect([seg.writable, seg.executable]).toEqual([true, true]);
  });
  it('entry-misaligned', () => {
    expectElfError(writeElf32({ ...base(), entry: 0x10002 }), 'entry-misaligned');
  });
  it('entry-not-executable: in data, past the end of code, no segment', () => {
    expectElfError(writeElf32({ ...base(), entry: 0x11000 }), 'entry-not-executable');
    expectElfError(writeElf32({ ...base(), entry: 0x10000 + CODE.length }), 'entry-not-executable');
    expectElfError(writeElf32({ ...base(), entry: 0x40000 }), 'entry-not-executable');
  });
});

const hasGcc = hasRiscvGcc;
warnIfMissing(hasClang, 'clang+lld ELF loading test', 'clang lld');
warnIfMissing(hasGcc, 'riscv64-unknown-elf-gcc ELF loading test', 'gcc-riscv64-unknown-elf');


// A freestanding program with data, bss and rodata, linked with each toolchain's default layout.
const SOURCE = `
static const char msg[] = "ok";
static int counter = 40;
static char bss[256];
static long sys3(long n, long a0, long a1, long a2) {
  register long r0 __asm__("a0") = a0; register long r1 __asm__("a1") = a1;
  register long r2 __asm__("a2") = a2; register long r7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r7) : "memory");
  return r0;
}
void _start(void) {
  bss[200] = (char)(counter + 2);
  sys3(64, 3, (long)msg, 2);
  sys3(93, bss[200] + bss[10], 0, 0);
  for (;;) {}
}`;

function buildAndRun(compile: (src: string, out: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'zkc-elf-'));
  const src = join(dir, 'p.c');
  const out = join(dir, 'p.elf');
  writeFileSync(src, SOURCE);
  compile(src, out);
  const program = loadElf(readFileSync(out));
  expect(program.entry % 4).toBe(0);
  const result = execute(program, { maxCycles: 10_000 });
  expect(result.exitCode).toBe(42);
  expect(new TextDecoder().decode(result.journal)).toBe('ok');
}

describe.skipIf(!hasClang)('loadElf: Debian clang + lld default layout', () => {
  it('loads and runs', () => {
    buildAndRun((src, out) =>
      execFileSync('clang', ['--target=riscv32', '-march=rv32im', '-mabi=ilp32', '-O2', '-nostdlib', '-fuse-ld=lld', src, '-o', out]),
    );
  });
});

describe.skipIf(!hasGcc)('loadElf: riscv64-unknown-elf-gcc default layout', () => {
  it('loads and runs', () => {
    buildAndRun((src, out) =>
      execFileSync('riscv64-unknown-elf-gcc', ['-march=rv32im', '-mabi=ilp32', '-O2', '-nostdlib', '-static', '-mno-relax', src, '-o', out]),
    );
  });
});
