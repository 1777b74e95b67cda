// Trace storage: the reused segment buffers the trace loop writes into (plus the per-segment
// syscall byte logs), and the accumulator that glues segments into one ExecutionTrace.
// Layouts documented on ExecutionTrace and TraceSegment (trace.ts).

import type { ByteEvents, ExecutionTrace, TraceSegment } from './trace.ts';
import type { IoLog } from './syscalls.ts';

/** Bytes of trace per cycle (9 u32 columns), excluding the much smaller byte-event logs. */
export const TRACE_BYTES_PER_CYCLE = 36;

/** The nine per-cycle columns, in ExecutionTrace order. */
export const COLUMN_NAMES = ['pc', 'instr', 'rs1Value', 'rs2Value', 'rdValue', 'memAddr', 'memValue', 'memPrev', 'nextPc'] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];
type Columns = Record<ColumnName, Uint32Array<ArrayBuffer>>;

function allocateColumns(rows: number): Columns {
  const columns = {} as Columns;
  for (const name of COLUMN_NAMES) columns[name] = new Uint32Array(rows);
  return columns;
}

/** Growable per-byte log (syscall traffic is small, so doubling is fine here). */
class ByteEventLog {
  length = 0;
  cycle = new Uint32Array(64);
  byteAddr = new Uint32Array(64);
  value = new Uint8Array(64);

  push(cycle: number, byteAddr: number, bytes: Uint8Array): void {
    this.reserve(this.length + bytes.length);
    for (let i = 0; i < bytes.length; i++) {
      this.cycle[this.length + i] = cycle;
      this.byteAddr[this.length + i] = byteAddr + i;
    }
    this.value.set(bytes, this.length);
    this.length += bytes.length;
  }

  append(events: ByteEvents): void {
    this.reserve(this.length + events.length);
    this.cycle.set(events.cycle, this.length);
    this.byteAddr.set(events.byteAddr, this.length);
    this.value.set(events.value, this.length);
    this.length += events.length;
  }

  /** Views of the logged events (no copy). */
  view(): ByteEvents {
    const n = this.length;
    return { length: n, cycle: this.cycle.subarray(0, n), byteAddr: this.byteAddr.subarray(0, n), value: this.value.subarray(0, n) };
  }

  /** Exact-length copies. */
  copy(): ByteEvents {
    const n = this.length;
    return { length: n, cycle: this.cycle.slice(0, n), byteAddr: this.byteAddr.slice(0, n), value: this.value.slice(0, n) };
  }

  private reserve(need: number): void {
    if (need <= this.value.length) return;
    const capacity = Math.max(need, this.value.length * 2);
    const cycle = new Uint32Array(capacity);
    cycle.set(this.cycle.subarray(0, this.length));
    const byteAddr = new Uint32Array(capacity);
    byteAddr.set(this.byteAddr.subarray(0, this.length));
    const value = new Uint8Array(capacity);
    value.set(this.value.subarray(0, this.length));
    this.cycle = cycle;
    this.byteAddr = byteAddr;
    this.value = value;
  }
}

/**
 * One segment's worth of columns, allocated once and rewritten for every segment, so after the
 * first segment the trace loop touches no fresh memory (first touch of a 4 KiB page costs ~12 µs
 * on the dev VM: that, not the loop, held whole-trace mode to ~8 MIPS). The loop writes row
 * `cycle & (capacity - 1)` of each column directly; `deliver` hands the filled rows to the consumer.
 */
export class SegmentBuffers implements IoLog {
  readonly capacity: number;
  readonly columns: Columns;
  private readonly inputLog = new ByteEventLog();
  private readonly journalLog = new ByteEventLog();
  private index = 0;
  private start = 0;
  private startPc = 0;
  private startRegs = new Uint32Array(32);

  /** `capacity`: rows per segment, a power of two (checked by the caller). */
  constructor(capacity: number) {
    this.capacity = capacity;
    this.columns = allocateColumns(capacity);
  }

  logInput(cycle: number, byteAddr: number, bytes: Uint8Array): void {
    this.inputLog.push(cycle, byteAddr, bytes);
  }

  logJournal(cycle: number, byteAddr: number, bytes: Uint8Array): void {
    this.journalLog.push(cycle, byteAddr, bytes);
  }

  /** Records the machine state at the start of the next segment (global cycle `start`). */
  begin(index: number, start: number, pc: number, regs: Int32Array): void {
    this.index = index;
    this.start = start;
    this.startPc = pc >>> 0;
    this.startRegs = new Uint32Array(32);
    this.startRegs.set(regs.subarray(0, 32)); // Int32 → Uint32 element-wise: same bits
    this.inputLog.length = 0;
    this.journalLog.length = 0;
  }

  /** The current segment's first `length` rows, as views of the reused buffers. */
  segment(length: number, isLast: boolean): TraceSegment {
    const c = this.columns;
    const rows = (column: Uint32Array): Uint32Array => (length === this.capacity ? column : column.subarray(0, length));
    return {
      index: this.index,
      start: this.start,
      length,
      isLast,
      startPc: this.startPc,
      startRegs: this.startRegs,
      pc: rows(c.pc),
      instr: rows(c.instr),
      rs1Value: rows(c.rs1Value),
      rs2Value: rows(c.rs2Value),
      rdValue: rows(c.rdValue),
      memAddr: rows(c.memAddr),
      memValue: rows(c.memValue),
      memPrev: rows(c.memPrev),
      nextPc: rows(c.nextPc),
      input: this.inputLog.view(),
      journal: this.journalLog.view(),
    };
  }
}

/**
 * Glues segments into one ExecutionTrace (executeWithTrace). A run that fits in one segment is
 * adopted without a copy: after the last segment nothing writes the buffers again.
 */
export class TraceAccumulator {
  private columns: Columns | null = null;
  private rows = 0;
  private adopted: ExecutionTrace | null = null;
  private readonly inputLog = new ByteEventLog();
  private readonly journalLog = new ByteEventLog();

  add(segment: TraceSegment): void {
    if (segment.index === 0 && segment.isLast) {
      this.adopted = { cycles: segment.length, ...pickColumns(segment), input: copyEvents(segment.input), journal: copyEvents(segment.journal) };
      return;
    }
    const need = this.rows + segment.length;
    if (this.columns === null || need > this.columns.pc.length) {
      const grown = allocateColumns(Math.max(need, 2 * (this.columns?.pc.length ?? 0)));
      if (this.columns !== null) for (const name of COLUMN_NAMES) grown[name].set(this.columns[name].subarray(0, this.rows));
      this.columns = grown;
    }
    for (const name of COLUMN_NAMES) this.columns[name].set(segment[name], this.rows);
    this.rows = need;
    this.inputLog.append(segment.input);
    this.journalLog.append(segment.journal);
  }

  /** The whole trace; columns are views of length `cycles` (a column's `.buffer` may be larger). */
  finish(): ExecutionTrace {
    if (this.adopted !== null) return this.adopted;
    const trace = { cycles: this.rows } as ExecutionTrace;
    for (const name of COLUMN_NAMES) trace[name] = this.columns === null ? new Uint32Array(0) : this.columns[name].subarray(0, this.rows);
    trace.input = this.inputLog.copy();
    trace.journal = this.journalLog.copy();
    return trace;
  }
}

function pickColumns(segment: TraceSegment): Record<ColumnName, Uint32Array> {
  const columns = {} as Record<ColumnName, Uint32Array>;
  for (const name of COLUMN_NAMES) columns[name] = segment[name];
  return columns;
}

function copyEvents(events: ByteEvents): ByteEvents {
  return { length: events.length, cycle: events.cycle.slice(), byteAddr: events.byteAddr.slice(), value: events.value.slice() };
}
