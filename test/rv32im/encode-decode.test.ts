// encode.ts → decode.ts round trip: every instruction, random operands (seed printed in the title).
import { describe, expect, it } from 'vitest';
import { decode, OP_NAMES } from '../../src/rv32im/decode.ts';
import * as encode from '../../src/rv32im/encode.ts';

const SEED = 0x1234567;

describe(`encode → decode round trip (seed ${SEED.toString(16)})`, () => {
  let x = SEED;
  const next = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const imm12 = () => next(4096) - 2048;
  type Case = { name: string; make: () => [number, { rd: number; rs1: number; rs2: number; imm: number }] };
  type Fn3 = (a: number, b: number, c: number) => number;
  const cases: Case[] = [];
  for (const name of ['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const) {
    cases.push({ name, make: () => { const [rd, rs1, rs2] = [next(32), next(32), next(32)]; return [(encode[name] as Fn3)(rd, rs1, rs2), { rd, rs1, rs2, imm: 0 }]; } });
  }
  for (const name of ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'lb', 'lh', 'lw', 'lbu', 'lhu', 'jalr'] as const) {
    cases.push({ name, make: () => { const [rd, rs1, imm] = [next(32), next(32), imm12()]; return [encode[name](rd, rs1, imm), { rd, rs1, rs2: 0, imm }]; } });
  }
  for (const name of ['slli', 'srli', 'srai'] as const) {
    cases.push({ name, make: () => { const [rd, rs1, shamt] = [next(32), next(32), next(32)]; return [encode[name](rd, rs1, shamt), { rd, rs1, rs2: 0, imm: shamt }]; } });
  }
  for (const name of ['sb', 'sh', 'sw'] as const) {
    cases.push({ name, make: () => { const [rs2, rs1, imm] = [next(32), next(32), imm12()]; return [encode[name](rs2, rs1, imm), { rd: 0, rs1, rs2, imm }]; } });
  }
  for (const name of ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'] as const) {
    cases.push({ name, make: () => { const [rs1, rs2, off] = [next(32), next(32), imm12() * 2]; return [encode[name](rs1, rs2, off), { rd: 0, rs1, rs2, imm: off }]; } });
  }
  cases.push({ name: 'jal', make: () => { const [rd, off] = [next(32), (next(1 << 20) - (1 << 19)) * 2]; return [encode.jal(rd, off), { rd, rs1: 0, rs2: 0, imm: off }]; } });
  for (const name of ['lui', 'auipc'] as const) {
    cases.push({ name, make: () => { const [rd, imm20] = [next(32), next(1 << 20)]; return [encode[name](rd, imm20), { rd, rs1: 0, rs2: 0, imm: imm20 << 12 }]; } });
  }
  cases.push({ name: 'ecall', make: () => [encode.ecall(), { rd: 0, rs1: 0, rs2: 0, imm: 0 }] });
  cases.push({ name: 'ebreak', make: () => [encode.ebreak(), { rd: 0, rs1: 0, rs2: 0, imm: 0 }] });
  cases.push({ name: 'fence', make: () => [encode.fence(next(16), next(16)), { rd: 0, rs1: 0, rs2: 0, imm: 0 }] });

  it('covers every op the decoder knows', () => {
    const covered = new Set(cases.map((c) => c.name));
    // Executor-internal markers that no instruction word decodes to.
    const internal = new Set(['illegal', 'not_code', 'stale_code']);
    const missing = OP_NAMES.filter((name) => !internal.has(name) && !covered.has(name));
    expect(missing, 'decoder ops without an encoder case (add one, or list the op as internal)').toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    for (let i = 0; i < 300; i++) {
      const [word, want] = c.make();
      const got = decode(word);
      expect({ op: OP_NAMES[got.op], rd: got.rd, rs1: got.rs1, rs2: got.rs2, imm: got.imm }).toEqual({ op: name, ...want });
    }
  });
});
