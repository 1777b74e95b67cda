// Encoder: known encodings, argument validation, and a field-by-field round trip through an
// independent field extractor written from the ISA manual's format figures (§2.2–2.3).
import { describe, expect, it } from 'vitest';
import * as encode from '../../src/rv32im/encode.ts';

const le = (b0: number, b1: number, b2: number, b3: number): number => (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) >>> 0;

describe('encode: known encodings', () => {
  // Bytes from `llvm-mc --triple=riscv32 -mattr=+m -show-encoding` (LLVM 14.0.6), or the ISA manual.
  const vectors: [string, number, number][] = [
    ['beq x1, x2, -8', encode.beq(1, 2, -8), le(0xe3, 0x8c, 0x20, 0xfe)],
    ['jal x1, 2048', encode.jal(1, 2048), le(0xef, 0x00, 0x10, 0x00)],
    ['lui x5, 0x12345', encode.lui(5, 0x12345), le(0xb7, 0x52, 0x34, 0x12)],
    ['auipc x31, 0xfffff', encode.auipc(31, 0xfffff), le(0x97, 0xff, 0xff, 0xff)],
    ['jalr x1, -5(x2)', encode.jalr(1, 2, -5), le(0xe7, 0x00, 0xb1, 0xff)],
    ['sw x3, -5(x2)', encode.sw(3, 2, -5), le(0xa3, 0x2d, 0x31, 0xfe)],
    ['fence iorw, iorw', encode.fence(), le(0x0f, 0x00, 0xf0, 0x0f)],
    ['fence r, w', encode.fence(0b0010, 0b0001), le(0x0f, 0x00, 0x10, 0x02)],
    ['srai x1, x2, 31', encode.srai(1, 2, 31), le(0x93, 0x50, 0xf1, 0x41)],
    ['bgeu x31, x0, 4094', encode.bgeu(31, 0, 4094), le(0xe3, 0xff, 0x0f, 0x7e)],
    ['jal x0, -1048576', encode.jal(0, -1048576), le(0x6f, 0x00, 0x00, 0x80)],
    ['mulhsu x1, x2, x3', encode.mulhsu(1, 2, 3), le(0xb3, 0x20, 0x31, 0x02)],
    ['addi x1, x0, 1', encode.addi(1, 0, 1), 0x00100093],
    ['add x3, x1, x2', encode.add(3, 1, 2), 0x002081b3],
    ['sub x3, x1, x2', encode.sub(3, 1, 2), 0x402081b3],
    ['nop', encode.nop(), 0x00000013],
    ['ecall', encode.ecall(), 0x00000073],
    ['ebreak', encode.ebreak(), 0x00100073],
  ];
  it.each(vectors)('%s', (_asm, got, want) => {
    expect(got.toString(16)).toBe(want.toString(16));
  });

  it('returns unsigned 32-bit words', () => {
    expect(encode.jal(0, -1048576)).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(encode.sub(31, 31, 31))).toBe(true);
  });
});

describe('encode: argument validation', () => {
  const bad: [string, () => number, RegExp][] = [
    ['rd = 32', () => encode.add(32, 0, 0), /add: rd must be an integer in \[0, 31\], got 32/],
    ['rs1 = -1', () => encode.xor(1, -1, 0), /xor: rs1 /],
    ['rs2 non-integer', () => encode.mul(1, 2, 2.5), /mul: rs2 /],
    ['I imm 2048', () => encode.addi(1, 1, 2048), /addi: imm must be an integer in \[-2048, 2047\], got 2048/],
    ['I imm -2049', () => encode.lw(1, 1, -2049), /lw: imm /],
    ['S imm 2048', () => encode.sb(1, 1, 2048), /sb: imm /],
    ['shamt 32', () => encode.slli(1, 1, 32), /slli: shamt /],
    ['shamt -1', () => encode.srai(1, 1, -1), /srai: shamt /],
    ['B offset odd', () => encode.bne(1, 2, 3), /bne: offset must be even, got 3/],
    ['B offset 4096', () => encode.blt(1, 2, 4096), /blt: offset must be an integer in \[-4096, 4094\]/],
    ['J offset 2^20', () => encode.jal(1, 1 << 20), /jal: offset must be an integer in \[-1048576, 1048574\]/],
    ['J offset odd', () => encode.jal(1, 6 - 1), /jal: offset must be even/],
    ['U imm20 2^20', () => encode.lui(1, 1 << 20), /lui: imm20 must be an integer in \[0, 1048575\]/],
    ['U imm20 negative', () => encode.auipc(1, -1), /auipc: imm20 /],
    ['fence pred 16', () => encode.fence(16, 0), /fence: pred /],
    ['li value 2^32', () => encode.li(1, 2 ** 32)[0], /li: value /],
    ['NaN register', () => encode.sltu(Number.NaN, 0, 0), /sltu: rd /],
  ];
  it.each(bad)('%s → RangeError naming the argument', (_what, fn, message) => {
    expect(fn).toThrow(RangeError);
    expect(fn).toThrow(message);
  });

  it('accepts the extremes of every range', () => {
    expect(() => encode.addi(31, 31, -2048)).not.toThrow();
    expect(() => encode.sw(31, 31, 2047)).not.toThrow();
    expect(() => encode.beq(0, 0, -4096)).not.toThrow();
    expect(() => encode.jal(0, 1048574)).not.toThrow();
    expect(() => encode.lui(0, 0xfffff)).not.toThrow();
  });
});

// ---- independent field extraction (ISA manual Fig. 2.3/2.4) ----
const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (value: number, width: number): number => (value << (32 - width)) >> (32 - width);
const fields = (w: number) => ({
  opcode: bits(w, 6, 0),
  rd: bits(w, 11, 7),
  funct3: bits(w, 14, 12),
  rs1: bits(w, 19, 15),
  rs2: bits(w, 24, 20),
  funct7: bits(w, 31, 25),
  immI: sext(bits(w, 31, 20), 12),
  immS: sext((bits(w, 31, 25) << 5) | bits(w, 11, 7), 12),
  immB: sext((bits(w, 31, 31) << 12) | (bits(w, 7, 7) << 11) | (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1), 13),
  immU: bits(w, 31, 12),
  immJ: sext((bits(w, 31, 31) << 20) | (bits(w, 19, 12) << 12) | (bits(w, 20, 20) << 11) | (bits(w, 30, 21) << 1), 21),
});

/** Deterministic xorshift32 so a failure reproduces (seed printed on failure via the test name). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe('encode: field round trip (seed 0x5eed)', () => {
  const next = rng(0x5eed);
  const R: [keyof typeof encode, number, number][] = [
    ['add', 0, 0], ['sub', 0, 0x20], ['sll', 1, 0], ['slt', 2, 0], ['sltu', 3, 0], ['xor', 4, 0],
    ['srl', 5, 0], ['sra', 5, 0x20], ['or', 6, 0], ['and', 7, 0],
    ['mul', 0, 1], ['mulh', 1, 1], ['mulhsu', 2, 1], ['mulhu', 3, 1],
    ['div', 4, 1], ['divu', 5, 1], ['rem', 6, 1], ['remu', 7, 1],
  ];
  it.each(R)('R-type %s', (name, funct3, funct7) => {
    const fn = encode[name] as (a: number, b: number, c: number) => number;
    for (let i = 0; i < 200; i++) {
      const rd = next(32), rs1 = next(32), rs2 = next(32);
      const f = fields(fn(rd, rs1, rs2));
      expect([f.opcode, f.rd, f.funct3, f.rs1, f.rs2, f.funct7]).toEqual([0x33, rd, funct3, rs1, rs2, funct7]);
    }
  });

  const I: [keyof typeof encode, number, number][] = [
    ['addi', 0x13, 0], ['slti', 0x13, 2], ['sltiu', 0x13, 3], ['xori', 0x13, 4], ['ori', 0x13, 6], ['andi', 0x13, 7],
    ['lb', 0x03, 0], ['lh', 0x03, 1], ['lw', 0x03, 2], ['lbu', 0x03, 4], ['lhu', 0x03, 5], ['jalr', 0x67, 0],
  ];
  it.each(I)('I-type %s', (name, opcode, funct3) => {
    const fn = encode[name] as (a: number, b: number, c: number) => number;
    for (let i = 0; i < 200; i++) {
      const rd = next(32), rs1 = next(32), imm = next(4096) - 2048;
      const f = fields(fn(rd, rs1, imm));
      expect([f.opcode, f.rd, f.funct3, f.rs1, f.immI]).toEqual([opcode, rd, funct3, rs1, imm]);
    }
  });

  it.each([['slli', 1, 0], ['srli', 5, 0], ['srai', 5, 0x20]] as const)('shift %s', (name, funct3, funct7) => {
    for (let shamt = 0; shamt < 32; shamt++) {
      const rd = next(32), rs1 = next(32);
      const f = fields(encode[name](rd, rs1, shamt));
      expect([f.opcode, f.rd, f.funct3, f.rs1, f.rs2, f.funct7]).toEqual([0x13, rd, funct3, rs1, shamt, funct7]);
    }
  });

  it.each([['sb', 0], ['sh', 1], ['sw', 2]] as const)('S-type %s', (name, funct3) => {
    for (let i = 0; i < 200; i++) {
      const rs2 = next(32), rs1 = next(32), imm = next(4096) - 2048;
      const f = fields(encode[name](rs2, rs1, imm));
      expect([f.opcode, f.funct3, f.rs1, f.rs2, f.immS]).toEqual([0x23, funct3, rs1, rs2, imm]);
    }
  });

  it.each([['beq', 0], ['bne', 1], ['blt', 4], ['bge', 5], ['bltu', 6], ['bgeu', 7]] as const)('B-type %s', (name, funct3) => {
    for (let i = 0; i < 200; i++) {
      const rs1 = next(32), rs2 = next(32), offset = (next(4096) - 2048) * 2;
      const f = fields(encode[name](rs1, rs2, offset));
      expect([f.opcode, f.funct3, f.rs1, f.rs2, f.immB]).toEqual([0x63, funct3, rs1, rs2, offset]);
    }
  });

  it('J-type jal and U-type lui/auipc', () => {
    for (let i = 0; i < 500; i++) {
      const rd = next(32), offset = (next(1 << 20) - (1 << 19)) * 2, imm20 = next(1 << 20);
      const j = fields(encode.jal(rd, offset));
      expect([j.opcode, j.rd, j.immJ]).toEqual([0x6f, rd, offset]);
      const l = fields(encode.lui(rd, imm20));
      expect([l.opcode, l.rd, l.immU]).toEqual([0x37, rd, imm20]);
      const a = fields(encode.auipc(rd, imm20));
      expect([a.opcode, a.rd, a.immU]).toEqual([0x17, rd, imm20]);
    }
  });

  it('li materialises any 32-bit value as lui + addi', () => {
    const values = [0, 1, -1, 0x7ff, 0x800, -2048, -2049, 0x7fffffff, -0x80000000, 0xffffffff, 0x12345fff, 0xfffff800];
    for (let i = 0; i < 500; i++) values.push(next(0x10000) * 0x10000 + next(0x10000));
    for (const value of values) {
      const [hi, lo] = encode.li(7, value);
      const u = fields(hi), a = fields(lo);
      expect([u.opcode, u.rd, a.opcode, a.rd, a.rs1, a.funct3]).toEqual([0x37, 7, 0x13, 7, 7, 0]);
      expect(((u.immU << 12) + a.immI) | 0).toBe(value | 0);
    }
  });
});
