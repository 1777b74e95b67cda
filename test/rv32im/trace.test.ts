import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, Op } from '../../src/rv32im/decode.ts';
import type { Program } from '../../src/rv32im/elf.ts';
import { loadElf } from '../../src/rv32im/elf.ts';
import * as enc from '../../src/rv32im/encode.ts';
import { ExecError } from '../../src/rv32im/errors.ts';
import { execute, type ExecOptions } from '../../src/rv32im/execute.ts';
import { STACK_TOP } from '../../src/rv32im/platform.ts';
import { executeWithTrace, TRACE_BYTES_PER_CYCLE, type ExecutionTrace } from '../../src/rv32im/trace.ts';
import { CODE_VADDR, DATA_VADDR, randomProgram } from '../helpers/random-program.ts';
import { CODE_BASE, DATA_BASE, collectingProgram, exitWith, programFromWords } from '../helpers/words-program.ts';

const EXIT = [enc.addi(17, 0, 93), enc.ecall()];

/** Runs both modes; asserts identical results or identical errors; returns the trace (if any). */
function bothModes(program: Program, options: ExecOptions = {}): ExecutionTrace | null {
  let fast: unknown;
  let traced: unknown;
  let trace: ExecutionTrace | null = null;
  try {
    fast = execute(program, options);
  } catch (err) {
    fast = err;
  }
  try {
    const out = executeWithTrace(program, options);
    traced = out.result;
    trace = out.trace;
  } catch (err) {
    traced = err;
  }
  if (fast instanceof ExecError) {
    expect(traced).toBeInstanceOf(ExecError);
    const t = traced as ExecError;
    expect([t.code, t.pc, t.instr, t.cycle, t.message]).toEqual([fast.code, fast.pc, fast.instr, fast.cycle, fast.message]);
    return null;
  }
  expect(traced).toEqual(fast);
  expect(trace!.cycles).toBe((fast as { cycles: number }).cycles);
  return trace;
}

/**
 * Replays a trace against the program independently of the interpreter: registers (every rs1/rs2
 * read must equal the last rd write), memory (every access's previous word must equal the last
 * write, or the initial image; read-syscall bytes are applied at their cycle), pc chaining and
 * instruction words. Throws on the first mismatch (plain comparisons: `expect` per row is slow).
 */
function checkTrace(program: Program, trace: ExecutionTrace): void {
  const fail = (what: string, cycle: number, got: number, want: number): never => {
    throw new Error(`trace mismatch at cycle ${cycle}: ${what} is ${got >>> 0}, expected ${want >>> 0}`);
  };
  const regs = new Int32Array(32);
  regs[2] = STACK_TOP;
  const memory = new Map<number, number>();
  const initialWord = (addr: number): number => {
    let word = 0;
    for (const s of program.segments) {
      for (let k = 0; k < 4; k++) {
        const at = addr + k - s.vaddr;
        if (at >= 0 && at < s.bytes.length) word |= s.bytes[at]! << (8 * k);
      }
    }
    return word >>> 0;
  };
  const read = (addr: number): number => memory.get(addr) ?? initialWord(addr);
  let inputIndex = 0;
  for (let i = 0; i < trace.cycles; i++) {
    // Input bytes written by a read syscall at cycle c are visible from cycle c + 1.
    while (inputIndex < trace.input.length && trace.input.cycle[inputIndex]! < i) {
      const byteAddr = trace.input.byteAddr[inputIndex]!;
      const wordAddr = byteAddr & ~3;
      const shift = (byteAddr & 3) * 8;
      memory.set(wordAddr, ((read(wordAddr) & ~(0xff << shift)) | (trace.input.value[inputIndex]! << shift)) >>> 0);
      inputIndex++;
    }
    const pc = trace.pc[i]!;
    const word = trace.instr[i]!;
    if (word !== initialWord(pc)) fail('instr', i, word, initialWord(pc));
    const instr = decode(word);
    const isEcall = instr.op === Op.ECALL;
    const rs1 = isEcall ? 17 : instr.rs1;
    const rs2 = isEcall ? 10 : instr.rs2;
    const rd = isEcall ? 10 : instr.rd;
    if (trace.rs1Value[i] !== regs[rs1]! >>> 0) fail('rs1Value', i, trace.rs1Value[i]!, regs[rs1]!);
    if (trace.rs2Value[i] !== regs[rs2]! >>> 0) fail('rs2Value', i, trace.rs2Value[i]!, regs[rs2]!);
    if (rd !== 0) regs[rd] = trace.rdValue[i]!;
    else if (trace.rdValue[i] !== 0) fail('rdValue (x0)', i, trace.rdValue[i]!, 0);
    const memAddr = trace.memAddr[i]!;
    const isMem = instr.op >= Op.LB && instr.op <= Op.SW;
    if ((memAddr !== 0) !== isMem || memAddr % 4 !== 0) fail('memAddr', i, memAddr, isMem ? -1 : 0);
    if (isMem) {
      if (trace.memPrev[i] !== read(memAddr)) fail(`memPrev @${memAddr.toString(16)}`, i, trace.memPrev[i]!, read(memAddr));
      if (instr.op <= Op.LHU && trace.memValue[i] !== trace.memPrev[i]) fail('load memValue', i, trace.memValue[i]!, trace.memPrev[i]!);
      memory.set(memAddr, trace.memValue[i]!);
    }
    if (i + 1 < trace.cycles && trace.nextPc[i] !== trace.pc[i + 1]) fail('nextPc', i, trace.nextPc[i]!, trace.pc[i + 1]!);
  }
}

describe('trace mode = fast mode', () => {
  it('ALU/M program, loads/stores, syscalls with input', () => {
    const cases = [0, 1, -1, 0x7fff_ffff, -0x8000_0000, 12345].flatMap((a) => [
      [...enc.li(5, a), ...enc.li(6, 3), enc.mulh(7, 5, 6)],
      [...enc.li(5, a), enc.div(7, 5, 0)],
      [...enc.li(5, a), ...enc.li(6, 0x0100_0800), enc.sb(5, 6, 1), enc.lh(7, 6, 0)],
    ]);
    const alu = collectingProgram(cases);
    checkTrace(alu, bothModes(alu)!);

    const read = [enc.addi(17, 0, 63), enc.addi(10, 0, 0), ...enc.li(11, DATA_BASE + 1), enc.addi(12, 0, 5), enc.ecall()];
    const io = programFromWords([...read, ...read, ...enc.li(5, DATA_BASE), enc.lw(7, 5, 4), ...exitWith(7)], [{ vaddr: DATA_BASE, bytes: new Uint8Array(16) }]);
    const trace = bothModes(io, { input: Uint8Array.from([1, 2, 3, 4, 5, 6, 7]) })!;
    checkTrace(io, trace);
    expect(trace.input.length).toBe(7);
  });

  it('random programs (seeds 1..12)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rp = randomProgram(seed, 300);
      const program: Program = {
        entry: CODE_VADDR,
        segments: [
          { vaddr: CODE_VADDR, bytes: new Uint8Array(rp.code.buffer), readable: true, writable: false, executable: true },
          { vaddr: DATA_VADDR, bytes: rp.data, readable: true, writable: true, executable: false },
        ],
      };
      const trace = bothModes(program, { maxCycles: 100_000 });
      if (trace) checkTrace(program, trace);
    }
  });

  it('errors are identical (code, pc, instr, cycle, message)', () => {
    bothModes(programFromWords([enc.nop(), 0]));
    bothModes(programFromWords([...enc.li(5, CODE_BASE), enc.sw(0, 5, 0)]));
    bothModes(programFromWords([...enc.li(5, 0x0100_0002), enc.lw(0, 5, 0)]));
    bothModes(programFromWords([enc.jal(0, 0)]), { maxCycles: 500 });
    bothModes(programFromWords([enc.addi(17, 0, 1), enc.ecall()]));
  });

  const examplesDir = new URL('../../guests/examples/', import.meta.url);
  let elfs: string[] = [];
  try {
    elfs = readdirSync(examplesDir).filter((f) => f.endsWith('.elf'));
  } catch {
    elfs = [];
  }
  if (elfs.length === 0) console.warn('SKIPPING trace-vs-fast on guests/examples: no prebuilt ELFs found');
  it.skipIf(elfs.length === 0)('example guests (prebuilt ELFs)', () => {
    const input = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 5) & 0xff);
    input.set([5, 0, 0, 0]);
    for (const name of elfs) {
      const program = loadElf(new Uint8Array(readFileSync(new URL(name, examplesDir))));
      const trace = bothModes(program, { input, maxCycles: 5_000_000 });
      if (trace) checkTrace(program, trace);
    }
  });
});

describe('trace contents', () => {
  it('a store records the aligned word address, the previous word and the merged word', () => {
    const program = programFromWords(
      [...enc.li(5, DATA_BASE), ...enc.li(6, 0xabcd), enc.sb(6, 5, 2), enc.sh(6, 5, 4), enc.sw(6, 5, 8), enc.lb(7, 5, 2), ...EXIT],
      [{ vaddr: DATA_BASE, bytes: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }],
    );
    const trace = bothModes(program)!;
    const sb = 4;
    expect([trace.memAddr[sb], trace.memPrev[sb], trace.memValue[sb]]).toEqual([DATA_BASE, 0x04030201, 0x04cd0201]);
    expect([trace.rs1Value[sb], trace.rs2Value[sb], trace.rdValue[sb]]).toEqual([DATA_BASE, 0xabcd, 0]);
    expect([trace.memAddr[sb + 1], trace.memPrev[sb + 1], trace.memValue[sb + 1]]).toEqual([DATA_BASE + 4, 0x08070605, 0x0807abcd]);
    expect([trace.memAddr[sb + 2], trace.memPrev[sb + 2], trace.memValue[sb + 2]]).toEqual([DATA_BASE + 8, 0x0c0b0a09, 0xabcd]);
    // lb of byte 2 (0xcd, sign-extended): the row holds the whole word
    expect([trace.memAddr[sb + 3], trace.memPrev[sb + 3], trace.memValue[sb + 3], trace.rdValue[sb + 3]]).toEqual([
      DATA_BASE, 0x04cd0201, 0x04cd0201, 0xffffffcd,
    ]);
    expect(trace.pc[sb]).toBe(CODE_BASE + 16);
    expect(trace.instr[sb]).toBe(enc.sb(6, 5, 2));
    expect(trace.nextPc[sb]).toBe(CODE_BASE + 20);
    checkTrace(program, trace);
  });

  it('ALU row, x0 destination, taken branch, ECALL row', () => {
    const program = programFromWords([enc.addi(5, 0, 7), enc.add(0, 5, 5), enc.beq(0, 0, 8), enc.nop(), enc.addi(10, 0, 9), ...EXIT]);
    const trace = bothModes(program)!;
    expect([trace.rs1Value[0], trace.rdValue[0], trace.memAddr[0]]).toEqual([0, 7, 0]);
    expect([trace.rs1Value[1], trace.rs2Value[1], trace.rdValue[1]]).toEqual([7, 7, 0]); // rd = x0: nothing written
    expect([trace.pc[2], trace.nextPc[2]]).toEqual([CODE_BASE + 8, CODE_BASE + 16]);
    const ecall = trace.cycles - 1;
    expect([trace.rs1Value[ecall], trace.rs2Value[ecall], trace.rdValue[ecall], trace.nextPc[ecall]]).toEqual([93, 9, 9, CODE_BASE + 28]);
  });

  it('input and journal bytes carry their cycle and guest address', () => {
    const read = [enc.addi(17, 0, 63), enc.addi(10, 0, 0), ...enc.li(11, DATA_BASE + 1), enc.addi(12, 0, 2), enc.ecall()];
    const write = [enc.addi(17, 0, 64), enc.addi(10, 0, 3), ...enc.li(11, DATA_BASE), enc.addi(12, 0, 4), enc.ecall()];
    const program = programFromWords([...read, ...write, ...EXIT], [{ vaddr: DATA_BASE, bytes: Uint8Array.from([9, 0, 0, 8]) }]);
    const trace = bothModes(program, { input: Uint8Array.from([0xaa, 0xbb, 0xcc]) })!;
    expect(trace.input.length).toBe(2);
    expect(Array.from(trace.input.cycle)).toEqual([5, 5]);
    expect(Array.from(trace.input.byteAddr)).toEqual([DATA_BASE + 1, DATA_BASE + 2]);
    expect(Array.from(trace.input.value)).toEqual([0xaa, 0xbb]);
    expect(trace.rdValue[5]).toBe(2); // read returned 2
    expect(Array.from(trace.journal.cycle)).toEqual([11, 11, 11, 11]);
    expect(Array.from(trace.journal.byteAddr)).toEqual([0, 1, 2, 3].map((k) => DATA_BASE + k));
    expect(Array.from(trace.journal.value)).toEqual([9, 0xaa, 0xbb, 8]);
    checkTrace(program, trace);
  });

  it('the replay check catches forged rows (so the checks above can fail)', () => {
    const program = programFromWords([...enc.li(5, DATA_BASE), enc.addi(6, 0, 1), enc.sw(6, 5, 0), enc.lw(7, 5, 0), ...exitWith(7)]);
    const forge = (mutate: (t: ExecutionTrace) => void): (() => void) => () => {
      const trace = executeWithTrace(program).trace;
      mutate(trace);
      checkTrace(program, trace);
    };
    expect(forge(() => undefined)).not.toThrow();
    // rows: 0-1 li x5, 2 addi x6, 3 sw, 4 lw
    expect(forge((t) => (t.memPrev[4] = 5))).toThrow(/memPrev/); // load sees a value never written
    expect(forge((t) => (t.memValue[3] = 5))).toThrow(/memPrev/); // store forged: the load disagrees
    expect(forge((t) => (t.memValue[4] = 5))).toThrow(/load memValue/);
    expect(forge((t) => (t.rdValue[2] = 2))).toThrow(/rs2Value/); // x6 forged, read back by sw
    expect(forge((t) => (t.nextPc[0] = 0))).toThrow(/nextPc/);
    expect(forge((t) => (t.rdValue[1] = 4))).toThrow(/rs1Value/);
  });

  it('columns have length `cycles`; 36 bytes per cycle', () => {
    const trace = bothModes(programFromWords([enc.nop(), ...EXIT]))!;
    const columns = [trace.pc, trace.instr, trace.rs1Value, trace.rs2Value, trace.rdValue, trace.memAddr, trace.memValue, trace.memPrev, trace.nextPc];
    expect(columns.every((c) => c.length === 3)).toBe(true);
    expect(columns.reduce((n, c) => n + c.BYTES_PER_ELEMENT, 0)).toBe(TRACE_BYTES_PER_CYCLE);
  });
});
