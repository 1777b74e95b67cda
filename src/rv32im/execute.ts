// Fast mode: the RV32IM interpreter loop over the pre-decoded code table, no trace.
// trace.ts holds the same loop plus recording (two functions so V8 specialises each; a test keeps
// their case lists in step). Results come from semantics.ts; docs/abi.md describes the machine.

import { Op } from './decode.ts';
import { ExecError, hex32 } from './errors.ts';
import type { Program } from './elf.ts';
import { CODE_READ_ONLY, GUEST_SPAN, Machine, STALE_FIELDS } from './machine.ts';
import { DEFAULT_MAX_CYCLES, GUEST_MIN_ADDR, MAX_CYCLES_LIMIT } from './platform.ts';
import * as S from './semantics.ts';
import { Syscalls } from './syscalls.ts';

export interface ExecOptions {
  /** Private input, consumed by read(0, …). */
  input?: Uint8Array;
  /** Instruction budget; exceeding it is a 'cycle-limit' error. Default DEFAULT_MAX_CYCLES. */
  maxCycles?: number;
  /** Called with each chunk the guest writes to fd 1 / fd 2 (also collected in the result). */
  onStdout?(bytes: Uint8Array): void;
  onStderr?(bytes: Uint8Array): void;
}

export interface ExecResult {
  /** The full a0 passed to exit, as a signed 32-bit value (Linux/qemu report only a0 & 0xff). */
  exitCode: number;
  /** Bytes written to fd 3: the public output committed in a receipt. */
  journal: Uint8Array;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Instructions executed, including the exit ECALL. */
  cycles: number;
}

/** Fast mode: runs to exit without recording a trace. Throws ExecError. */
export function execute(program: Program, options: ExecOptions = {}): ExecResult {
  const { machine, syscalls, maxCycles } = prepareRun(program, options);
  return collectResult(syscalls, runFast(machine, syscalls, maxCycles));
}

/** Validates options and program, then builds the machine and syscall state shared by both modes. */
export function prepareRun(program: Program, options: ExecOptions): { machine: Machine; syscalls: Syscalls; maxCycles: number } {
  const maxCycles = options.maxCycles ?? DEFAULT_MAX_CYCLES;
  if (!Number.isInteger(maxCycles) || maxCycles < 1 || maxCycles > MAX_CYCLES_LIMIT) {
    throw new ExecError('bad-options', `maxCycles must be an integer in [1, ${MAX_CYCLES_LIMIT}], got ${maxCycles}`, program.entry, 0);
  }
  checkProgram(program);
  const machine = new Machine(program);
  return { machine, syscalls: new Syscalls(machine, options), maxCycles };
}

export function collectResult(syscalls: Syscalls, cycles: number): ExecResult {
  return {
    exitCode: syscalls.exitCode,
    journal: syscalls.journal.toBytes(),
    stdout: syscalls.stdout.toBytes(),
    stderr: syscalls.stderr.toBytes(),
    cycles,
  };
}

/** loadElf guarantees these; a hand-built Program (tests, tools) is checked here instead of crashing. */
function checkProgram(program: Program): void {
  const entry = program.entry;
  if (!Number.isInteger(entry) || entry < 0 || entry > 0xffff_ffff || (entry & 3) !== 0) {
    throw new ExecError('bad-program', `entry ${entry} is not a 4-aligned 32-bit address`, entry, 0);
  }
  let prevEnd = 0;
  for (const s of program.segments) {
    if (!Machine.inGuestMemory(s.vaddr, s.bytes.length) || s.vaddr < prevEnd) {
      throw new ExecError('bad-program', `segment [${hex32(s.vaddr)}, +${s.bytes.length}) is outside guest memory, unsorted or overlapping`, entry, 0);
    }
    prevEnd = s.vaddr + s.bytes.length;
  }
}

export function memFault(op: string, addr: number, width: number, pc: number, cycle: number, word: number): ExecError {
  if (!Machine.inGuestMemory(addr, width)) {
    return new ExecError('memory-out-of-range', `${op} address ${hex32(addr)} is outside guest memory`, pc, cycle, word);
  }
  return new ExecError('misaligned-access', `${op} address ${hex32(addr)} is not ${width}-byte aligned`, pc, cycle, word);
}

export function codeFault(op: string, addr: number, pc: number, cycle: number, word: number): ExecError {
  return new ExecError('write-to-code', `${op} to ${hex32(addr)} writes an executable segment`, pc, cycle, word);
}

export function jumpFault(target: number, pc: number, cycle: number, word: number): ExecError {
  return new ExecError('misaligned-jump', `jump/branch target ${hex32(target)} is not 4-byte aligned`, pc, cycle, word);
}

export function cycleLimitFault(m: Machine, maxCycles: number, pc: number, cycle: number): ExecError {
  const { base, numWords, decoded, word } = m.code;
  const i = (pc - base) >>> 2;
  const instr = i < numWords && (decoded[2 * i]! & 0xff) !== Op.NOT_CODE ? word[i] : undefined;
  return new ExecError('cycle-limit', `cycle limit of ${maxCycles} reached`, pc, cycle, instr);
}

export function staleCodeFault(pc: number, cycle: number, originalWord: number): ExecError {
  return new ExecError('execute-modified-code', 'executing a code word that was overwritten (the proof fetches the original ELF word)', pc, cycle, originalWord);
}

export function fetchFault(pc: number, cycle: number): ExecError {
  return new ExecError('fetch-not-executable', 'instruction fetch outside executable segments', pc, cycle);
}

/**
 * The loop. Case labels are the numeric Op ids from decode.ts (literal labels compile to a jump
 * table; a test checks each `case N: // NAME` against Op). Each case sets `v` (written to rd
 * afterwards; rd is SINK_REG when there is none) and `next`. Loads and stores move whole words,
 * as the AIR's memory argument will.
 */
function runFast(m: Machine, sys: Syscalls, maxCycles: number): number {
  const regs = m.regs;
  const mem = m.mem;
  const { base, numWords, decoded, word: words, codeKind } = m.code;
  const minAddr = GUEST_MIN_ADDR;
  const span = GUEST_SPAN;
  let pc = m.pc | 0;
  let cycle = 0;
  let limit = maxCycles; // lowered to cycle + 1 by exit, so one comparison per cycle serves both
  for (;;) {
    if (cycle === limit) {
      if (sys.exited) break;
      throw cycleLimitFault(m, maxCycles, pc, cycle);
    }
    const i = (pc - base) >>> 2;
    if (i >= numWords) throw fetchFault(pc, cycle);
    const fields = decoded[2 * i]!; // op | rd << 8 | rs1 << 16 | rs2 << 24
    const op = fields & 0xff;
    const a = regs[(fields >>> 16) & 0xff]!;
    const b = regs[fields >>> 24]!;
    const imm = decoded[2 * i + 1]!;
    let v = 0;
    let next = (pc + 4) | 0;
    switch (op) {
      case 0: // ILLEGAL
        throw new ExecError('illegal-instruction', 'illegal instruction', pc, cycle, words[i]);
      case 1: // NOT_CODE
        throw fetchFault(pc, cycle);
      case 50: // STALE_CODE
        throw staleCodeFault(pc, cycle, words[i]!);
      case 2: // LUI
        v = imm;
        break;
      case 3: // AUIPC
        v = (pc + imm) | 0;
        break;
      case 4: // JAL
        v = next;
        next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 5: // JALR
        v = next;
        next = (a + imm) & ~1;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 6: // BEQ
        if (S.beq(a, b)) next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 7: // BNE
        if (S.bne(a, b)) next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 8: // BLT
        if (S.blt(a, b)) next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 9: // BGE
        if (S.bge(a, b)) next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 10: // BLTU
        if (S.bltu(a, b)) next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 11: // BGEU
        if (S.bgeu(a, b)) next = (pc + imm) | 0;
        if ((next & 3) !== 0) throw jumpFault(next, pc, cycle, words[i]!);
        break;
      case 12: // LB
      case 15: // LBU
      case 13: // LH
      case 16: // LHU
      case 14: {
        // LW
        const addr = (a + imm) | 0;
        const alignMask = op === 14 ? 3 : op === 13 || op === 16 ? 1 : 0;
        if ((addr - minAddr) >>> 0 >= span || (addr & alignMask) !== 0) {
          throw memFault('load', addr, alignMask + 1, pc, cycle, words[i]!);
        }
        const memValue = mem[addr >>> 2]!;
        const offset = addr & 3;
        if (op === 14) v = memValue;
        else if (op === 12) v = S.signExtend8(S.extractByte(memValue, offset));
        else if (op === 15) v = S.zeroExtend8(S.extractByte(memValue, offset));
        else if (op === 13) v = S.signExtend16(S.extractHalf(memValue, offset));
        else v = S.zeroExtend16(S.extractHalf(memValue, offset));
        break;
      }
      case 17: // SB
      case 18: // SH
      case 19: {
        // SW
        const addr = (a + imm) | 0;
        const alignMask = op === 19 ? 3 : op === 18 ? 1 : 0;
        if ((addr - minAddr) >>> 0 >= span || (addr & alignMask) !== 0) {
          throw memFault('store', addr, alignMask + 1, pc, cycle, words[i]!);
        }
        const w = (addr - base) >>> 2;
        if (w < numWords && codeKind[w] !== 0) {
          if (codeKind[w] === CODE_READ_ONLY) throw codeFault('store', addr, pc, cycle, words[i]!);
          decoded[2 * w] = STALE_FIELDS; // writable (RWX) code: the old decoding must not run again
        }
        if (op === 19) mem[addr >>> 2] = b;
        else if (op === 17) mem[addr >>> 2] = S.insertByte(mem[addr >>> 2]!, addr & 3, b);
        else mem[addr >>> 2] = S.insertHalf(mem[addr >>> 2]!, addr & 3, b);
        break;
      }
      case 20: // ADDI
        v = S.add(a, imm);
        break;
      case 21: // SLTI
        v = S.slt(a, imm);
        break;
      case 22: // SLTIU
        v = S.sltu(a, imm);
        break;
      case 23: // XORI
        v = S.xor(a, imm);
        break;
      case 24: // ORI
        v = S.or(a, imm);
        break;
      case 25: // ANDI
        v = S.and(a, imm);
        break;
      case 26: // SLLI
        v = S.sll(a, imm);
        break;
      case 27: // SRLI
        v = S.srl(a, imm);
        break;
      case 28: // SRAI
        v = S.sra(a, imm);
        break;
      case 29: // ADD
        v = S.add(a, b);
        break;
      case 30: // SUB
        v = S.sub(a, b);
        break;
      case 31: // SLL
        v = S.sll(a, b);
        break;
      case 32: // SLT
        v = S.slt(a, b);
        break;
      case 33: // SLTU
        v = S.sltu(a, b);
        break;
      case 34: // XOR
        v = S.xor(a, b);
        break;
      case 35: // SRL
        v = S.srl(a, b);
        break;
      case 36: // SRA
        v = S.sra(a, b);
        break;
      case 37: // OR
        v = S.or(a, b);
        break;
      case 38: // AND
        v = S.and(a, b);
        break;
      case 39: // FENCE
        break;
      case 40: // ECALL
        v = sys.ecall(a, b, pc, cycle, words[i]!);
        if (sys.exited) limit = cycle + 1;
        break;
      case 41: // EBREAK
        throw new ExecError('ebreak', 'ebreak', pc, cycle, words[i]);
      case 42: // MUL
        v = S.mul(a, b);
        break;
      case 43: // MULH
        v = S.mulh(a, b);
        break;
      case 44: // MULHSU
        v = S.mulhsu(a, b);
        break;
      case 45: // MULHU
        v = S.mulhu(a, b);
        break;
      case 46: // DIV
        v = S.div(a, b);
        break;
      case 47: // DIVU
        v = S.divu(a, b);
        break;
      case 48: // REM
        v = S.rem(a, b);
        break;
      case 49: // REMU
        v = S.remu(a, b);
        break;
    }
    regs[(fields >>> 8) & 0xff] = v;
    pc = next;
    cycle++;
  }
  m.pc = pc;
  return cycle;
}
