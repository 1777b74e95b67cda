// Strict ELF32 loader for RV32IM executables → Program {entry, segments}.
// Format: System V gABI ch. 4–5 (ELF header, program headers); RISC-V psABI "ELF Object Files"
// (EM_RISCV = 243, e_flags). One check at a time, each with its own ElfError code.

import { ElfError, hex32 } from './errors.ts';
import {
  GUEST_END_ADDR,
  GUEST_MIN_ADDR,
  STACK_RESERVED_BOTTOM,
  STACK_TOP,
} from './platform.ts';

export interface Segment {
  vaddr: number;
  /** length = memsz: the file bytes, then zeroes (bss). */
  bytes: Uint8Array;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

export interface Program {
  entry: number;
  /** Sorted by vaddr, non-overlapping, all inside guest memory. */
  segments: Segment[];
}

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
const ET_EXEC = 2;
const EM_RISCV = 243;
const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
// RISC-V psABI e_flags bits.
const EF_RISCV_RVC = 0x1;
const EF_RISCV_FLOAT_ABI = 0x6;
const EF_RISCV_RVE = 0x8;

/** Parses and validates an ELF32 RISC-V executable. Throws ElfError; never reads out of bounds. */
export function loadElf(bytes: Uint8Array): Program {
  // 1. Identification (e_ident).
  if (
    bytes.length < 4 ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) {
    throw new ElfError('not-elf', 'not an ELF file (bad magic)');
  }
  if (bytes.length < EHDR_SIZE) {
    throw new ElfError('truncated', `ELF header truncated: file is ${bytes.length} bytes, header needs ${EHDR_SIZE}`);
  }
  const elfClass = bytes[4];
  if (elfClass === ELFCLASS64) throw new ElfError('elf64', 'ELF64 file: zkc runs 32-bit RISC-V (ELFCLASS32) only');
  if (elfClass !== ELFCLASS32) throw new ElfError('bad-class', `invalid ELF class ${elfClass}`);
  if (bytes[5] !== ELFDATA2LSB) throw new ElfError('big-endian', 'ELF is not little-endian (EI_DATA != ELFDATA2LSB)');
  if (bytes[6] !== EV_CURRENT) throw new ElfError('bad-version', `unsupported ELF version ${bytes[6]}`);

  // 2. ELF header fields.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  const version = view.getUint32(20, true);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const flags = view.getUint32(36, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (machine !== EM_RISCV) throw new ElfError('wrong-machine', `e_machine is ${machine}, expected RISC-V (${EM_RISCV})`);
  if (type !== ET_EXEC) {
    throw new ElfError('not-executable', `e_type is ${type}, expected ET_EXEC (2): relocatable and shared objects cannot run`);
  }
  if (version !== EV_CURRENT) throw new ElfError('bad-version', `unsupported e_version ${version}`);
  if ((flags & EF_RISCV_RVC) !== 0) {
    throw new ElfError('compressed', 'ELF uses compressed instructions (EF_RISCV_RVC); build with -march=rv32im');
  }
  if ((flags & (EF_RISCV_FLOAT_ABI | EF_RISCV_RVE)) !== 0) {
    throw new ElfError('unsupported-abi', `e_flags ${hex32(flags)} requests a float or RV32E ABI; build with -mabi=ilp32`);
  }
  if (phnum > 0 && phentsize !== PHDR_SIZE) {
    throw new ElfError('bad-phentsize', `e_phentsize is ${phentsize}, expected ${PHDR_SIZE}`);
  }
  if (phoff + phnum * PHDR_SIZE > bytes.length) {
    throw new ElfError('truncated', `program header table [${phoff}, ${phoff + phnum * PHDR_SIZE}) extends past end of file (${bytes.length} bytes)`);
  }

  // 3. Program headers: keep PT_LOAD with memsz > 0; other types (TLS, NOTE, GNU_STACK, PHDR, RISCV_ATTRIBUTES…) carry nothing to load.
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const vaddr = view.getUint32(at + 8, true);
    const filesz = view.getUint32(at + 16, true);
    const memsz = view.getUint32(at + 20, true);
    const pflags = view.getUint32(at + 24, true);
    if (memsz === 0) continue;
    const name = `segment ${i} [${hex32(vaddr)}, +${hex32(memsz)})`;
    if (filesz > memsz) throw new ElfError('filesz-gt-memsz', `${name}: p_filesz ${filesz} > p_memsz ${memsz}`);
    if (offset + filesz > bytes.length) {
      throw new ElfError('segment-out-of-file', `${name}: file bytes [${offset}, ${offset + filesz}) extend past end of file (${bytes.length} bytes)`);
    }
    // Plain number arithmetic: vaddr + memsz < 2^33 is exact, so wrapping is detected, not silently taken mod 2^32.
    const end = vaddr + memsz;
    if (end > 0x1_0000_0000) throw new ElfError('segment-wraps', `${name}: wraps past the end of the 32-bit address space`);
    if (vaddr < GUEST_MIN_ADDR || end > GUEST_END_ADDR) {
      throw new ElfError('segment-out-of-range', `${name}: outside guest memory [${hex32(GUEST_MIN_ADDR)}, ${hex32(GUEST_END_ADDR)})`);
    }
    if (end > STACK_RESERVED_BOTTOM) {
      throw new ElfError('segment-overlaps-stack', `${name}: overlaps the reserved stack [${hex32(STACK_RESERVED_BOTTOM)}, ${hex32(STACK_TOP)})`);
    }
    // R+W+X is allowed: GNU ld's default script emits one RWX segment for small programs.
    const executable = (pflags & PF_X) !== 0;
    const writable = (pflags & PF_W) !== 0;
    const segmentBytes = new Uint8Array(memsz);
    segmentBytes.set(bytes.subarray(offset, offset + filesz));
    segments.push({ vaddr, bytes: segmentBytes, readable: (pflags & PF_R) !== 0, writable, executable });
  }

  // 4. Layout: sort (stable, by address) and reject overlaps, so the loaded image is unambiguous.
  segments.sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    const next = segments[i]!;
    if (prev.vaddr + prev.bytes.length > next.vaddr) {
      throw new ElfError('segments-overlap', `segments [${hex32(prev.vaddr)}, +${hex32(prev.bytes.length)}) and [${hex32(next.vaddr)}, +${hex32(next.bytes.length)}) overlap`);
    }
  }

  // 5. Entry point: a whole instruction inside an executable segment.
  if ((entry & 3) !== 0) throw new ElfError('entry-misaligned', `entry point ${hex32(entry)} is not 4-byte aligned`);
  const inCode = segments.some((s) => s.executable && entry >= s.vaddr && entry + 4 <= s.vaddr + s.bytes.length);
  if (!inCode) throw new ElfError('entry-not-executable', `entry point ${hex32(entry)} is not inside an executable segment`);

  return { entry, segments };
}
