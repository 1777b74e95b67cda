// Pure RV32IM semantics: the one implementation of every ALU, M-extension and branch result.
// RISC-V ISA Manual Vol. I (20191213): §2.4 integer computation, §2.5 branches, §7.1–7.2 (MUL/DIV,
// including Table 7.1 division by zero and overflow). Operands and results are int32 numbers
// (`x | 0`); callers view them unsigned with `>>> 0` when needed. No bigint: these run per cycle.

const INT_MIN = -0x8000_0000;

export function add(a: number, b: number): number {
  return (a + b) | 0;
}
export function sub(a: number, b: number): number {
  return (a - b) | 0;
}
/** Shifts use only the low 5 bits of the shift amount (RV32). */
export function sll(a: number, b: number): number {
  return a << (b & 31);
}
export function srl(a: number, b: number): number {
  return (a >>> (b & 31)) | 0;
}
export function sra(a: number, b: number): number {
  return a >> (b & 31);
}
export function slt(a: number, b: number): number {
  return a < b ? 1 : 0;
}
export function sltu(a: number, b: number): number {
  return a >>> 0 < b >>> 0 ? 1 : 0;
}
export function xor(a: number, b: number): number {
  return a ^ b;
}
export function or(a: number, b: number): number {
  return a | b;
}
export function and(a: number, b: number): number {
  return a & b;
}

export function mul(a: number, b: number): number {
  return Math.imul(a, b);
}
/** High 32 bits of the unsigned 64-bit product, from 16-bit limbs (each partial product < 2^32, exact in a double). */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lo = al * bl;
  const mid1 = ah * bl;
  const mid2 = al * bh;
  const carry = ((lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (ah * bh + (mid1 >>> 16) + (mid2 >>> 16) + carry) | 0;
}
/** Signed × signed high word: unsigned high word minus the two's-complement corrections. */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}
/** Signed rs1 × unsigned rs2 high word. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}
/** Signed division rounding toward zero; x/0 = −1, INT_MIN/−1 = INT_MIN (no trap). */
export function div(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === INT_MIN && b === -1) return INT_MIN;
  // |a|, |b| < 2^31: the double quotient is never rounded across an integer, so truncation is exact.
  return (a / b) | 0;
}
/** Unsigned division; x/0 = 2^32 − 1. */
export function divu(a: number, b: number): number {
  if (b === 0) return -1;
  return ((a >>> 0) / (b >>> 0)) | 0;
}
/** Signed remainder, sign of the dividend; x%0 = x, INT_MIN%−1 = 0. */
export function rem(a: number, b: number): number {
  if (b === 0) return a;
  if (a === INT_MIN && b === -1) return 0;
  return (a % b) | 0;
}
/** Unsigned remainder; x%0 = x. */
export function remu(a: number, b: number): number {
  if (b === 0) return a;
  return ((a >>> 0) % (b >>> 0)) | 0;
}

export function beq(a: number, b: number): boolean {
  return a === b;
}
export function bne(a: number, b: number): boolean {
  return a !== b;
}
export function blt(a: number, b: number): boolean {
  return a < b;
}
export function bge(a: number, b: number): boolean {
  return a >= b;
}
export function bltu(a: number, b: number): boolean {
  return a >>> 0 < b >>> 0;
}
export function bgeu(a: number, b: number): boolean {
  return a >>> 0 >= b >>> 0;
}

/** Load extension of the addressed byte/halfword (`value` holds it in its low bits). */
export function signExtend8(value: number): number {
  return (value << 24) >> 24;
}
export function signExtend16(value: number): number {
  return (value << 16) >> 16;
}
export function zeroExtend8(value: number): number {
  return value & 0xff;
}
export function zeroExtend16(value: number): number {
  return value & 0xffff;
}

/** The byte/halfword at byte offset `offset` (0..3) of a little-endian word, for sub-word loads. */
export function extractByte(word: number, offset: number): number {
  return (word >>> (offset << 3)) & 0xff;
}
export function extractHalf(word: number, offset: number): number {
  return (word >>> (offset << 3)) & 0xffff;
}
/** `word` with the byte/halfword at `offset` replaced by the low bits of `value`, for sub-word stores. */
export function insertByte(word: number, offset: number, value: number): number {
  const shift = offset << 3;
  return (word & ~(0xff << shift)) | ((value & 0xff) << shift);
}
export function insertHalf(word: number, offset: number, value: number): number {
  const shift = offset << 3;
  return (word & ~(0xffff << shift)) | ((value & 0xffff) << shift);
}
