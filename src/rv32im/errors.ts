// Typed errors of the RV32IM layer: ElfError (loading) and ExecError (execution).
// Every message is one line; ExecError names the pc, instruction word and cycle.

export type ElfErrorCode =
  | 'not-elf'
  | 'elf64'
  | 'bad-class'
  | 'big-endian'
  | 'bad-version'
  | 'wrong-machine'
  | 'not-executable'
  | 'compressed'
  | 'unsupported-abi'
  | 'truncated'
  | 'bad-phentsize'
  | 'segment-out-of-file'
  | 'filesz-gt-memsz'
  | 'segment-wraps'
  | 'segment-out-of-range'
  | 'segment-overlaps-stack'
  | 'segments-overlap'
  | 'entry-misaligned'
  | 'entry-not-executable';

export class ElfError extends Error {
  readonly code: ElfErrorCode;
  constructor(code: ElfErrorCode, message: string) {
    super(message);
    this.name = 'ElfError';
    this.code = code;
  }
}

export type ExecErrorCode =
  | 'illegal-instruction'
  | 'fetch-not-executable'
  | 'misaligned-access'
  | 'misaligned-jump'
  | 'memory-out-of-range'
  | 'write-to-code'
  | 'execute-modified-code'
  | 'cycle-limit'
  | 'unknown-syscall'
  | 'bad-fd'
  | 'ebreak'
  | 'bad-options'
  | 'bad-program';

export class ExecError extends Error {
  readonly code: ExecErrorCode;
  /** Byte address of the faulting instruction (unsigned). */
  readonly pc: number;
  /** The faulting instruction word, when one was fetched. */
  readonly instr?: number;
  /** Number of instructions completed before the fault (the faulting one is not counted). */
  readonly cycle: number;
  constructor(code: ExecErrorCode, reason: string, pc: number, cycle: number, instr?: number) {
    const at = `at pc ${hex32(pc)}` + (instr === undefined ? '' : ` (instruction ${hex32(instr)})`);
    super(`${reason} ${at}, cycle ${cycle}`);
    this.name = 'ExecError';
    this.code = code;
    this.pc = pc >>> 0;
    if (instr !== undefined) this.instr = instr >>> 0;
    this.cycle = cycle;
  }
}

/** Formats a 32-bit value as `0x` plus 8 hex digits (unsigned). */
export function hex32(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}
