import { describe, expect, it } from 'vitest';
import * as S from '../../src/rv32im/semantics.ts';

// BigInt reference: slow but obviously right (tests only; the executor never uses bigint).
const u = (x: number): bigint => BigInt(x >>> 0);
const s = (x: number): bigint => BigInt(x | 0);
const low32 = (x: bigint): number => Number(BigInt.asIntN(32, x));
const high32 = (x: bigint): number => Number(BigInt.asIntN(32, x >> 32n));

const INT_MIN = -0x8000_0000;
const SPECIAL = [0, 1, -1, 2, -2, 3, 7, INT_MIN, 0x7fff_ffff, INT_MIN + 1, 0xffff, 0x10000, -0x10000, 0x8000, 0x1234_5678, -0x1234_5678];

// Seeded xorshift32 so failures reproduce; the seed is printed.
function operands(seed: number, count: number): number[] {
  console.log(`semantics.test: random operand seed ${seed}`);
  let x = seed;
  const out = [...SPECIAL];
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(x | 0);
  }
  return out;
}
const VALUES = operands(0x2545f491, 60);

function forAllPairs(check: (a: number, b: number) => void): void {
  for (const a of VALUES) for (const b of VALUES) check(a, b);
}

describe('semantics vs BigInt reference', () => {
  it('add/sub/logic/compare', () => {
    forAllPairs((a, b) => {
      expect(S.add(a, b)).toBe(low32(s(a) + s(b)));
      expect(S.sub(a, b)).toBe(low32(s(a) - s(b)));
      expect(S.xor(a, b)).toBe(low32(s(a) ^ s(b)));
      expect(S.or(a, b)).toBe(low32(s(a) | s(b)));
      expect(S.and(a, b)).toBe(low32(s(a) & s(b)));
      expect(S.slt(a, b)).toBe(s(a) < s(b) ? 1 : 0);
      expect(S.sltu(a, b)).toBe(u(a) < u(b) ? 1 : 0);
      expect(S.blt(a, b)).toBe(s(a) < s(b));
      expect(S.bge(a, b)).toBe(s(a) >= s(b));
      expect(S.bltu(a, b)).toBe(u(a) < u(b));
      expect(S.bgeu(a, b)).toBe(u(a) >= u(b));
      expect(S.beq(a, b)).toBe(a === b);
      expect(S.bne(a, b)).toBe(a !== b);
    });
  });

  it('shifts use the low 5 bits of the amount', () => {
    forAllPairs((a, b) => {
      const sh = BigInt(b & 31);
      expect(S.sll(a, b)).toBe(low32(s(a) << sh));
      expect(S.srl(a, b)).toBe(low32(u(a) >> sh));
      expect(S.sra(a, b)).toBe(low32(s(a) >> sh));
    });
    expect(S.sll(1, 32)).toBe(1);
    expect(S.srl(INT_MIN, 31)).toBe(1);
    expect(S.sra(INT_MIN, 31)).toBe(-1);
  });

  it('mul, mulh, mulhsu, mulhu', () => {
    forAllPairs((a, b) => {
      expect(S.mul(a, b)).toBe(low32(s(a) * s(b)));
      expect(S.mulh(a, b)).toBe(high32(s(a) * s(b)));
      expect(S.mulhsu(a, b)).toBe(high32(s(a) * u(b)));
      expect(S.mulhu(a, b)).toBe(high32(u(a) * u(b)));
    });
  });

  it('div, divu, rem, remu (non-zero divisors)', () => {
    forAllPairs((a, b) => {
      if (b === 0 || (a === INT_MIN && b === -1)) return;
      // BigInt division truncates toward zero, like RISC-V.
      expect(S.div(a, b)).toBe(low32(s(a) / s(b)));
      expect(S.rem(a, b)).toBe(low32(s(a) % s(b)));
      expect(S.divu(a, b)).toBe(low32(u(a) / u(b)));
      expect(S.remu(a, b)).toBe(low32(u(a) % u(b)));
    });
  });
});

describe('division edge cases (ISA manual Table 7.1)', () => {
  it('divide by zero: quotient all ones, remainder = dividend', () => {
    for (const a of [0, 1, -1, INT_MIN, 0x7fff_ffff, 12345]) {
      expect(S.div(a, 0)).toBe(-1);
      expect(S.divu(a, 0)).toBe(-1); // 2^32 - 1
      expect(S.rem(a, 0)).toBe(a);
      expect(S.remu(a, 0)).toBe(a);
    }
  });
  it('signed overflow: INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0', () => {
    expect(S.div(INT_MIN, -1)).toBe(INT_MIN);
    expect(S.rem(INT_MIN, -1)).toBe(0);
    expect(S.divu(INT_MIN, -1)).toBe(0);
    expect(S.remu(INT_MIN, -1)).toBe(INT_MIN);
  });
  it('signs: rounding toward zero, remainder has the sign of the dividend', () => {
    expect([S.div(-7, 2), S.rem(-7, 2)]).toEqual([-3, -1]);
    expect([S.div(7, -2), S.rem(7, -2)]).toEqual([-3, 1]);
    expect([S.div(-7, -2), S.rem(-7, -2)]).toEqual([3, -1]);
  });
});

describe('sub-word extraction and merge', () => {
  const word = 0x8180_7f01 | 0;
  it('extract + extend every byte and halfword offset', () => {
    expect([0, 1, 2, 3].map((o) => S.extractByte(word, o))).toEqual([0x01, 0x7f, 0x80, 0x81]);
    expect([0, 1, 2, 3].map((o) => S.signExtend8(S.extractByte(word, o)))).toEqual([1, 127, -128, -127]);
    expect([0, 2].map((o) => S.signExtend16(S.extractHalf(word, o)))).toEqual([0x7f01, (0x8180 << 16) >> 16]);
    expect([0, 2].map((o) => S.zeroExtend16(S.extractHalf(word, o)))).toEqual([0x7f01, 0x8180]);
    expect(S.zeroExtend8(0x1ff)).toBe(0xff);
  });
  it('insert replaces exactly the addressed bytes', () => {
    expect(S.insertByte(word, 2, 0x1ff) >>> 0).toBe(0x81ff_7f01);
    expect(S.insertByte(word, 3, 0) >>> 0).toBe(0x0080_7f01);
    expect(S.insertHalf(word, 0, 0xabcd_1234) >>> 0).toBe(0x8180_1234);
    expect(S.insertHalf(word, 2, -1) >>> 0).toBe(0xffff_7f01);
  });
});
