import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/rv32im/elf.ts';
import * as enc from '../../src/rv32im/encode.ts';
import { ExecError, type ExecErrorCode } from '../../src/rv32im/errors.ts';
import { execute, type ExecOptions } from '../../src/rv32im/execute.ts';
import { STACK_TOP } from '../../src/rv32im/platform.ts';
import * as S from '../../src/rv32im/semantics.ts';
import { CODE_BASE, DATA_BASE, collectingProgram, exitWith, journalWords, programFromWords } from '../helpers/words-program.ts';

const INT_MIN = -0x8000_0000;
const VALUES = [0, 1, -1, 2, 7, -7, INT_MIN, 0x7fff_ffff, 0x8000, 0xffff, 0x1234_5678, -0x1234_5679];
const EXIT = [enc.addi(17, 0, 93), enc.ecall()];

function run(words: number[], options: ExecOptions = {}, data?: { vaddr: number; bytes: Uint8Array; writable?: boolean }[]) {
  return execute(programFromWords(words, data), options);
}

/** Runs `words` followed by exit(x`reg`) and returns the exit code. */
function regAfter(words: number[], reg = 7): number {
  return run([...words, ...exitWith(reg)], { maxCycles: 10_000 }).exitCode;
}

function expectExecError(program: Program, code: ExecErrorCode, fields: Partial<Pick<ExecError, 'pc' | 'instr' | 'cycle'>> = {}, options: ExecOptions = {}): ExecError {
  let caught: unknown;
  try {
    execute(program, options);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ExecError);
  const err = caught as ExecError;
  expect(err.code).toBe(code);
  expect(err).toMatchObject(fields);
  expect(err.message).not.toContain('\n');
  expect(err.message).toContain(`pc 0x${err.pc.toString(16).padStart(8, '0')}`);
  return err;
}

describe('ALU and M instructions through the interpreter (checked against semantics.ts)', () => {
  const rType: [string, (rd: number, rs1: number, rs2: number) => number, (a: number, b: number) => number][] = [
    ['add', enc.add, S.add], ['sub', enc.sub, S.sub], ['sll', enc.sll, S.sll], ['slt', enc.slt, S.slt],
    ['sltu', enc.sltu, S.sltu], ['xor', enc.xor, S.xor], ['srl', enc.srl, S.srl], ['sra', enc.sra, S.sra],
    ['or', enc.or, S.or], ['and', enc.and, S.and], ['mul', enc.mul, S.mul], ['mulh', enc.mulh, S.mulh],
    ['mulhsu', enc.mulhsu, S.mulhsu], ['mulhu', enc.mulhu, S.mulhu], ['div', enc.div, S.div],
    ['divu', enc.divu, S.divu], ['rem', enc.rem, S.rem], ['remu', enc.remu, S.remu],
  ];
  it('every R-type op on edge-case operand pairs (including x/0 and INT_MIN/-1)', () => {
    const cases: number[][] = [];
    const expected: number[] = [];
    for (const [, encode, semantic] of rType) {
      for (const a of VALUES) {
        for (const b of VALUES) {
          cases.push([...enc.li(5, a), ...enc.li(6, b), encode(7, 5, 6)]);
          expected.push(semantic(a, b));
        }
      }
    }
    const result = execute(collectingProgram(cases));
    expect(journalWords(result.journal)).toEqual(expected);
  });

  it('I-type ops with immediate extremes, shifts by 0 and 31', () => {
    const iType: [(rd: number, rs1: number, imm: number) => number, (a: number, b: number) => number, number[]][] = [
      [enc.addi, S.add, [-2048, -1, 0, 1, 2047]], [enc.slti, S.slt, [-2048, -1, 0, 2047]],
      [enc.sltiu, S.sltu, [-2048, -1, 0, 1, 2047]], [enc.xori, S.xor, [-1, 0x555, -2048]],
      [enc.ori, S.or, [-1, 0x555, -2048]], [enc.andi, S.and, [-1, 0x555, -2048]],
      [enc.slli, S.sll, [0, 1, 31]], [enc.srli, S.srl, [0, 1, 31]], [enc.srai, S.sra, [0, 1, 31]],
    ];
    const cases: number[][] = [];
    const expected: number[] = [];
    for (const [encode, semantic, imms] of iType) {
      for (const a of VALUES) {
        for (const imm of imms) {
          cases.push([...enc.li(5, a), encode(7, 5, imm)]);
          expected.push(semantic(a, imm));
        }
      }
    }
    expect(journalWords(execute(collectingProgram(cases)).journal)).toEqual(expected);
  });

  it('same register as rs1, rs2 and rd', () => {
    expect(regAfter([...enc.li(7, 21), enc.add(7, 7, 7)])).toBe(42);
    expect(regAfter([...enc.li(7, -5), enc.mul(7, 7, 7)])).toBe(25);
    expect(regAfter([...enc.li(7, 9), enc.sub(7, 7, 7)])).toBe(0);
    expect(regAfter([...enc.li(7, 1000), enc.div(7, 7, 7)])).toBe(1);
  });

  it('x0 reads 0 and ignores writes (ALU, LUI, JAL link, loads)', () => {
    expect(regAfter([enc.addi(0, 0, 5), enc.add(7, 0, 0)])).toBe(0);
    expect(regAfter([enc.lui(0, 0x12345), enc.add(7, 0, 0)])).toBe(0);
    expect(regAfter([enc.jal(0, 4), enc.add(7, 0, 0)])).toBe(0);
    expect(regAfter([...enc.li(5, CODE_BASE), enc.lw(0, 5, 0), enc.addi(7, 0, 3), enc.add(7, 7, 0)])).toBe(3);
  });

  it('initial registers: sp = STACK_TOP, everything else 0', () => {
    expect(regAfter([], 2)).toBe(STACK_TOP | 0);
    const sumOthers = [1, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31].map((r) =>
      enc.or(7, 7, r),
    );
    expect(regAfter([...sumOthers, enc.or(7, 7, 10)])).toBe(0);
  });
});

describe('control flow', () => {
  it('LUI and AUIPC', () => {
    expect(regAfter([enc.lui(7, 0xfffff)]) >>> 0).toBe(0xfffff000);
    // auipc at CODE_BASE + 4
    expect(regAfter([enc.nop(), enc.auipc(7, 1)])).toBe(CODE_BASE + 4 + 0x1000);
  });
  it('JAL links pc + 4 and jumps (forward and backward)', () => {
    // 0: jal x1, +8 ; 4: (skipped) addi x7, x0, 1 ; 8: add x7, x1, x0
    expect(regAfter([enc.jal(1, 8), enc.addi(7, 0, 1), enc.add(7, 1, 0)])).toBe(CODE_BASE + 4);
    // 0: jal +12 ; 4: addi x7,x7,5 ; 8: jal +12 (to exit) ; 12: addi x7,x7,2 ; 16: jal -12 ; 20: exit
    expect(regAfter([enc.jal(0, 12), enc.addi(7, 7, 5), enc.jal(0, 12), enc.addi(7, 7, 2), enc.jal(0, -12)])).toBe(7);
  });
  it('JALR clears bit 0 of the target and links, also when rd == rs1', () => {
    // x5 = CODE_BASE + 16 + 1 (odd) → lands on CODE_BASE + 16
    const words = [...enc.li(5, CODE_BASE + 17), enc.jalr(5, 5, 0), enc.addi(7, 0, 1), enc.add(7, 5, 0)];
    expect(regAfter(words)).toBe(CODE_BASE + 12);
    expect(regAfter([...enc.li(5, CODE_BASE + 20), enc.jalr(1, 5, -4), enc.addi(7, 0, 9), enc.add(7, 1, 0)])).toBe(CODE_BASE + 12);
  });
  it('branches: taken/not taken, signed vs unsigned', () => {
    const br: [(a: number, b: number, off: number) => number, (a: number, b: number) => boolean][] = [
      [enc.beq, S.beq], [enc.bne, S.bne], [enc.blt, S.blt], [enc.bge, S.bge], [enc.bltu, S.bltu], [enc.bgeu, S.bgeu],
    ];
    const cases: number[][] = [];
    const expected: number[] = [];
    for (const [encode, semantic] of br) {
      for (const [a, b] of [[1, 1], [1, 2], [-1, 1], [1, -1], [INT_MIN, 0x7fff_ffff], [0, 0]] as const) {
        // x7 = 1 if taken (skip the addi that sets 0), else 0
        cases.push([...enc.li(5, a), ...enc.li(6, b), enc.addi(7, 0, 1), encode(5, 6, 8), enc.addi(7, 0, 0)]);
        expected.push(semantic(a, b) ? 1 : 0);
      }
    }
    expect(journalWords(execute(collectingProgram(cases)).journal)).toEqual(expected);
  });
  it('FENCE is a no-op', () => {
    expect(regAfter([enc.addi(7, 0, 4), enc.fence(), enc.fence(0, 0)])).toBe(4);
  });
});

describe('loads and stores', () => {
  const data = [{ vaddr: DATA_BASE, bytes: new Uint8Array([0x01, 0x7f, 0x80, 0xff, 0x34, 0x12, 0xfe, 0x8a]) }];
  const loadAt = (load: (rd: number, rs1: number, imm: number) => number, offset: number): number =>
    run([...enc.li(5, DATA_BASE), load(7, 5, offset), ...exitWith(7)], {}, data).exitCode;

  it('every width x sign x offset, including top-bit-set values', () => {
    expect([0, 1, 2, 3].map((o) => loadAt(enc.lb, o))).toEqual([1, 127, -128, -1]);
    expect([0, 1, 2, 3].map((o) => loadAt(enc.lbu, o))).toEqual([1, 127, 128, 255]);
    expect([0, 2, 4, 6].map((o) => loadAt(enc.lh, o))).toEqual([0x7f01, (0xff80 << 16) >> 16, 0x1234, (0x8afe << 16) >> 16]);
    expect([0, 2, 4, 6].map((o) => loadAt(enc.lhu, o))).toEqual([0x7f01, 0xff80, 0x1234, 0x8afe]);
    expect([0, 4].map((o) => loadAt(enc.lw, o) >>> 0)).toEqual([0xff80_7f01, 0x8afe_1234]);
  });
  it('SB/SH/SW merge into the word; negative offsets', () => {
    const words = [
      ...enc.li(5, DATA_BASE + 8),
      ...enc.li(6, 0xaabbccdd),
      enc.sw(6, 5, -8), // [0..3] = dd cc bb aa
      enc.sb(0, 5, -7), // byte 1 = 0
      enc.sh(6, 5, -2), // bytes 6..7 = dd cc
      enc.lw(7, 5, -8),
      enc.lw(8, 5, -4),
      enc.xor(7, 7, 8),
    ];
    expect(regAfter(words) >>> 0).toBe((0xaabb00dd ^ 0xccdd0000) >>> 0);
  });
  it('memory outside segments reads 0 and is writable (stack, free space)', () => {
    expect(regAfter([...enc.li(5, 0x0100_0000), enc.lw(7, 5, 0)])).toBe(0);
    expect(regAfter([...enc.li(5, 0x0100_0000), enc.addi(6, 0, 77), enc.sw(6, 5, 0), enc.lw(7, 5, 0)])).toBe(77);
    expect(regAfter([enc.addi(6, 0, 5), enc.sw(6, 2, -4), enc.lw(7, 2, -4)])).toBe(5);
  });
  it('loads from code are allowed (rodata in the text segment)', () => {
    expect(regAfter([...enc.li(5, CODE_BASE), enc.lw(7, 5, 0)]) >>> 0).toBe(enc.li(5, CODE_BASE)[0]);
  });
});

describe('execution errors carry code, pc, instruction and cycle', () => {
  it('illegal-instruction (and compressed, CSR)', () => {
    for (const word of [0, 0x4501, 0x3001_1073]) {
      expectExecError(programFromWords([enc.nop(), word]), 'illegal-instruction', { pc: CODE_BASE + 4, instr: word, cycle: 1 });
    }
  });
  it('fetch-not-executable: jumping to data, running off the end of code', () => {
    const toData = [...enc.li(5, DATA_BASE), enc.jalr(0, 5, 0)];
    expectExecError(programFromWords(toData, [{ vaddr: DATA_BASE, bytes: new Uint8Array(16) }]), 'fetch-not-executable', { pc: DATA_BASE, cycle: 3 });
    expectExecError(programFromWords([enc.nop()]), 'fetch-not-executable', { pc: CODE_BASE + 4, cycle: 1 });
  });
  it('misaligned-access for every width', () => {
    const cases: [number, number][] = [[enc.lw(7, 5, 2), 2], [enc.lh(7, 5, 1), 1], [enc.lhu(7, 5, 3), 3], [enc.sw(0, 5, 1), 1], [enc.sh(0, 5, 3), 3]];
    for (const [word] of cases) {
      expectExecError(programFromWords([...enc.li(5, DATA_BASE), word]), 'misaligned-access', { pc: CODE_BASE + 8, instr: word, cycle: 2 });
    }
  });
  it('misaligned-jump: JAL/JALR/taken branch to pc + 2; not-taken branch is fine', () => {
    expectExecError(programFromWords([enc.jal(0, 2)]), 'misaligned-jump', { pc: CODE_BASE, cycle: 0 });
    expectExecError(programFromWords([...enc.li(5, CODE_BASE + 2), enc.jalr(0, 5, 0)]), 'misaligned-jump', { cycle: 2 });
    expectExecError(programFromWords([enc.beq(0, 0, 6)]), 'misaligned-jump', { pc: CODE_BASE });
    expect(run([enc.addi(5, 0, 1), enc.beq(5, 0, 6), ...EXIT]).exitCode).toBe(0);
  });
  it('memory-out-of-range: null page, past the top, negative, straddling', () => {
    for (const addr of [0, 0xffc, 0x2000_0000, 0xffff_fffc, 0x8000_0000]) {
      expectExecError(programFromWords([...enc.li(5, addr), enc.lw(7, 5, 0)]), 'memory-out-of-range', { cycle: 2 });
      expectExecError(programFromWords([...enc.li(5, addr), enc.sb(7, 5, 0)]), 'memory-out-of-range', { cycle: 2 });
    }
    expect(regAfter([...enc.li(5, 0x1fff_fffc), enc.lw(7, 5, 0)])).toBe(0); // last word is fine
  });
  it('write-to-code: SW/SB into a read-only executable segment', () => {
    expectExecError(programFromWords([...enc.li(5, CODE_BASE), enc.sw(0, 5, 0)]), 'write-to-code', { cycle: 2 });
    expectExecError(programFromWords([...enc.li(5, CODE_BASE), enc.sb(0, 5, 9)]), 'write-to-code', { cycle: 2 });
  });
  it('writable code (RWX): stores allowed, executing a stored-to word is execute-modified-code', () => {
    const rwx = (words: number[]): Program => {
      const p = programFromWords(words);
      p.segments[0]!.writable = true;
      return p;
    };
    // store to a word after the exit: fine
    expect(execute(rwx([...enc.li(5, CODE_BASE + 32), enc.sw(0, 5, 0), enc.addi(10, 0, 3), ...EXIT, enc.nop(), enc.nop()])).exitCode).toBe(3);
    // store (same value!) to the next instruction, then execute it
    const words = [...enc.li(5, CODE_BASE + 12), enc.sw(0, 5, 0), enc.nop()];
    expectExecError(rwx(words), 'execute-modified-code', { pc: CODE_BASE + 12, cycle: 3, instr: enc.nop() });
  });
  it('cycle-limit: exact boundary', () => {
    const words = [enc.nop(), enc.nop(), ...EXIT]; // 4 instructions including the ecall
    expect(execute(programFromWords(words), { maxCycles: 4 }).cycles).toBe(4);
    expectExecError(programFromWords(words), 'cycle-limit', { pc: CODE_BASE + 12, cycle: 3, instr: enc.ecall() }, { maxCycles: 3 });
    expectExecError(programFromWords([enc.jal(0, 0)]), 'cycle-limit', { pc: CODE_BASE, cycle: 1000 }, { maxCycles: 1000 });
  });
  it('ebreak', () => {
    expectExecError(programFromWords([enc.ebreak()]), 'ebreak', { pc: CODE_BASE, instr: enc.ebreak(), cycle: 0 });
  });
  it('unknown-syscall names the number', () => {
    const err = expectExecError(programFromWords([enc.addi(17, 0, 214), enc.ecall()]), 'unknown-syscall', { pc: CODE_BASE + 4, cycle: 1 });
    expect(err.message).toContain('214');
  });
  it('bad-fd: read from 1/3, write to 0/4', () => {
    const sys = (nr: number, fd: number) => programFromWords([enc.addi(17, 0, nr), enc.addi(10, 0, fd), ...enc.li(11, DATA_BASE), enc.addi(12, 0, 1), enc.ecall()], [{ vaddr: DATA_BASE, bytes: new Uint8Array(4) }]);
    for (const fd of [1, 3]) expectExecError(sys(63, fd), 'bad-fd', { cycle: 5 });
    for (const fd of [0, 4]) expectExecError(sys(64, fd), 'bad-fd', { cycle: 5 });
  });
  it('bad-options and bad-program', () => {
    for (const maxCycles of [0, -1, 1.5, 2 ** 31, NaN]) expectExecError(programFromWords(EXIT), 'bad-options', {}, { maxCycles });
    expectExecError({ ...programFromWords(EXIT), entry: CODE_BASE + 2 }, 'bad-program');
    const outside = programFromWords(EXIT, [{ vaddr: 0x100, bytes: new Uint8Array(4) }]);
    expectExecError(outside, 'bad-program');
  });
});

describe('syscalls', () => {
  const buf = [{ vaddr: DATA_BASE, bytes: new Uint8Array(64) }];
  const read = (count: number) => [enc.addi(17, 0, 63), enc.addi(10, 0, 0), ...enc.li(11, DATA_BASE), enc.addi(12, 0, count), enc.ecall()];
  const write = (fd: number, count: number, at = DATA_BASE) => [enc.addi(17, 0, 64), enc.addi(10, 0, fd), ...enc.li(11, at), enc.addi(12, 0, count), enc.ecall()];

  it('exit: full a0 reported (negative too); 94 (exit_group) also exits', () => {
    expect(run([...enc.li(10, -1), ...EXIT]).exitCode).toBe(-1);
    expect(run([...enc.li(10, 0x1234_5678), ...EXIT]).exitCode).toBe(0x1234_5678);
    expect(run([enc.addi(10, 0, 3), enc.addi(17, 0, 94), enc.ecall()]).exitCode).toBe(3);
  });
  it('read in chunks returns counts, then 0 at EOF; bytes land in memory', () => {
    const input = Uint8Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // three reads of 4 → 4, 4, 2 (each overwrites buf[0..]); a fourth → 0; sum the returns in x7
    const words = [...read(4), enc.add(7, 7, 10), ...read(4), enc.add(7, 7, 10), ...read(4), enc.add(7, 7, 10), enc.slli(7, 7, 8)];
    words.push(...read(4), enc.add(7, 7, 10), ...write(3, 4), ...exitWith(7));
    const result = run(words, { input }, buf);
    expect(result.exitCode).toBe(10 << 8); // 4+4+2 = 10, then EOF read added 0
    expect(Array.from(result.journal)).toEqual([18, 19, 16, 17]); // last chunk over the previous one
  });
  it('read and write with count 0 return 0 and touch nothing (even with a null buffer)', () => {
    const zero = (nr: number, fd: number) => [enc.addi(17, 0, nr), enc.addi(10, 0, fd), enc.addi(11, 0, 0), enc.addi(12, 0, 0), enc.ecall()];
    expect(run([...zero(63, 0), enc.add(7, 10, 0), ...zero(64, 3), enc.add(7, 7, 10), ...exitWith(7)], { input: new Uint8Array(5) }).exitCode).toBe(0);
  });
  it('write: fd 1/2 reach the callbacks and are collected; fd 3 is the journal; returns count', () => {
    const data = [{ vaddr: DATA_BASE, bytes: new TextEncoder().encode('hi!?') }];
    const seen: string[] = [];
    const result = run([...write(1, 2), enc.add(7, 10, 0), ...write(2, 1, DATA_BASE + 2), ...write(3, 4), enc.add(7, 7, 10), ...exitWith(7)], {
      onStdout: (b) => seen.push('out:' + new TextDecoder().decode(b)),
      onStderr: (b) => seen.push('err:' + new TextDecoder().decode(b)),
    }, data);
    expect(seen).toEqual(['out:hi', 'err:!']);
    expect(new TextDecoder().decode(result.stdout)).toBe('hi');
    expect(new TextDecoder().decode(result.stderr)).toBe('!');
    expect(new TextDecoder().decode(result.journal)).toBe('hi!?');
    expect(result.exitCode).toBe(6);
  });
  it('buffers must lie in guest memory; read may not land in read-only code', () => {
    const bad = (nr: number, fd: number, addr: number, count: number) =>
      programFromWords([enc.addi(17, 0, nr), enc.addi(10, 0, fd), ...enc.li(11, addr), ...enc.li(12, count), enc.ecall()]);
    expectExecError(bad(64, 1, 0x1fff_fff0, 32), 'memory-out-of-range', { cycle: 6 });
    expectExecError(bad(64, 3, 0, 4), 'memory-out-of-range');
    expectExecError(bad(63, 0, DATA_BASE, -1), 'memory-out-of-range'); // count 2^32 - 1
    expectExecError(bad(63, 0, CODE_BASE + 4, 4), 'write-to-code');
  });
});
