// Trace storage: reserved column buffers the trace loop writes into, plus the syscall byte logs.
// Layout documented on ExecutionTrace (trace.ts).

import type { ByteEvents, ExecutionTrace } from './trace.ts';
import type { IoLog } from './syscalls.ts';

/** Bytes of trace per cycle (9 u32 columns), excluding the much smaller byte-event logs. */
export const TRACE_BYTES_PER_CYCLE = 36;

/**
 * Rows reserved up front (capped, so a huge maxCycles does not reserve huge buffers). Reserved
 * pages cost nothing until written, so each trace byte is touched once; growing by copying touched
 * every byte twice, which dominated trace time on a VM where first-touch page faults are slow.
 */
const MAX_RESERVED_ROWS = 1 << 26;

/** Growable per-byte log (syscall traffic is small, so doubling is fine here). */
class ByteEventLog {
  length = 0;
  cycle = new Uint32Array(64);
  byteAddr = new Uint32Array(64);
  value = new Uint8Array(64);
  push(cycle: number, byteAddr: number, bytes: Uint8Array): void {
    const need = this.length + bytes.length;
    if (need > this.value.length) {
      const capacity = Math.max(need, this.value.length * 2);
      this.cycle = grow(this.cycle, capacity, this.length);
      this.byteAddr = grow(this.byteAddr, capacity, this.length);
      const value = new Uint8Array(capacity);
      value.set(this.value.subarray(0, this.length));
      this.value = value;
    }
    for (let i = 0; i < bytes.length; i++) {
      this.cycle[this.length + i] = cycle;
      this.byteAddr[this.length + i] = byteAddr + i;
    }
    this.value.set(bytes, this.length);
    this.length = need;
  }
  finish(): ByteEvents {
    return {
      length: this.length,
      cycle: this.cycle.slice(0, this.length),
      byteAddr: this.byteAddr.slice(0, this.length),
      value: this.value.slice(0, this.length),
    };
  }
}

function grow(column: Uint32Array, capacity: number, used: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(capacity);
  next.set(column.subarray(0, used));
  return next;
}

/**
 * Trace columns with spare capacity. The trace loop writes row i of every column directly and
 * calls `grow` when i reaches `capacity` (only possible when maxCycles > MAX_RESERVED_ROWS).
 */
export class TraceColumns implements IoLog {
  capacity: number;
  pc: Uint32Array<ArrayBuffer>;
  instr: Uint32Array<ArrayBuffer>;
  rs1Value: Uint32Array<ArrayBuffer>;
  rs2Value: Uint32Array<ArrayBuffer>;
  rdValue: Uint32Array<ArrayBuffer>;
  memAddr: Uint32Array<ArrayBuffer>;
  memValue: Uint32Array<ArrayBuffer>;
  memPrev: Uint32Array<ArrayBuffer>;
  nextPc: Uint32Array<ArrayBuffer>;
  private readonly inputLog = new ByteEventLog();
  private readonly journalLog = new ByteEventLog();

  /** `maxRows`: the run's cycle limit, so the reservation never exceeds what the run can use. */
  constructor(maxRows: number) {
    const capacity = Math.max(1, Math.min(maxRows, MAX_RESERVED_ROWS));
    this.capacity = capacity;
    this.pc = new Uint32Array(capacity);
    this.instr = new Uint32Array(capacity);
    this.rs1Value = new Uint32Array(capacity);
    this.rs2Value = new Uint32Array(capacity);
    this.rdValue = new Uint32Array(capacity);
    this.memAddr = new Uint32Array(capacity);
    this.memValue = new Uint32Array(capacity);
    this.memPrev = new Uint32Array(capacity);
    this.nextPc = new Uint32Array(capacity);
  }

  logInput(cycle: number, byteAddr: number, bytes: Uint8Array): void {
    this.inputLog.push(cycle, byteAddr, bytes);
  }

  logJournal(cycle: number, byteAddr: number, bytes: Uint8Array): void {
    this.journalLog.push(cycle, byteAddr, bytes);
  }

  /** Doubles every column, keeping the first `used` rows. */
  grow(used: number): void {
    const capacity = this.capacity * 2;
    this.pc = grow(this.pc, capacity, used);
    this.instr = grow(this.instr, capacity, used);
    this.rs1Value = grow(this.rs1Value, capacity, used);
    this.rs2Value = grow(this.rs2Value, capacity, used);
    this.rdValue = grow(this.rdValue, capacity, used);
    this.memAddr = grow(this.memAddr, capacity, used);
    this.memValue = grow(this.memValue, capacity, used);
    this.memPrev = grow(this.memPrev, capacity, used);
    this.nextPc = grow(this.nextPc, capacity, used);
    this.capacity = capacity;
  }

  /** Views of the first `cycles` rows (no copy: a column's `.buffer` may be larger than the column). */
  finish(cycles: number): ExecutionTrace {
    return {
      cycles,
      pc: this.pc.subarray(0, cycles),
      instr: this.instr.subarray(0, cycles),
      rs1Value: this.rs1Value.subarray(0, cycles),
      rs2Value: this.rs2Value.subarray(0, cycles),
      rdValue: this.rdValue.subarray(0, cycles),
      memAddr: this.memAddr.subarray(0, cycles),
      memValue: this.memValue.subarray(0, cycles),
      memPrev: this.memPrev.subarray(0, cycles),
      nextPc: this.nextPc.subarray(0, cycles),
      input: this.inputLog.finish(),
      journal: this.journalLog.finish(),
    };
  }
}
