// Builds an in-memory Program from instruction words (code at CODE_BASE, R+X) plus optional data
// segments, for executor tests that need no ELF file.
import type { Program, Segment } from '../../src/rv32im/elf.ts';
import * as enc from '../../src/rv32im/encode.ts';
import { wordsToBytes } from './elf32.ts';

export const CODE_BASE = 0x10000;
export const DATA_BASE = 0x20000;

export function programFromWords(words: readonly number[], data: { vaddr: number; bytes: Uint8Array; writable?: boolean }[] = []): Program {
  const segments: Segment[] = [
    { vaddr: CODE_BASE, bytes: wordsToBytes(words), readable: true, writable: false, executable: true },
    ...data.map((d) => ({ vaddr: d.vaddr, bytes: d.bytes, readable: true, writable: d.writable ?? true, executable: false })),
  ];
  segments.sort((x, y) => x.vaddr - y.vaddr);
  return { entry: CODE_BASE, segments };
}

/** Instructions that exit with the value in register `reg` (a7 = 93, a0 = reg, ecall). */
export function exitWith(reg: number): number[] {
  return [enc.addi(10, reg, 0), enc.addi(17, 0, 93), enc.ecall()];
}


/** Where collectingProgram stores results: unmapped (zero, writable) memory far above any code. */
export const RESULTS_BASE = 0x0100_0000;

/**
 * A program running `cases` (each a list of instructions leaving its result in x7) one after
 * another, storing each x7 to RESULTS_BASE + 4k, then writing all results to the journal.
 * One run checks many cases (a run costs milliseconds: guest memory is a 512 MiB mapping).
 */
export function collectingProgram(cases: readonly (readonly number[])[]): Program {
  const words: number[] = [...enc.li(8, RESULTS_BASE)];
  for (const c of cases) words.push(...c, enc.sw(7, 8, 0), enc.addi(8, 8, 4));
  words.push(
    ...enc.li(11, RESULTS_BASE), // a1 = buf
    ...enc.li(12, cases.length * 4), // a2 = count
    enc.addi(10, 0, 3), // a0 = fd 3 (journal)
    enc.addi(17, 0, 64), // write
    enc.ecall(),
    enc.addi(10, 0, 0),
    enc.addi(17, 0, 93),
    enc.ecall(),
  );
  return programFromWords(words);
}

/** The journal of a collectingProgram run, as int32 results. */
export function journalWords(journal: Uint8Array): number[] {
  const view = new DataView(journal.buffer, journal.byteOffset, journal.byteLength);
  return Array.from({ length: journal.length / 4 }, (_, i) => view.getInt32(i * 4, true));
}
