import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, Op } from '../../src/rv32im/decode.ts';
import type { Program, Segment } from '../../src/rv32im/elf.ts';
import { loadElf } from '../../src/rv32im/elf.ts';
import * as enc from '../../src/rv32im/encode.ts';
import { ExecError } from '../../src/rv32im/errors.ts';
import { execute, type ExecOptions, type ExecResult } from '../../src/rv32im/execute.ts';
import { GUEST_MIN_ADDR, STACK_TOP } from '../../src/rv32im/platform.ts';
import { COLUMN_NAMES, TraceAccumulator } from '../../src/rv32im/trace-columns.ts';
import { executeWithSegments, executeWithTrace, MAX_SEGMENT_CYCLES, type ByteEvents, type ExecutionTrace, type TraceSegment } from '../../src/rv32im/trace.ts';
import { CODE_VADDR, DATA_VADDR, randomProgram } from '../helpers/random-program.ts';
import { CODE_BASE, DATA_BASE, programFromWords } from '../helpers/words-program.ts';

const EXIT = [enc.addi(17, 0, 93), enc.ecall()];

/** `n` nops then exit: exactly n + 2 cycles. */
const nops = (n: number, tail: number[] = EXIT): Program => programFromWords([...Array<number>(n).fill(enc.nop()), ...tail]);

/** A segment copied out of the reused buffers (as the callback contract requires). */
interface Copied extends Omit<TraceSegment, 'input' | 'journal'> {
  input: ByteEvents;
  journal: ByteEvents;
}

const copyEvents = (e: ByteEvents): ByteEvents => ({ length: e.length, cycle: e.cycle.slice(), byteAddr: e.byteAddr.slice(), value: e.value.slice() });

function copySegment(s: TraceSegment): Copied {
  const copy = { ...s, input: copyEvents(s.input), journal: copyEvents(s.journal) };
  for (const name of COLUMN_NAMES) copy[name] = s[name].slice();
  return copy;
}

/** Runs in segments, copying each; returns the result or the error, and the segments delivered. */
function runSegments(program: Program, options: ExecOptions, segmentCycles: number): { outcome: unknown; segments: Copied[] } {
  const segments: Copied[] = [];
  let outcome: unknown;
  try {
    outcome = executeWithSegments(program, { ...options, segmentCycles, onSegment: (s) => segments.push(copySegment(s)) });
  } catch (err) {
    outcome = err;
  }
  return { outcome, segments };
}

function concatEvents(parts: ByteEvents[]): ByteEvents {
  const cat = <T extends Uint8Array | Uint32Array>(arrays: T[], make: (n: number) => T): T => {
    const out = make(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) (out.set(a as never, at), (at += a.length));
    return out;
  };
  return {
    length: parts.reduce((n, p) => n + p.length, 0),
    cycle: cat(parts.map((p) => p.cycle), (n) => new Uint32Array(n)),
    byteAddr: cat(parts.map((p) => p.byteAddr), (n) => new Uint32Array(n)),
    value: cat(parts.map((p) => p.value), (n) => new Uint8Array(n)),
  };
}

/** Every column and byte log by name. */
function traceFields(t: Omit<ExecutionTrace, 'cycles'>): Record<string, Uint32Array | Uint8Array> {
  const out: Record<string, Uint32Array | Uint8Array> = {};
  for (const name of COLUMN_NAMES) out[name] = t[name];
  for (const log of ['input', 'journal'] as const) {
    out[`${log}.cycle`] = t[log].cycle;
    out[`${log}.byteAddr`] = t[log].byteAddr;
    out[`${log}.value`] = t[log].value;
  }
  return out;
}

/** Field-by-field equality; on a mismatch, names the field and the first differing index (toEqual on big arrays is slow). */
function expectSameTrace(got: Omit<ExecutionTrace, 'cycles'>, want: Omit<ExecutionTrace, 'cycles'>): void {
  const g = traceFields(got);
  for (const [name, w] of Object.entries(traceFields(want))) {
    const x = g[name]!;
    let at = x.length === w.length ? -1 : Math.min(x.length, w.length);
    for (let i = 0; i < w.length && at < 0; i++) if (x[i] !== w[i]) at = i;
    expect({ name, at, length: x.length }).toEqual({ name, at: -1, length: w.length });
  }
}

function concatSegments(segments: Copied[]): Omit<ExecutionTrace, 'cycles'> {
  const rows = {} as Omit<ExecutionTrace, 'cycles'>;
  for (const name of COLUMN_NAMES) {
    rows[name] = new Uint32Array(segments.reduce((n, s) => n + s.length, 0));
    segments.forEach((s) => rows[name].set(s[name], s.start));
  }
  rows.input = concatEvents(segments.map((s) => s.input));
  rows.journal = concatEvents(segments.map((s) => s.journal));
  return rows;
}

/** Registers before `cycle`, replayed from the rd writes of the trace (independent of the executor). */
function registersAt(trace: Omit<ExecutionTrace, 'cycles'>, cycle: number): number[] {
  const regs = new Array<number>(32).fill(0);
  regs[2] = STACK_TOP;
  for (let i = 0; i < cycle; i++) {
    const instr = decode(trace.instr[i]!);
    const rd = instr.op === Op.ECALL ? 10 : instr.rd;
    if (rd !== 0) regs[rd] = trace.rdValue[i]!;
  }
  return regs;
}

/** Segment-level invariants plus: concatenation equals the whole trace; boundary snapshots match the trace. */
function checkSegmented(program: Program, options: ExecOptions, segmentCycles: number): { whole: ExecutionTrace; result: ExecResult; segments: Copied[] } {
  const { result, trace: whole } = executeWithTrace(program, options);
  const { outcome, segments } = runSegments(program, options, segmentCycles);
  if (outcome instanceof Error) throw outcome;
  const { numSegments, ...segResult } = outcome as ExecResult & { numSegments: number };
  expect(segResult).toEqual(result);
  expect(numSegments).toBe(Math.ceil(result.cycles / segmentCycles));
  expect(segments.length).toBe(numSegments);
  segments.forEach((s, k) => {
    expect([s.index, s.start, s.isLast]).toEqual([k, k * segmentCycles, k === segments.length - 1]);
    expect(s.length).toBe(k === segments.length - 1 ? result.cycles - k * segmentCycles : segmentCycles);
    expect(s.startPc).toBe(s.pc[0]);
    if (k > 0) expect(s.startPc).toBe(segments[k - 1]!.nextPc[segmentCycles - 1]);
    expect(Array.from(s.startRegs)).toEqual(registersAt(whole, s.start).map((r) => r >>> 0));
    for (const log of [s.input, s.journal]) for (const c of log.cycle) expect(c - s.start >>> 0).toBeLessThan(s.length);
  });
  expectSameTrace(concatSegments(segments), whole);
  return { whole, result, segments };
}

const TRAMPOLINE = GUEST_MIN_ADDR;
const TRAMPOLINE_CYCLES = 31 * 2 + 1;

/**
 * A Program that starts in a segment's boundary state: guest memory as the trace left it before
 * `start` (initial image + every store + input bytes), and a trampoline at TRAMPOLINE that loads
 * x1..x31 from the snapshot and jumps to startPc (so its cycles = TRAMPOLINE_CYCLES more).
 */
function resumeProgram(program: Program, trace: Omit<ExecutionTrace, 'cycles'>, segment: Copied): Program {
  const bytes = new Map<number, number>();
  let nextInput = 0;
  for (let i = 0; i < segment.start; i++) {
    const addr = trace.memAddr[i]!;
    if (addr !== 0) for (let k = 0; k < 4; k++) bytes.set(addr + k, (trace.memValue[i]! >>> (8 * k)) & 0xff);
    for (; nextInput < trace.input.length && trace.input.cycle[nextInput] === i; nextInput++) bytes.set(trace.input.byteAddr[nextInput]!, trace.input.value[nextInput]!);
  }
  const segments: Segment[] = program.segments.map((s) => ({ ...s, bytes: s.bytes.slice() }));
  const outside: number[] = [];
  for (const [addr, value] of bytes) {
    const s = segments.find((s) => addr >= s.vaddr && addr < s.vaddr + s.bytes.length);
    if (s) s.bytes[addr - s.vaddr] = value;
    else outside.push(addr);
  }
  outside.sort((x, y) => x - y);
  for (let k = 0; k < outside.length; ) {
    let end = k + 1;
    while (end < outside.length && outside[end] === outside[end - 1]! + 1) end++;
    segments.push({ vaddr: outside[k]!, bytes: Uint8Array.from(outside.slice(k, end), (a) => bytes.get(a)!), readable: true, writable: true, executable: false });
    k = end;
  }
  const words: number[] = [];
  for (let r = 1; r < 32; r++) words.push(...enc.li(r, segment.startRegs[r]!));
  words.push(enc.jal(0, segment.startPc - (TRAMPOLINE + 4 * words.length)));
  const code = new Uint8Array(Uint32Array.from(words).buffer);
  expect(segments.every((s) => s.vaddr >= TRAMPOLINE + code.length)).toBe(true);
  segments.push({ vaddr: TRAMPOLINE, bytes: code, readable: true, writable: false, executable: true });
  segments.sort((x, y) => x.vaddr - y.vaddr);
  return { entry: TRAMPOLINE, segments };
}

/** Resumes fast mode from `segment`'s snapshot; it must finish exactly as the full run did. */
function checkResume(program: Program, options: ExecOptions, whole: ExecutionTrace, result: ExecResult, segment: Copied): void {
  const inputUsed = whole.input.cycle.filter((c) => c < segment.start).length;
  const journalBefore = whole.journal.cycle.filter((c) => c < segment.start).length;
  const resumed = execute(resumeProgram(program, whole, segment), { ...options, input: options.input?.subarray(inputUsed) });
  expect(resumed.exitCode).toBe(result.exitCode);
  expect(resumed.cycles).toBe(TRAMPOLINE_CYCLES + result.cycles - segment.start);
  expect(Array.from(resumed.journal)).toEqual(Array.from(result.journal.subarray(journalBefore)));
}

const ioProgram = (): Program => {
  const read = [enc.addi(17, 0, 63), enc.addi(10, 0, 0), ...enc.li(11, DATA_BASE + 1), enc.addi(12, 0, 3), enc.ecall()];
  const write = [enc.addi(17, 0, 64), enc.addi(10, 0, 3), ...enc.li(11, DATA_BASE), enc.addi(12, 0, 8), enc.ecall()];
  const work = [...enc.li(5, DATA_BASE), enc.lw(6, 5, 0), enc.addi(6, 6, 1), enc.sw(6, 5, 4), enc.sb(6, 5, 9), enc.lh(7, 5, 8)];
  return programFromWords([...read, ...work, ...write, ...read, ...work, ...write, ...enc.li(10, 77), ...EXIT], [{ vaddr: DATA_BASE, bytes: Uint8Array.from([1, 2, 3, 4, 0, 0, 0, 0, 9, 9, 9, 9]) }]);
};
const IO_INPUT = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee]);

describe('segments concatenated = executeWithTrace', () => {
  it('syscalls, memory, every segment size from 1 to past the run; each boundary resumes in fast mode', () => {
    const program = ioProgram();
    for (const size of [1, 2, 4, 8, 16, 32, 64, 1 << 20]) {
      const { whole, result, segments } = checkSegmented(program, { input: IO_INPUT }, size);
      expect([result.exitCode, whole.input.length, whole.journal.length]).toEqual([77, 5, 16]);
      for (const s of segments) checkResume(program, { input: IO_INPUT }, whole, result, s);
    }
  });

  it('TraceAccumulator glues many segments (the path executeWithTrace takes past 2^26 cycles)', () => {
    const program = ioProgram();
    const whole = executeWithTrace(program, { input: IO_INPUT }).trace;
    for (const size of [1, 4, 32]) {
      const accumulator = new TraceAccumulator();
      executeWithSegments(program, { input: IO_INPUT, segmentCycles: size, onSegment: (s) => accumulator.add(s) });
      const glued = accumulator.finish();
      expect(glued.cycles).toBe(whole.cycles);
      expectSameTrace(glued, whole);
    }
  });

  it('the resume check catches a forged snapshot (so the check above can fail)', () => {
    const program = ioProgram();
    const { whole, result, segments } = checkSegmented(program, { input: IO_INPUT }, 1);
    const atLoad = segments.find((s) => s.instr[0] === enc.lw(6, 5, 0))!; // x5 = DATA_BASE is live here
    expect(() => checkResume(program, { input: IO_INPUT }, whole, result, atLoad)).not.toThrow();
    const forgedReg = { ...atLoad, startRegs: atLoad.startRegs.slice() };
    forgedReg.startRegs[5] = DATA_BASE + 16;
    expect(() => checkResume(program, { input: IO_INPUT }, whole, result, forgedReg)).toThrow();
    expect(() => checkResume(program, { input: IO_INPUT }, whole, result, { ...atLoad, startPc: atLoad.startPc + 4 })).toThrow();
  });

  it('execution ending exactly at a boundary, one past it, one before it', () => {
    for (const size of [1, 2, 8, 16]) {
      for (const cycles of [size, size + 1, 2 * size - 1, 2 * size, 2 * size + 1].filter((c) => c >= 2)) {
        const { result, segments } = checkSegmented(nops(cycles - 2), {}, size);
        expect(result.cycles).toBe(cycles);
        const last = segments.at(-1)!;
        expect(last.length).toBe(cycles % size === 0 ? size : cycles % size);
        expect(last.instr[last.length - 1]).toBe(enc.ecall());
      }
    }
  });

  it('random programs (seeds 1..6)', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rp = randomProgram(seed, 300);
      const program: Program = {
        entry: CODE_VADDR,
        segments: [
          { vaddr: CODE_VADDR, bytes: new Uint8Array(rp.code.buffer), readable: true, writable: false, executable: true },
          { vaddr: DATA_VADDR, bytes: rp.data, readable: true, writable: true, executable: false },
        ],
      };
      for (const size of [1, 64]) {
        const { whole, result, segments } = checkSegmented(program, { maxCycles: 100_000 }, size);
        if (size === 64) for (const s of segments) checkResume(program, {}, whole, result, s);
      }
    }
  });

  const examplesDir = new URL('../../guests/examples/', import.meta.url);
  let elfs: string[] = [];
  try {
    elfs = readdirSync(examplesDir).filter((f) => f.endsWith('.elf'));
  } catch {
    elfs = [];
  }
  if (elfs.length === 0) console.warn('SKIPPING segmented trace on guests/examples: no prebuilt ELFs found');
  it.skipIf(elfs.length === 0)('example guests (prebuilt ELFs): several sizes, resume from first, middle and last boundary', () => {
    const input = Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 5) & 0xff);
    input.set([5, 0, 0, 0]);
    for (const name of elfs) {
      const program = loadElf(new Uint8Array(readFileSync(new URL(name, examplesDir))));
      for (const size of [16, 1024, 1 << 20]) {
        const { whole, result, segments } = checkSegmented(program, { input }, size);
        if (size !== 1024) continue;
        for (const s of new Set([segments[0]!, segments[segments.length >> 1]!, segments.at(-1)!])) checkResume(program, { input }, whole, result, s);
      }
    }
  });
});

describe('errors mid-segment', () => {
  /** The segmented run throws fast mode's exact error; returns the segments it delivered first. */
  function sameErrorAsFast(program: Program, options: ExecOptions, size: number): Copied[] {
    let fast: unknown;
    try {
      execute(program, options);
    } catch (err) {
      fast = err;
    }
    expect(fast).toBeInstanceOf(ExecError);
    const f = fast as ExecError;
    const { outcome, segments } = runSegments(program, options, size);
    expect(outcome).toBeInstanceOf(ExecError);
    const e = outcome as ExecError;
    expect([e.code, e.pc, e.instr, e.cycle, e.message]).toEqual([f.code, f.pc, f.instr, f.cycle, f.message]);
    expect(segments.length).toBe(Math.floor(f.cycle / size)); // complete segments only: the unfinished one is dropped
    expect(segments.every((s) => s.length === size && !s.isLast)).toBe(true);
    return segments;
  }

  it('cycle limit at, just after and just before a boundary: delivered rows are the full run prefix', () => {
    const program = ioProgram();
    const full = executeWithTrace(program, { input: IO_INPUT });
    for (const size of [1, 4, 8]) {
      for (const maxCycles of [size, size + 1, 2 * size - 1, 2 * size]) {
        const segments = sameErrorAsFast(program, { input: IO_INPUT, maxCycles }, size);
        const rows = segments.length * size;
        const inputBefore = full.trace.input.cycle.filter((c) => c < rows).length;
        const journalBefore = full.trace.journal.cycle.filter((c) => c < rows).length;
        const prefix = { input: { ...full.trace.input }, journal: { ...full.trace.journal } } as Omit<ExecutionTrace, 'cycles'>;
        for (const name of COLUMN_NAMES) prefix[name] = full.trace[name].subarray(0, rows);
        for (const field of ['cycle', 'byteAddr', 'value'] as const) {
          prefix.input[field] = full.trace.input[field].subarray(0, inputBefore) as never;
          prefix.journal[field] = full.trace.journal[field].subarray(0, journalBefore) as never;
        }
        expectSameTrace(concatSegments(segments), prefix);
      }
    }
  });

  it('faults (illegal instruction, misaligned load, bad syscall, ebreak) at and around boundaries', () => {
    const faults = [[0], [...enc.li(5, 0x0100_0002), enc.lw(6, 5, 0)], [enc.addi(17, 0, 1), enc.ecall()], [enc.ebreak()]];
    for (const fault of faults) {
      for (const before of [6, 7, 8, 9, 15, 16]) sameErrorAsFast(nops(before, fault), {}, 8);
    }
    sameErrorAsFast(programFromWords([enc.jal(0, 0)]), { maxCycles: 500 }, 64);
  });
});

describe('segment callback and options', () => {
  it('a throwing callback stops execution: its error propagates, nothing runs after, the program reruns cleanly', () => {
    const write = [enc.addi(17, 0, 64), enc.addi(10, 0, 1), ...enc.li(11, CODE_BASE), enc.addi(12, 0, 4), enc.ecall()];
    const program = nops(20, [...write, ...EXIT]);
    const stop = new Error('consumer failed');
    let calls = 0;
    let stdoutCalls = 0;
    const run = (): unknown =>
      executeWithSegments(program, {
        segmentCycles: 8,
        onStdout: () => stdoutCalls++,
        onSegment: () => {
          if (++calls === 2) throw stop;
        },
      });
    expect(run).toThrow(stop);
    expect([calls, stdoutCalls]).toEqual([2, 0]); // the write is at cycle 25, in segment 3
    const again = executeWithSegments(program, { segmentCycles: 8, onSegment: () => undefined });
    expect([again.cycles, again.numSegments, Array.from(again.stdout)]).toEqual([28, 4, Array.from(new Uint8Array(Uint32Array.from([enc.nop()]).buffer))]);
  });

  it('the buffers are reused: a later segment overwrites the columns an earlier callback saw', () => {
    const seen: Uint32Array[] = [];
    executeWithSegments(nops(30), { segmentCycles: 8, onSegment: (s) => seen.push(s.pc) });
    expect(seen.length).toBe(4);
    expect(seen[0]!.buffer).toBe(seen[1]!.buffer);
    expect(seen[0]![0]).toBe(CODE_BASE + 3 * 8 * 4); // segment 3's first pc
  });

  it('rejects bad segmentCycles and a missing callback with bad-options; maxCycles is checked first', () => {
    const program = nops(1);
    const code = (options: object): string | undefined => {
      try {
        executeWithSegments(program, { onSegment: () => undefined, ...options });
      } catch (err) {
        return err instanceof ExecError ? `${err.code}: ${err.message.split(' at pc')[0]}` : String(err);
      }
      return undefined;
    };
    for (const bad of [0, 3, 12, 1.5, NaN, -8, MAX_SEGMENT_CYCLES * 2]) expect(code({ segmentCycles: bad })).toMatch(/^bad-options: segmentCycles must be a power of two/);
    expect(code({ onSegment: undefined })).toMatch(/^bad-options: onSegment must be a function/);
    expect(code({ segmentCycles: 3, maxCycles: 0 })).toMatch(/^bad-options: maxCycles/);
    expect(code({ segmentCycles: MAX_SEGMENT_CYCLES })).toBeUndefined();
    expect(code({ segmentCycles: 1 })).toBeUndefined();
  });
});
