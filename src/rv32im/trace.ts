// Trace mode: the interpreter of execute.ts plus, per cycle, what the AIR needs, in columnar
// typed arrays (9 u32 columns = 36 bytes per cycle; no per-cycle objects). Same validation,
// same syscalls, same semantics.ts calls, same errors as fast mode.

import { ExecError } from './errors.ts';
import type { ExecOptions, ExecResult } from './execute.ts';
import { codeFault, collectResult, cycleLimitFault, fetchFault, jumpFault, memFault, prepareRun, staleCodeFault } from './execute.ts';
import type { Program } from './elf.ts';
import { CODE_READ_ONLY, GUEST_SPAN, SINK_REG, STALE_FIELDS } from './machine.ts';
import type { Machine } from './machine.ts';
import { GUEST_MIN_ADDR } from './platform.ts';
import * as S from './semantics.ts';
import type { Syscalls } from './syscalls.ts';
import { TraceColumns } from './trace-columns.ts';

export { TRACE_BYTES_PER_CYCLE } from './trace-columns.ts';

/** Bytes moved by read (input) or write(fd 3) (journal), one entry per byte, in order. */
export interface ByteEvents {
  length: number;
  /** Cycle of the ECALL that moved the byte. */
  cycle: Uint32Array;
  /** Guest byte address: where an input byte was stored / a journal byte was read from. */
  byteAddr: Uint32Array;
  value: Uint8Array;
}

/**
 * One row per executed instruction (cycle i = the i-th instruction, including the final exit ECALL).
 * Every column has length `cycles`; values are unsigned 32-bit.
 */
export interface ExecutionTrace {
  cycles: number;
  pc: Uint32Array;
  /** Instruction word fetched at pc. */
  instr: Uint32Array;
  /** Value of rs1/rs2 before the instruction; 0 (x0) when the format has no such field. ECALL: rs1 = a7, rs2 = a0. */
  rs1Value: Uint32Array;
  rs2Value: Uint32Array;
  /** Value written to rd; 0 when rd = x0 or the instruction writes no register. ECALL: new a0 (a0 itself on exit). */
  rdValue: Uint32Array;
  /** Aligned word address of the load/store (byteAddr & ~3); 0 when the instruction accesses no memory (0 is never a guest address). */
  memAddr: Uint32Array;
  /** The whole word: as read (loads) or as written (stores; for SB/SH the word after the merge). */
  memValue: Uint32Array;
  /** The word before the access (equals memValue for loads). */
  memPrev: Uint32Array;
  /** pc of the next instruction (pc + 4, or the jump/branch target). */
  nextPc: Uint32Array;
  /** Private input bytes consumed (read syscall writes them into guest memory at byteAddr). */
  input: ByteEvents;
  /** Journal bytes committed (write to fd 3). */
  journal: ByteEvents;
}

/** Executes like `execute` (same checks, results and errors) and also returns the trace. */
export function executeWithTrace(program: Program, options: ExecOptions = {}): { result: ExecResult; trace: ExecutionTrace } {
  const { machine, syscalls, maxCycles } = prepareRun(program, options);
  const columns = new TraceColumns(maxCycles);
  syscalls.ioLog = columns;
  const cycles = runTraced(machine, syscalls, maxCycles, columns);
  return { result: collectResult(syscalls, cycles), trace: columns.finish(cycles) };
}

/**
 * The loop of execute.ts `runFast`, case for case, plus one trace row per instruction (written
 * straight into the columns: no per-cycle call or object).
 */
function runTraced(m: Machine, sys: Syscalls, maxCycles: number, t: TraceColumns): number {
  const regs = m.regs;
  const mem = m.mem;
  const { base, numWords, decoded, word: words, codeKind } = m.code;
  const minAddr = GUEST_MIN_ADDR;
  const span = GUEST_SPAN;
  let pc = m.pc | 0;
  let cycle = 0;
  let limit = maxCycles; // lowered to cycle + 1 by exit, so one comparison per cycle serves both
  let capacity = t.capacity;
  let tPc = t.pc;
  let tInstr = t.instr;
  let tRs1 = t.rs1Value;
  let tRs2 = t.rs2Value;
  let tRd = t.rdValue;
  let tMemAddr = t.memAddr;
  let tMemValue = t.memValue;
  let tMemPrev = t.memPrev;
  let tNextPc = t.nextPc;
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
    let memAddr = 0;
    let memValue = 0;
    let memPrev = 0;
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
        memAddr = addr & ~3;
        memValue = mem[addr >>> 2]!;
        memPrev = memValue;
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
        memAddr = addr & ~3;
        memPrev = mem[addr >>> 2]!;
        if (op === 19) memValue = b;
        else if (op === 17) memValue = S.insertByte(memPrev, addr & 3, b);
        else memValue = S.insertHalf(memPrev, addr & 3, b);
        mem[addr >>> 2] = memValue;
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
    const rd = (fields >>> 8) & 0xff;
    regs[rd] = v;
    if (cycle === capacity) {
      t.grow(cycle);
      capacity = t.capacity;
      tPc = t.pc;
      tInstr = t.instr;
      tRs1 = t.rs1Value;
      tRs2 = t.rs2Value;
      tRd = t.rdValue;
      tMemAddr = t.memAddr;
      tMemValue = t.memValue;
      tMemPrev = t.memPrev;
      tNextPc = t.nextPc;
    }
    tPc[cycle] = pc;
    tInstr[cycle] = words[i]!;
    tRs1[cycle] = a;
    tRs2[cycle] = b;
    tRd[cycle] = rd === SINK_REG ? 0 : v;
    tMemAddr[cycle] = memAddr;
    tMemValue[cycle] = memValue;
    tMemPrev[cycle] = memPrev;
    tNextPc[cycle] = next;
    pc = next;
    cycle++;
  }
  m.pc = pc;
  return cycle;
}
