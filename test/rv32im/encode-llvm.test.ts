// Encoder vs LLVM: assemble ~1400 seeded random RV32IM instructions with
// `clang --target=riscv32 -march=rv32im -c` and compare every word with encode.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as encode from '../../src/rv32im/encode.ts';
import { clangPath, hasClang, warnIfMissing } from '../helpers/toolchain.ts';

warnIfMissing(hasClang, 'encoder cross-check against clang', 'clang lld');

/** The bytes of section `name` in an ELF32 LE relocatable object. */
function sectionBytes(elf: Uint8Array, name: string): Uint8Array {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = view.getUint32(0x20, true);
  const shentsize = view.getUint16(0x2e, true);
  const shnum = view.getUint16(0x30, true);
  const shstrndx = view.getUint16(0x32, true);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: view.getUint32(at, true), offset: view.getUint32(at + 16, true), size: view.getUint32(at + 20, true) };
  };
  const strtab = header(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    let end = strtab.offset + h.name;
    while (elf[end] !== 0) end++;
    if (new TextDecoder().decode(elf.subarray(strtab.offset + h.name, end)) === name) return elf.subarray(h.offset, h.offset + h.size);
  }
  throw new Error(`section ${name} not found`);
}

const SEED = 0xc0ffee;

describe.skipIf(!hasClang)(`encode.ts agrees with clang's assembler (seed ${SEED.toString(16)})`, () => {
  it('every instruction, random operands', () => {
    let x = SEED;
    const next = (n: number): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const reg = () => next(32);
    const imm12 = () => [-2048, 2047, 0, -1][next(8)] ?? next(4096) - 2048;
    const lines: string[] = [];
    const words: number[] = [];
    const add = (asm: string, word: number) => {
      lines.push(asm);
      words.push(word);
    };
    type Fn3 = (a: number, b: number, c: number) => number;
    const rOps = ['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const;
    const iOps = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi'] as const;
    const shiftOps = ['slli', 'srli', 'srai'] as const;
    const loads = ['lb', 'lh', 'lw', 'lbu', 'lhu'] as const;
    const stores = ['sb', 'sh', 'sw'] as const;
    const branches = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'] as const;
    for (let round = 0; round < 20; round++) {
      for (const op of rOps) {
        const [rd, rs1, rs2] = [reg(), reg(), reg()];
        add(`${op} x${rd}, x${rs1}, x${rs2}`, (encode[op] as Fn3)(rd, rs1, rs2));
      }
      for (const op of iOps) {
        const [rd, rs1, imm] = [reg(), reg(), imm12()];
        add(`${op} x${rd}, x${rs1}, ${imm}`, encode[op](rd, rs1, imm));
      }
      for (const op of shiftOps) {
        const [rd, rs1, shamt] = [reg(), reg(), next(32)];
        add(`${op} x${rd}, x${rs1}, ${shamt}`, encode[op](rd, rs1, shamt));
      }
      for (const op of loads) {
        const [rd, rs1, imm] = [reg(), reg(), imm12()];
        add(`${op} x${rd}, ${imm}(x${rs1})`, encode[op](rd, rs1, imm));
      }
      for (const op of stores) {
        const [rs2, rs1, imm] = [reg(), reg(), imm12()];
        add(`${op} x${rs2}, ${imm}(x${rs1})`, encode[op](rs2, rs1, imm));
      }
      for (const op of branches) {
        const [rs1, rs2, offset] = [reg(), reg(), (next(4096) - 2048) * 2];
        add(`${op} x${rs1}, x${rs2}, ${offset}`, encode[op](rs1, rs2, offset));
      }
      const [rd, rs1, imm, offset, imm20] = [reg(), reg(), imm12(), (next(1 << 20) - (1 << 19)) * 2, next(1 << 20)];
      add(`jal x${rd}, ${offset}`, encode.jal(rd, offset));
      add(`jalr x${rd}, ${imm}(x${rs1})`, encode.jalr(rd, rs1, imm));
      add(`lui x${rd}, ${imm20}`, encode.lui(rd, imm20));
      add(`auipc x${rd}, ${imm20}`, encode.auipc(rd, imm20));
    }
    add('fence iorw, iorw', encode.fence());
    add('fence rw, w', encode.fence(0b0011, 0b0001));
    add('ecall', encode.ecall());
    add('ebreak', encode.ebreak());

    const dir = mkdtempSync(join(tmpdir(), 'zkc-encode-'));
    try {
      writeFileSync(join(dir, 'all.s'), `.option norvc\n.option norelax\n${lines.join('\n')}\n`);
      execFileSync(clangPath!, ['--target=riscv32', '-march=rv32im', '-mabi=ilp32', '-mno-relax', '-c', join(dir, 'all.s'), '-o', join(dir, 'all.o')]);
      const text = sectionBytes(new Uint8Array(readFileSync(join(dir, 'all.o'))), '.text');
      expect(text.length).toBe(words.length * 4);
      const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
      const mismatches: string[] = [];
      for (let i = 0; i < words.length; i++) {
        const want = view.getUint32(i * 4, true);
        if (want !== words[i]) mismatches.push(`${lines[i]}: clang ${want.toString(16)}, encode ${words[i].toString(16)}`);
      }
      expect(mismatches).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
