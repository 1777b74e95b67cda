// Machine state for one run: registers, flat guest memory and the pre-decoded code table.
// Memory map from platform.ts; instruction fields from decode.ts. Code is decoded once at load,
// so the loop never decodes: it is a fixed ROM (stores into read-only code fault; a stored-to word
// of writable RWX code faults when executed). docs/abi.md, "Code".

import { decode, Op } from './decode.ts';
import type { Program } from './elf.ts';
import { GUEST_END_ADDR, GUEST_MIN_ADDR, REG_A0, REG_A7, REG_SP, STACK_TOP } from './platform.ts';

/** Register index that absorbs writes to x0 (and writes of ops without rd), so x0 reads stay 0 with no check. */
export const SINK_REG = 32;

/** CodeTable.codeKind values. */
export const CODE_NONE = 0;
/** In a read-only executable segment: stores are 'write-to-code'. */
export const CODE_READ_ONLY = 1;
/** In a writable executable (RWX) segment: stores are allowed and make the word STALE_CODE. */
export const CODE_WRITABLE = 2;

/** Bytes of guest memory addressable above GUEST_MIN_ADDR: `(addr - GUEST_MIN_ADDR) >>> 0 < GUEST_SPAN` is the range check. */
export const GUEST_SPAN = GUEST_END_ADDR - GUEST_MIN_ADDR;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Executable words indexed by wordIndex = (pc - base) >>> 2, covering the word-aligned hull of all
 * executable segments; words not fully inside one have op NOT_CODE.
 */
export interface CodeTable {
  /** Byte address of word 0 (4-aligned). */
  base: number;
  numWords: number;
  /**
   * Two int32 per word: [op | rd << 8 | rs1 << 16 | rs2 << 24, imm]. Interleaved because the
   * loop then does two loads per instruction instead of five (measured ~35% faster than separate
   * op/rd/rs1/rs2/imm columns). Registers as the interpreter uses them: rd 0 (or no rd) is
   * SINK_REG; ECALL has rs1 = a7, rs2 = a0, rd = a0.
   */
  decoded: Int32Array;
  /** The raw instruction words (0 for NOT_CODE). */
  word: Uint32Array;
  /** Per word: CODE_NONE, CODE_READ_ONLY or CODE_WRITABLE (any byte of it in such a segment). */
  codeKind: Uint8Array;
}

export class Machine {
  /** x0..x31 plus SINK_REG. */
  readonly regs = new Int32Array(33);
  /**
   * Guest memory indexed by byte address, [0, GUEST_END_ADDR): 512 MiB of address space that the
   * OS commits lazily, so untouched memory costs nothing and reads as zero. Accessed as words only.
   */
  readonly mem: Int32Array;
  readonly code: CodeTable;
  pc: number;

  constructor(program: Program) {
    if (!HOST_IS_LITTLE_ENDIAN) throw new Error('zkc executor requires a little-endian host');
    const buffer = new ArrayBuffer(GUEST_END_ADDR);
    const bytes = new Uint8Array(buffer);
    for (const segment of program.segments) copySkippingZeroPages(bytes, segment.bytes, segment.vaddr);
    this.mem = new Int32Array(buffer);
    this.code = buildCodeTable(program, bytes);
    this.pc = program.entry | 0;
    this.regs[REG_SP] = STACK_TOP | 0;
  }

  /** True when [byteAddr, byteAddr + length) lies inside guest memory (length may be 0). */
  static inGuestMemory(byteAddr: number, length: number): boolean {
    const start = byteAddr >>> 0;
    return start >= GUEST_MIN_ADDR && start + length <= GUEST_END_ADDR;
  }

  /**
   * Applies the code rules to a write of [byteAddr, byteAddr + length): returns false (write
   * refused) if any byte is in read-only code; otherwise marks the writable code words it touches
   * STALE_CODE, so executing them later faults instead of running the pre-decoded old instruction.
   */
  allowWrite(byteAddr: number, length: number): boolean {
    const { base, numWords, codeKind, decoded } = this.code;
    const first = Math.max(byteAddr >>> 0, base);
    const end = Math.min((byteAddr >>> 0) + length, base + numWords * 4);
    for (let addr = first & ~3; addr < end; addr += 4) {
      if (codeKind[(addr - base) >>> 2] === CODE_READ_ONLY) return false;
    }
    for (let addr = first & ~3; addr < end; addr += 4) {
      const i = (addr - base) >>> 2;
      if (codeKind[i] === CODE_WRITABLE) decoded[2 * i] = STALE_FIELDS;
    }
    return true;
  }
}

/**
 * Guest memory starts zeroed, so all-zero 4 KiB chunks (bss, heap) need no copy; writing them
 * would make the OS commit pages the guest may never touch (measured: ~100 ms for a 4 MiB heap).
 */
function copySkippingZeroPages(memory: Uint8Array, src: Uint8Array, byteAddr: number): void {
  const CHUNK = 4096;
  for (let offset = 0; offset < src.length; offset += CHUNK) {
    const end = Math.min(offset + CHUNK, src.length);
    let zero = true;
    for (let i = offset; i < end && zero; i++) zero = src[i] === 0;
    if (!zero) memory.set(src.subarray(offset, end), byteAddr + offset);
  }
}

function packFields(op: number, rd: number, rs1: number, rs2: number): number {
  return op | (rd << 8) | (rs1 << 16) | (rs2 << 24);
}

/** CodeTable.decoded fields of a stored-to writable code word. */
export const STALE_FIELDS = packFields(Op.STALE_CODE, SINK_REG, 0, 0);

function buildCodeTable(program: Program, bytes: Uint8Array): CodeTable {
  const code = program.segments.filter((s) => s.executable);
  // loadElf guarantees the entry is in an executable segment; a hand-built Program may not.
  const start = code.length === 0 ? 0 : Math.min(...code.map((s) => s.vaddr)) & ~3;
  const end = code.length === 0 ? 0 : (Math.max(...code.map((s) => s.vaddr + s.bytes.length)) + 3) & ~3;
  const numWords = (end - start) >>> 2;
  const table: CodeTable = {
    base: start,
    numWords,
    decoded: new Int32Array(numWords * 2),
    word: new Uint32Array(numWords),
    codeKind: new Uint8Array(numWords),
  };
  for (let i = 0; i < numWords; i++) table.decoded[2 * i] = packFields(Op.NOT_CODE, SINK_REG, 0, 0);
  const words = new DataView(bytes.buffer);
  for (const segment of code) {
    const segEnd = segment.vaddr + segment.bytes.length;
    for (let addr = segment.vaddr & ~3; addr < segEnd; addr += 4) {
      const i = (addr - start) >>> 2;
      table.codeKind[i] = segment.writable ? CODE_WRITABLE : CODE_READ_ONLY;
      if (addr < segment.vaddr || addr + 4 > segEnd) continue; // partial word: protected, not executable
      const word = words.getUint32(addr, true);
      const instr = decode(word);
      table.word[i] = word;
      // ECALL reads the syscall number from a7 and its first argument from a0, and returns in a0;
      // encoding that here lets the trace record them like any other operands.
      table.decoded[2 * i] =
        instr.op === Op.ECALL
          ? packFields(Op.ECALL, REG_A0, REG_A7, REG_A0)
          : packFields(instr.op, instr.rd === 0 ? SINK_REG : instr.rd, instr.rs1, instr.rs2);
      table.decoded[2 * i + 1] = instr.imm;
    }
  }
  return table;
}
