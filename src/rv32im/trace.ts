// Trace mode: the interpreter of execute.ts plus, per cycle, what the AIR needs, in columnar
// typed arrays (9 u32 columns = 36 bytes per cycle; no per-cycle objects). Same validation,
// same syscalls, same semantics.ts calls, same errors as fast mode.
// The trace is produced in segments (continuations, as RISC Zero proves 2^20-cycle segments):
// `executeWithSegments` streams them through one set of reused buffers; `executeWithTrace` glues
// them into one whole trace. docs/abi.md, "Trace mode", documents both.

import { ExecError } from './errors.ts';
import type { ExecOptions, ExecResult } from './execute.ts';
import { codeFault, collectResult, cycleLimitFault, fetchFault, jumpFault, memFault, prepareRun, staleCodeFault } from './execute.ts';
import type { Program } from './elf.ts';
import { CODE_READ_ONLY, GUEST_SPAN, SINK_REG, STALE_FIELDS } from './machine.ts';
import type { Machine } from './machine.ts';
import { DEFAULT_MAX_CYCLES, GUEST_MIN_ADDR, MAX_CYCLES_LIMIT } from './platform.ts';
import * as S from './semantics.ts';
import type { Syscalls } from './syscalls.ts';
import { SegmentBuffers, TraceAccumulator } from './trace-columns.ts';

export { TRACE_BYTES_PER_CYCLE } from './trace-columns.ts';

/** Rows per segment when none is given: RISC Zero's default segment size (36 MiB of columns). */
export const DEFAULT_SEGMENT_CYCLES = 1 << 20;
/** Largest segment: 2^26 rows = 2.4 GB of columns, the whole default cycle budget. */
export const MAX_SEGMENT_CYCLES = 1 << 26;

/** Bytes moved by read (input) or write(fd 3) (journal), one entry per byte, in order. */
export interface ByteEvents {
  length: number;
  /** Cycle of the ECALL that moved the byte (global: counted from the start of the run). */
  cycle: Uint32Array;
  /** Guest byte address: where an input byte was stored / a journal byte was read from. */
  byteAddr: Uint32Array;
  value: Uint8Array;
}

/** The nine per-cycle columns: row i describes one executed instruction. Values are unsigned 32-bit. */
export interface TraceRows {
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
}

/**
 * The whole run: one row per executed instruction (cycle i = the i-th instruction, including the
 * final exit ECALL). Every column has length `cycles`.
 */
export interface ExecutionTrace extends TraceRows {
  cycles: number;
  /** Private input bytes consumed (read syscall writes them into guest memory at byteAddr). */
  input: ByteEvents;
  /** Journal bytes committed (write to fd 3). */
  journal: ByteEvents;
}

/**
 * Cycles [start, start + length) of a run. Row k of every column is global cycle start + k.
 * A continuation prover proves one segment from its boundary state: `startPc` and `startRegs`
 * (the state before row 0; the state after the last row is the next segment's start state).
 * Memory is not snapshotted: the first access to a word in a segment carries the word's value at
 * the boundary in `memPrev` (input bytes stored by `read` are in `input`), which is what a
 * per-segment memory argument checks against a boundary memory commitment.
 *
 * The columns, `input` and `journal` are views of buffers that are REUSED for the next segment:
 * consume or copy them before `onSegment` returns. `startRegs` is a fresh copy and may be kept.
 */
export interface TraceSegment extends TraceRows {
  /** 0, 1, 2, … in execution order. */
  index: number;
  /** Global cycle of row 0 (= index × segmentCycles). */
  start: number;
  /** Rows: segmentCycles, except that the last segment may be shorter (never empty). */
  length: number;
  /** True for the segment holding the exit ECALL (its last row). */
  isLast: boolean;
  /** pc before row 0 (equals pc[0]). */
  startPc: number;
  /** x0..x31 before row 0, unsigned (x0 = 0; x2 = STACK_TOP in segment 0). */
  startRegs: Uint32Array;
  /** Input bytes consumed / journal bytes committed by ECALLs in this segment (cycles are global). */
  input: ByteEvents;
  journal: ByteEvents;
}

export interface SegmentOptions extends ExecOptions {
  /** Rows per segment: a power of two in [1, MAX_SEGMENT_CYCLES]. Default DEFAULT_SEGMENT_CYCLES. */
  segmentCycles?: number;
  /**
   * Called with each completed segment, in order, during execution. The segment's columns are
   * overwritten by the next segment: consume or copy them before returning. An exception thrown
   * here stops execution and propagates unchanged out of executeWithSegments.
   */
  onSegment(segment: TraceSegment): void;
}

export interface SegmentedResult extends ExecResult {
  /** Segments delivered: ceil(cycles / segmentCycles). */
  numSegments: number;
}

/**
 * Executes like `execute` (same checks, results and errors) and streams the trace to `onSegment`
 * in segments of `segmentCycles` rows, reusing one set of buffers (segmentCycles × 36 bytes).
 * On an ExecError the unfinished segment is dropped (a failed run has nothing to prove); the
 * segments delivered before it were complete and correct.
 */
export function executeWithSegments(program: Program, options: SegmentOptions): SegmentedResult {
  const { machine, syscalls, maxCycles } = prepareRun(program, options);
  const segmentCycles = options.segmentCycles ?? DEFAULT_SEGMENT_CYCLES;
  if (!Number.isInteger(segmentCycles) || segmentCycles < 1 || segmentCycles > MAX_SEGMENT_CYCLES || (segmentCycles & (segmentCycles - 1)) !== 0) {
    throw new ExecError('bad-options', `segmentCycles must be a power of two in [1, ${MAX_SEGMENT_CYCLES}], got ${segmentCycles}`, program.entry, 0);
  }
  if (typeof options.onSegment !== 'function') {
    throw new ExecError('bad-options', 'onSegment must be a function', program.entry, 0);
  }
  const buffers = new SegmentBuffers(segmentCycles);
  syscalls.ioLog = buffers;
  const cycles = runTraced(machine, syscalls, maxCycles, buffers, options.onSegment);
  return { ...collectResult(syscalls, cycles), numSegments: Math.ceil(cycles / segmentCycles) };
}

/**
 * Executes like `execute` (same checks, results and errors) and also returns the whole trace.
 * One segment as large as the cycle budget (capped at MAX_SEGMENT_CYCLES) is used, so a run that
 * fits is returned without a copy; every page of the trace is fresh memory, which makes this mode
 * several times slower than consuming segments (bench/executor.ts).
 */
export function executeWithTrace(program: Program, options: ExecOptions = {}): { result: ExecResult; trace: ExecutionTrace } {
  const maxCycles = options.maxCycles ?? DEFAULT_MAX_CYCLES;
  // An invalid maxCycles is reported by prepareRun; any valid segment size will do until then.
  const rows = Number.isInteger(maxCycles) && maxCycles >= 1 && maxCycles <= MAX_CYCLES_LIMIT ? Math.min(maxCycles, MAX_SEGMENT_CYCLES) : 1;
  const accumulator = new TraceAccumulator();
  const { numSegments: _, ...result } = executeWithSegments(program, {
    ...options,
    segmentCycles: 2 ** Math.ceil(Math.log2(rows)),
    onSegment: (segment) => accumulator.add(segment),
  });
  return { result, trace: accumulator.finish() };
}

/**
 * The loop of execute.ts `runFast`, case for case, plus one trace row per instruction, written
 * straight into the reused segment buffers at row `cycle & rowMask` (no per-cycle call, object or
 * growth check). When a segment fills, it is handed to `onSegment` and the next one begins.
 */
function runTraced(m: Machine, sys: Syscalls, maxCycles: number, t: SegmentBuffers, onSegment: (segment: TraceSegment) => void): number {
  const regs = m.regs;
  const mem = m.mem;
  const { base, numWords, decoded, word: words, codeKind } = m.code;
  const minAddr = GUEST_MIN_ADDR;
  const span = GUEST_SPAN;
  let pc = m.pc | 0;
  let cycle = 0;
  let limit = maxCycles; // lowered to cycle + 1 by exit, so one comparison per cycle serves both
  const rowMask = t.capacity - 1; // capacity is a power of two
  const { pc: tPc, instr: tInstr, rs1Value: tRs1, rs2Value: tRs2, rdValue: tRd, memAddr: tMemAddr, memValue: tMemValue, memPrev: tMemPrev, nextPc: tNextPc } = t.columns;
  let segmentIndex = 0;
  t.begin(0, 0, pc, regs);
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
    const row = cycle & rowMask;
    tPc[row] = pc;
    tInstr[row] = words[i]!;
    tRs1[row] = a;
    tRs2[row] = b;
    tRd[row] = rd === SINK_REG ? 0 : v;
    tMemAddr[row] = memAddr;
    tMemValue[row] = memValue;
    tMemPrev[row] = memPrev;
    tNextPc[row] = next;
    pc = next;
    cycle++;
    if ((cycle & rowMask) === 0) {
      onSegment(t.segment(rowMask + 1, sys.exited));
      t.begin(++segmentIndex, cycle, pc, regs);
    }
  }
  if ((cycle & rowMask) !== 0) onSegment(t.segment(cycle & rowMask, true));
  m.pc = pc;
  return cycle;
}
