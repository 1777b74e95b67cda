import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, Op, OP_NAMES } from '../../src/rv32im/decode.ts';
import * as enc from '../../src/rv32im/encode.ts';

describe('interpreter case labels', () => {
  // The loops use literal case labels (`case 29: // ADD`) for speed; they must match Op exactly.
  for (const file of ['execute.ts', 'trace.ts']) {
    it(`${file}: every case N is commented with the Op named N, and every Op has a case`, () => {
      const source = readFileSync(new URL(`../../src/rv32im/${file}`, import.meta.url), 'utf8');
      const labels = [...source.matchAll(/case (\d+): (?:\{\s*)?\/\/ ([A-Z_]+)/g)].map((m) => [Number(m[1]), m[2]] as const);
      // Grouped cases put the last comment inside the block: `case 14: {\n // LW`.
      expect(labels.length).toBe(Object.keys(Op).length);
      for (const [id, name] of labels) expect(Op[name as keyof typeof Op]).toBe(id);
      expect(new Set(labels.map(([id]) => id)).size).toBe(labels.length);
    });
  }
});

describe('decode', () => {
  it('decodes fields and sign-extended immediates', () => {
    expect(decode(enc.addi(5, 6, -2048))).toEqual({ op: Op.ADDI, rd: 5, rs1: 6, rs2: 0, imm: -2048 });
    expect(decode(enc.sw(7, 8, -1))).toEqual({ op: Op.SW, rd: 0, rs1: 8, rs2: 7, imm: -1 });
    expect(decode(enc.beq(1, 2, -4096))).toEqual({ op: Op.BEQ, rd: 0, rs1: 1, rs2: 2, imm: -4096 });
    expect(decode(enc.bgeu(1, 2, 4094)).imm).toBe(4094);
    expect(decode(enc.jal(1, -(1 << 20))).imm).toBe(-(1 << 20));
    expect(decode(enc.jal(1, (1 << 20) - 2)).imm).toBe((1 << 20) - 2);
    expect(decode(enc.lui(3, 0xfffff)).imm).toBe(0xfffff000 | 0);
    expect(decode(enc.srai(3, 4, 31))).toEqual({ op: Op.SRAI, rd: 3, rs1: 4, rs2: 0, imm: 31 });
    expect(decode(enc.ecall()).op).toBe(Op.ECALL);
    expect(decode(enc.ebreak()).op).toBe(Op.EBREAK);
    expect(decode(enc.fence()).op).toBe(Op.FENCE);
    expect(decode(0x8330000f).op).toBe(Op.FENCE); // fence.tso
  });

  const illegal: [string, number][] = [
    ['all zeros (compressed quadrant 0)', 0x0000_0000],
    ['all ones', 0xffff_ffff],
    ['compressed c.li a0, 0', 0x0000_4501],
    ['csrrw x0, mstatus, x2', 0x3001_1073],
    ['csrrs a0, cycle, x0', 0x00c0_2573],
    ['wfi', 0x1050_0073],
    ['mret', 0x3020_0073],
    ['ecall with rd != 0', 0x0000_00f3],
    ['fence.i', 0x0000_100f],
    ['slli with imm[5] = 1 (RV64 shamt)', enc.slli(1, 2, 3) | (1 << 25)],
    ['srli with funct7 0x10', enc.srli(1, 2, 3) | (0x10 << 25)],
    ['slli with funct7 0x20', enc.slli(1, 2, 3) | (0x20 << 25)],
    ['add with funct7 0x02', enc.add(1, 2, 3) | (0x02 << 25)],
    ['sll with funct7 0x20', enc.sll(1, 2, 3) | (0x20 << 25)],
    ['branch funct3 2', enc.beq(1, 2, 8) | (2 << 12)],
    ['branch funct3 3', enc.beq(1, 2, 8) | (3 << 12)],
    ['load funct3 3 (ld)', enc.lb(1, 2, 0) | (3 << 12)],
    ['load funct3 6 (lwu)', enc.lb(1, 2, 0) | (6 << 12)],
    ['store funct3 3 (sd)', enc.sb(1, 2, 0) | (3 << 12)],
    ['jalr funct3 1', enc.jalr(1, 2, 0) | (1 << 12)],
    ['OP-32 (RV64 addw)', 0x0000_003b],
    ['AMO (lr.w)', 0x1000_202f],
    ['float load (flw)', 0x0000_2007],
  ];
  for (const [name, word] of illegal) {
    it(`illegal: ${name}`, () => expect(OP_NAMES[decode(word >>> 0).op]).toBe('illegal'));
  }
});
