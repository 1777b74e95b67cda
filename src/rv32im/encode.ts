// RV32IM instruction encoder: one function per instruction, each returning the 32-bit word
// (unsigned). RISC-V Unprivileged ISA 20191213, ch. 2 (RV32I, formats in §2.2–2.3) and ch. 7 (M).
// Every argument is range-checked and a RangeError names the instruction and the argument,
// so tests and the random-program generator cannot silently produce a different instruction.

const OP = 0b0110011;
const OP_IMM = 0b0010011;
const LOAD = 0b0000011;
const STORE = 0b0100011;
const BRANCH = 0b1100011;
const JAL = 0b1101111;
const JALR = 0b1100111;
const LUI = 0b0110111;
const AUIPC = 0b0010111;
const MISC_MEM = 0b0001111;
const SYSTEM = 0b1110011;

function checkInt(op: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${op}: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

function checkReg(op: string, name: string, reg: number): void {
  checkInt(op, name, reg, 0, 31);
}

/** Branch and jump offsets count bytes and must be even (bit 0 is not encoded). */
function checkOffset(op: string, offset: number, bits: number): void {
  checkInt(op, 'offset', offset, -(2 ** (bits - 1)), 2 ** (bits - 1) - 2);
  if (offset % 2 !== 0) throw new RangeError(`${op}: offset must be even, got ${offset}`);
}

function rType(op: string, opcode: number, funct3: number, funct7: number, rd: number, rs1: number, rs2: number): number {
  checkReg(op, 'rd', rd);
  checkReg(op, 'rs1', rs1);
  checkReg(op, 'rs2', rs2);
  return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

function iType(op: string, opcode: number, funct3: number, rd: number, rs1: number, imm: number): number {
  checkReg(op, 'rd', rd);
  checkReg(op, 'rs1', rs1);
  checkInt(op, 'imm', imm, -2048, 2047);
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** Immediate shifts are I-type with a 5-bit shamt and funct7 in imm[11:5]. */
function shiftImm(op: string, funct3: number, funct7: number, rd: number, rs1: number, shamt: number): number {
  checkInt(op, 'shamt', shamt, 0, 31);
  return rType(op, OP_IMM, funct3, funct7, rd, rs1, shamt);
}

function sType(op: string, funct3: number, rs2: number, rs1: number, imm: number): number {
  checkReg(op, 'rs2', rs2);
  checkReg(op, 'rs1', rs1);
  checkInt(op, 'imm', imm, -2048, 2047);
  const hi = (imm >> 5) & 0x7f;
  const lo = imm & 0x1f;
  return ((hi << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (lo << 7) | STORE) >>> 0;
}

function bType(op: string, funct3: number, rs1: number, rs2: number, offset: number): number {
  checkReg(op, 'rs1', rs1);
  checkReg(op, 'rs2', rs2);
  checkOffset(op, offset, 13);
  const bit12 = (offset >> 12) & 1;
  const bits10to5 = (offset >> 5) & 0x3f;
  const bits4to1 = (offset >> 1) & 0xf;
  const bit11 = (offset >> 11) & 1;
  return (
    ((bit12 << 31) | (bits10to5 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
      (bits4to1 << 8) | (bit11 << 7) | BRANCH) >>> 0
  );
}

/** U-type takes the 20-bit upper immediate itself (as assemblers do), not the shifted value. */
function uType(op: string, opcode: number, rd: number, imm20: number): number {
  checkReg(op, 'rd', rd);
  checkInt(op, 'imm20', imm20, 0, 0xfffff);
  return ((imm20 << 12) | (rd << 7) | opcode) >>> 0;
}

// ---- RV32I: register-register (OP) ----
export const add = (rd: number, rs1: number, rs2: number): number => rType('add', OP, 0, 0x00, rd, rs1, rs2);
export const sub = (rd: number, rs1: number, rs2: number): number => rType('sub', OP, 0, 0x20, rd, rs1, rs2);
export const sll = (rd: number, rs1: number, rs2: number): number => rType('sll', OP, 1, 0x00, rd, rs1, rs2);
export const slt = (rd: number, rs1: number, rs2: number): number => rType('slt', OP, 2, 0x00, rd, rs1, rs2);
export const sltu = (rd: number, rs1: number, rs2: number): number => rType('sltu', OP, 3, 0x00, rd, rs1, rs2);
export const xor = (rd: number, rs1: number, rs2: number): number => rType('xor', OP, 4, 0x00, rd, rs1, rs2);
export const srl = (rd: number, rs1: number, rs2: number): number => rType('srl', OP, 5, 0x00, rd, rs1, rs2);
export const sra = (rd: number, rs1: number, rs2: number): number => rType('sra', OP, 5, 0x20, rd, rs1, rs2);
export const or = (rd: number, rs1: number, rs2: number): number => rType('or', OP, 6, 0x00, rd, rs1, rs2);
export const and = (rd: number, rs1: number, rs2: number): number => rType('and', OP, 7, 0x00, rd, rs1, rs2);

// ---- RV32M (OP, funct7 = 1) ----
export const mul = (rd: number, rs1: number, rs2: number): number => rType('mul', OP, 0, 0x01, rd, rs1, rs2);
export const mulh = (rd: number, rs1: number, rs2: number): number => rType('mulh', OP, 1, 0x01, rd, rs1, rs2);
export const mulhsu = (rd: number, rs1: number, rs2: number): number => rType('mulhsu', OP, 2, 0x01, rd, rs1, rs2);
export const mulhu = (rd: number, rs1: number, rs2: number): number => rType('mulhu', OP, 3, 0x01, rd, rs1, rs2);
export const div = (rd: number, rs1: number, rs2: number): number => rType('div', OP, 4, 0x01, rd, rs1, rs2);
export const divu = (rd: number, rs1: number, rs2: number): number => rType('divu', OP, 5, 0x01, rd, rs1, rs2);
export const rem = (rd: number, rs1: number, rs2: number): number => rType('rem', OP, 6, 0x01, rd, rs1, rs2);
export const remu = (rd: number, rs1: number, rs2: number): number => rType('remu', OP, 7, 0x01, rd, rs1, rs2);

// ---- RV32I: register-immediate (OP-IMM) ----
export const addi = (rd: number, rs1: number, imm: number): number => iType('addi', OP_IMM, 0, rd, rs1, imm);
export const slti = (rd: number, rs1: number, imm: number): number => iType('slti', OP_IMM, 2, rd, rs1, imm);
export const sltiu = (rd: number, rs1: number, imm: number): number => iType('sltiu', OP_IMM, 3, rd, rs1, imm);
export const xori = (rd: number, rs1: number, imm: number): number => iType('xori', OP_IMM, 4, rd, rs1, imm);
export const ori = (rd: number, rs1: number, imm: number): number => iType('ori', OP_IMM, 6, rd, rs1, imm);
export const andi = (rd: number, rs1: number, imm: number): number => iType('andi', OP_IMM, 7, rd, rs1, imm);
export const slli = (rd: number, rs1: number, shamt: number): number => shiftImm('slli', 1, 0x00, rd, rs1, shamt);
export const srli = (rd: number, rs1: number, shamt: number): number => shiftImm('srli', 5, 0x00, rd, rs1, shamt);
export const srai = (rd: number, rs1: number, shamt: number): number => shiftImm('srai', 5, 0x20, rd, rs1, shamt);

// ---- RV32I: loads and stores (byte offset imm from rs1) ----
export const lb = (rd: number, rs1: number, imm: number): number => iType('lb', LOAD, 0, rd, rs1, imm);
export const lh = (rd: number, rs1: number, imm: number): number => iType('lh', LOAD, 1, rd, rs1, imm);
export const lw = (rd: number, rs1: number, imm: number): number => iType('lw', LOAD, 2, rd, rs1, imm);
export const lbu = (rd: number, rs1: number, imm: number): number => iType('lbu', LOAD, 4, rd, rs1, imm);
export const lhu = (rd: number, rs1: number, imm: number): number => iType('lhu', LOAD, 5, rd, rs1, imm);
export const sb = (rs2: number, rs1: number, imm: number): number => sType('sb', 0, rs2, rs1, imm);
export const sh = (rs2: number, rs1: number, imm: number): number => sType('sh', 1, rs2, rs1, imm);
export const sw = (rs2: number, rs1: number, imm: number): number => sType('sw', 2, rs2, rs1, imm);

// ---- RV32I: branches (offset in bytes from this instruction, even, ±4 KiB) ----
export const beq = (rs1: number, rs2: number, offset: number): number => bType('beq', 0, rs1, rs2, offset);
export const bne = (rs1: number, rs2: number, offset: number): number => bType('bne', 1, rs1, rs2, offset);
export const blt = (rs1: number, rs2: number, offset: number): number => bType('blt', 4, rs1, rs2, offset);
export const bge = (rs1: number, rs2: number, offset: number): number => bType('bge', 5, rs1, rs2, offset);
export const bltu = (rs1: number, rs2: number, offset: number): number => bType('bltu', 6, rs1, rs2, offset);
export const bgeu = (rs1: number, rs2: number, offset: number): number => bType('bgeu', 7, rs1, rs2, offset);

// ---- RV32I: jumps and upper immediates ----
/** jal: offset in bytes from this instruction, even, ±1 MiB. */
export function jal(rd: number, offset: number): number {
  checkReg('jal', 'rd', rd);
  checkOffset('jal', offset, 21);
  const bit20 = (offset >> 20) & 1;
  const bits10to1 = (offset >> 1) & 0x3ff;
  const bit11 = (offset >> 11) & 1;
  const bits19to12 = (offset >> 12) & 0xff;
  return ((bit20 << 31) | (bits10to1 << 21) | (bit11 << 20) | (bits19to12 << 12) | (rd << 7) | JAL) >>> 0;
}
export const jalr = (rd: number, rs1: number, imm: number): number => iType('jalr', JALR, 0, rd, rs1, imm);
export const lui = (rd: number, imm20: number): number => uType('lui', LUI, rd, imm20);
export const auipc = (rd: number, imm20: number): number => uType('auipc', AUIPC, rd, imm20);

// ---- RV32I: fence and system ----
/** fence pred, succ: 4-bit sets of {i,o,r,w} (bit 3 = i … bit 0 = w); default is `fence iorw, iorw`. */
export function fence(pred = 0xf, succ = 0xf): number {
  checkInt('fence', 'pred', pred, 0, 15);
  checkInt('fence', 'succ', succ, 0, 15);
  return ((pred << 24) | (succ << 20) | MISC_MEM) >>> 0;
}
export const ecall = (): number => SYSTEM;
export const ebreak = (): number => ((1 << 20) | SYSTEM) >>> 0;

// ---- Pseudo-instructions ----
export const nop = (): number => addi(0, 0, 0);

/**
 * li rd, value: load any 32-bit value (signed or unsigned) as `lui` + `addi`, always two words
 * so code size does not depend on the value. addi sign-extends its 12 bits, hence the +0x800 carry.
 */
export function li(rd: number, value: number): [number, number] {
  checkInt('li', 'value', value, -(2 ** 31), 2 ** 32 - 1);
  const v = value | 0;
  const lo = (v << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return [lui(rd, hi), addi(rd, rd, lo)];
}
