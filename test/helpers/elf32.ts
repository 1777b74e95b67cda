// Minimal ELF32 little-endian RISC-V executable writer for tests (System V gABI ch. 4–5).
// Builds valid files by default; every header field can be overridden to build malformed ones.

export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PT_RISCV_ATTRIBUTES = 0x70000003;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;
/** Byte offsets of ELF header fields, for tests that patch a written file. */
export const EHDR = { class: 4, data: 5, version: 6, type: 16, machine: 18, entry: 24, phoff: 28, flags: 36, phentsize: 42, phnum: 44 } as const;
/** Byte offsets inside one program header. */
export const PHDR = { type: 0, offset: 4, vaddr: 8, paddr: 12, filesz: 16, memsz: 20, flags: 24, align: 28 } as const;

export interface Elf32Segment {
  vaddr: number;
  /** File bytes (p_filesz = bytes.length unless `filesz` overrides it). */
  bytes: Uint8Array;
  /** p_memsz; defaults to bytes.length. Larger values add zeroed bss. */
  memsz?: number;
  /** PF_R | PF_W | PF_X combination. */
  flags: number;
  /** p_type; default PT_LOAD. */
  type?: number;
  /** Overrides written verbatim (to build malformed headers). */
  filesz?: number;
  offset?: number;
}

export interface Elf32Spec {
  entry: number;
  segments: Elf32Segment[];
  /** e_flags (default 0: no RVC, soft-float ilp32). */
  flags?: number;
  /** e_type (default ET_EXEC = 2). */
  type?: number;
  /** e_machine (default EM_RISCV = 243). */
  machine?: number;
}

/** Writes ELF header, program header table, then each segment's bytes (4-aligned) in order. */
export function writeElf32(spec: Elf32Spec): Uint8Array {
  const phoff = EHDR_SIZE;
  let cursor = phoff + spec.segments.length * PHDR_SIZE;
  const offsets: number[] = [];
  for (const s of spec.segments) {
    cursor = (cursor + 3) & ~3;
    offsets.push(cursor);
    cursor += s.bytes.length;
  }
  const out = new Uint8Array(cursor);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */]);
  view.setUint16(EHDR.type, spec.type ?? 2, true);
  view.setUint16(EHDR.machine, spec.machine ?? 243, true);
  view.setUint32(20, 1, true); // e_version
  view.setUint32(EHDR.entry, spec.entry, true);
  view.setUint32(EHDR.phoff, phoff, true);
  view.setUint32(32, 0, true); // e_shoff: no section headers
  view.setUint32(EHDR.flags, spec.flags ?? 0, true);
  view.setUint16(40, EHDR_SIZE, true); // e_ehsize
  view.setUint16(EHDR.phentsize, PHDR_SIZE, true);
  view.setUint16(EHDR.phnum, spec.segments.length, true);
  spec.segments.forEach((s, i) => {
    const at = phoff + i * PHDR_SIZE;
    view.setUint32(at + PHDR.type, s.type ?? PT_LOAD, true);
    view.setUint32(at + PHDR.offset, s.offset ?? offsets[i]!, true);
    view.setUint32(at + PHDR.vaddr, s.vaddr, true);
    view.setUint32(at + PHDR.paddr, s.vaddr, true);
    view.setUint32(at + PHDR.filesz, s.filesz ?? s.bytes.length, true);
    view.setUint32(at + PHDR.memsz, s.memsz ?? s.bytes.length, true);
    view.setUint32(at + PHDR.flags, s.flags, true);
    view.setUint32(at + PHDR.align, 4, true);
    out.set(s.bytes, offsets[i]!);
  });
  return out;
}

/** Little-endian bytes of 32-bit instruction words. */
export function wordsToBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}
