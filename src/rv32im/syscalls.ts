// ECALL dispatch: exit, read (private input) and write (stdout, stderr, journal).
// Numbers and fds from platform.ts (Linux RISC-V numbering, so guests also run under qemu-user);
// docs/abi.md has the table. Buffers must lie in guest memory; reads may not land in code.

import { ExecError, hex32 } from './errors.ts';
import { Machine } from './machine.ts';
import {
  FD_INPUT,
  FD_JOURNAL,
  FD_STDERR,
  FD_STDOUT,
  REG_A1,
  REG_A2,
  SYS_EXIT,
  SYS_EXIT_GROUP,
  SYS_READ,
  SYS_WRITE,
} from './platform.ts';

/** Receives the bytes a syscall moved, for the trace (byteAddr is the guest buffer address). */
export interface IoLog {
  logInput(cycle: number, byteAddr: number, bytes: Uint8Array): void;
  logJournal(cycle: number, byteAddr: number, bytes: Uint8Array): void;
}

/** Append-only byte buffer with amortised doubling. */
export class ByteSink {
  private buf = new Uint8Array(256);
  length = 0;
  push(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes.length));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export interface SyscallOptions {
  input?: Uint8Array;
  onStdout?(bytes: Uint8Array): void;
  onStderr?(bytes: Uint8Array): void;
}

export class Syscalls {
  readonly stdout = new ByteSink();
  readonly stderr = new ByteSink();
  readonly journal = new ByteSink();
  exited = false;
  exitCode = 0;
  /** Set in trace mode: receives every input/journal byte with its cycle. */
  ioLog: IoLog | null = null;
  private inputOffset = 0;
  private readonly input: Uint8Array;
  private readonly bytes: Uint8Array;

  constructor(
    private readonly machine: Machine,
    private readonly options: SyscallOptions,
  ) {
    this.input = options.input ?? new Uint8Array(0);
    this.bytes = new Uint8Array(machine.mem.buffer);
  }

  /**
   * Runs the ECALL at `pc` with a7 = `number` and a0 = `arg0`; returns the new a0.
   * On exit it sets `exited`/`exitCode` and returns a0 unchanged.
   */
  ecall(number: number, arg0: number, pc: number, cycle: number, word: number): number {
    const regs = this.machine.regs;
    switch (number) {
      case SYS_EXIT:
      case SYS_EXIT_GROUP:
        this.exited = true;
        this.exitCode = arg0;
        return arg0;
      case SYS_READ:
        return this.read(arg0, regs[REG_A1]! >>> 0, regs[REG_A2]! >>> 0, pc, cycle, word);
      case SYS_WRITE:
        return this.write(arg0, regs[REG_A1]! >>> 0, regs[REG_A2]! >>> 0, pc, cycle, word);
      default:
        throw new ExecError('unknown-syscall', `unknown syscall ${number} (a7)`, pc, cycle, word);
    }
  }

  /** read(fd, buf, count): copies min(count, remaining input) bytes, returns that count (0 at EOF). */
  private read(fd: number, buf: number, count: number, pc: number, cycle: number, word: number): number {
    if (fd !== FD_INPUT) throw new ExecError('bad-fd', `read from fd ${fd}: only fd ${FD_INPUT} (private input) is readable`, pc, cycle, word);
    if (count === 0) return 0;
    // The whole requested buffer must be valid, not just the bytes delivered: the check then depends
    // on the guest's arguments only, never on how much input the host supplied.
    this.checkBuffer('read', buf, count, pc, cycle, word);
    if (!this.machine.allowWrite(buf, count)) {
      throw new ExecError('write-to-code', `read buffer [${hex32(buf)}, +${count}) overlaps read-only code`, pc, cycle, word);
    }
    const n = Math.min(count, this.input.length - this.inputOffset);
    const chunk = this.input.subarray(this.inputOffset, this.inputOffset + n);
    this.bytes.set(chunk, buf);
    this.inputOffset += n;
    if (n > 0) this.ioLog?.logInput(cycle, buf, chunk);
    return n;
  }

  /** write(fd, buf, count): fd 1/2 go to the host, fd 3 to the journal; returns count (0 writes nothing). */
  private write(fd: number, buf: number, count: number, pc: number, cycle: number, word: number): number {
    if (fd !== FD_STDOUT && fd !== FD_STDERR && fd !== FD_JOURNAL) {
      throw new ExecError('bad-fd', `write to fd ${fd}: writable fds are ${FD_STDOUT} (stdout), ${FD_STDERR} (stderr), ${FD_JOURNAL} (journal)`, pc, cycle, word);
    }
    if (count === 0) return 0; // like Linux: touches no memory, so the buffer is not checked
    this.checkBuffer('write', buf, count, pc, cycle, word);
    const data = this.bytes.slice(buf, buf + count);
    if (fd === FD_JOURNAL) {
      this.journal.push(data);
      this.ioLog?.logJournal(cycle, buf, data);
    } else if (fd === FD_STDOUT) {
      this.stdout.push(data);
      this.options.onStdout?.(data);
    } else {
      this.stderr.push(data);
      this.options.onStderr?.(data);
    }
    return count;
  }

  private checkBuffer(what: string, buf: number, count: number, pc: number, cycle: number, word: number): void {
    if (!Machine.inGuestMemory(buf, count)) {
      throw new ExecError('memory-out-of-range', `${what} buffer [${hex32(buf)}, +${count}) is outside guest memory`, pc, cycle, word);
    }
  }
}
