// RV32IM instruction decoder: 32-bit word → op id + rd/rs1/rs2/imm.
// Encodings: The RISC-V Instruction Set Manual, Vol. I (20191213), ch. 2 (RV32I), ch. 7 ("M"),
// and the opcode map in ch. 24. Anything not listed here decodes to Op.ILLEGAL.

/**
 * Internal op ids, dense small integers so the interpreter's switch compiles to a jump table.
 * The interpreter uses these numbers as literal case labels (measured: `case Op.ADD` with an
 * imported constant made the loop ~70x slower); test/rv32im/decode.test.ts checks they agree.
 */
export const Op = {
  ILLEGAL: 0, // unknown encoding, compressed (low bits != 0b11), CSR, FENCE.I, …
  NOT_CODE: 1, // pre-decode filler for words outside executable segments
  LUI: 2,
  AUIPC: 3,
  JAL: 4,
  JALR: 5,
  BEQ: 6,
  BNE: 7,
  BLT: 8,
  BGE: 9,
  BLTU: 10,
  BGEU: 11,
  LB: 12,
  LH: 13,
  LW: 14,
  LBU: 15,
  LHU: 16,
  SB: 17,
  SH: 18,
  SW: 19,
  ADDI: 20,
  SLTI: 21,
  SLTIU: 22,
  XORI: 23,
  ORI: 24,
  ANDI: 25,
  SLLI: 26,
  SRLI: 27,
  SRAI: 28,
  ADD: 29,
  SUB: 30,
  SLL: 31,
  SLT: 32,
  SLTU: 33,
  XOR: 34,
  SRL: 35,
  SRA: 36,
  OR: 37,
  AND: 38,
  FENCE: 39,
  ECALL: 40,
  EBREAK: 41,
  MUL: 42,
  MULH: 43,
  MULHSU: 44,
  MULHU: 45,
  DIV: 46,
  DIVU: 47,
  REM: 48,
  REMU: 49,
  STALE_CODE: 50, // set by the executor on a code word that was stored to (writable code only)
} as const;

export type OpId = (typeof Op)[keyof typeof Op];
export type OpName = keyof typeof Op;

/** Op id → mnemonic (lower case), for messages and disassembly. */
export const OP_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, id] of Object.entries(Op)) names[id] = name.toLowerCase();
  return names;
})();

export interface Instr {
  op: OpId;
  /** Register fields as in the ISA (0 when the format has no such field). */
  rd: number;
  rs1: number;
  rs2: number;
  /** Sign-extended immediate; U-type already shifted (imm = word & 0xfffff000); shamt for shifts. */
  imm: number;
}

const OPCODE_LOAD = 0x03;
const OPCODE_MISC_MEM = 0x0f;
const OPCODE_OP_IMM = 0x13;
const OPCODE_AUIPC = 0x17;
const OPCODE_STORE = 0x23;
const OPCODE_OP = 0x33;
const OPCODE_LUI = 0x37;
const OPCODE_BRANCH = 0x63;
const OPCODE_JALR = 0x67;
const OPCODE_JAL = 0x6f;
const OPCODE_SYSTEM = 0x73;
const WORD_ECALL = 0x0000_0073;
const WORD_EBREAK = 0x0010_0073;

// funct3 → op, per opcode (ILLEGAL marks reserved funct3 values).
const BRANCH_OPS: readonly OpId[] = [Op.BEQ, Op.BNE, Op.ILLEGAL, Op.ILLEGAL, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const LOAD_OPS: readonly OpId[] = [Op.LB, Op.LH, Op.LW, Op.ILLEGAL, Op.LBU, Op.LHU, Op.ILLEGAL, Op.ILLEGAL];
const STORE_OPS: readonly OpId[] = [Op.SB, Op.SH, Op.SW, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL];
const OP_IMM_OPS: readonly OpId[] = [Op.ADDI, Op.SLLI, Op.SLTI, Op.SLTIU, Op.XORI, Op.SRLI, Op.ORI, Op.ANDI];
const OP_F7_0: readonly OpId[] = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const OP_F7_M: readonly OpId[] = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];

const ILLEGAL: Instr = Object.freeze({ op: Op.ILLEGAL, rd: 0, rs1: 0, rs2: 0, imm: 0 });

function immI(word: number): number {
  return word >> 20;
}
function immS(word: number): number {
  return ((word >> 20) & ~0x1f) | ((word >>> 7) & 0x1f);
}
function immB(word: number): number {
  return ((word >> 19) & ~0xfff) | ((word << 4) & 0x800) | ((word >>> 20) & 0x7e0) | ((word >>> 7) & 0x1e);
}
function immJ(word: number): number {
  return ((word >> 11) & ~0xfffff) | (word & 0xff000) | ((word >>> 9) & 0x800) | ((word >>> 20) & 0x7fe);
}

/** Decodes one instruction word. Never throws: unknown encodings give Op.ILLEGAL. */
export function decode(word: number): Instr {
  const opcode = word & 0x7f;
  const rd = (word >>> 7) & 0x1f;
  const funct3 = (word >>> 12) & 7;
  const rs1 = (word >>> 15) & 0x1f;
  const rs2 = (word >>> 20) & 0x1f;
  const funct7 = word >>> 25;
  switch (opcode) {
    case OPCODE_LUI:
      return { op: Op.LUI, rd, rs1: 0, rs2: 0, imm: word & 0xfffff000 };
    case OPCODE_AUIPC:
      return { op: Op.AUIPC, rd, rs1: 0, rs2: 0, imm: word & 0xfffff000 };
    case OPCODE_JAL:
      return { op: Op.JAL, rd, rs1: 0, rs2: 0, imm: immJ(word) };
    case OPCODE_JALR:
      return funct3 === 0 ? { op: Op.JALR, rd, rs1, rs2: 0, imm: immI(word) } : ILLEGAL;
    case OPCODE_BRANCH: {
      const op = BRANCH_OPS[funct3]!;
      return op === Op.ILLEGAL ? ILLEGAL : { op, rd: 0, rs1, rs2, imm: immB(word) };
    }
    case OPCODE_LOAD: {
      const op = LOAD_OPS[funct3]!;
      return op === Op.ILLEGAL ? ILLEGAL : { op, rd, rs1, rs2: 0, imm: immI(word) };
    }
    case OPCODE_STORE: {
      const op = STORE_OPS[funct3]!;
      return op === Op.ILLEGAL ? ILLEGAL : { op, rd: 0, rs1, rs2, imm: immS(word) };
    }
    case OPCODE_OP_IMM: {
      if (funct3 === 1 || funct3 === 5) {
        // Shifts: shamt = bits 24:20; on RV32 imm[5] (bit 25) must be 0, so funct7 is exactly 0 or 0x20 (SRAI).
        if (funct7 === 0) return { op: funct3 === 1 ? Op.SLLI : Op.SRLI, rd, rs1, rs2: 0, imm: rs2 };
        if (funct7 === 0x20 && funct3 === 5) return { op: Op.SRAI, rd, rs1, rs2: 0, imm: rs2 };
        return ILLEGAL;
      }
      return { op: OP_IMM_OPS[funct3]!, rd, rs1, rs2: 0, imm: immI(word) };
    }
    case OPCODE_OP: {
      if (funct7 === 0) return { op: OP_F7_0[funct3]!, rd, rs1, rs2, imm: 0 };
      if (funct7 === 1) return { op: OP_F7_M[funct3]!, rd, rs1, rs2, imm: 0 };
      if (funct7 === 0x20 && funct3 === 0) return { op: Op.SUB, rd, rs1, rs2, imm: 0 };
      if (funct7 === 0x20 && funct3 === 5) return { op: Op.SRA, rd, rs1, rs2, imm: 0 };
      return ILLEGAL;
    }
    case OPCODE_MISC_MEM:
      // FENCE (any fm/pred/succ, including FENCE.TSO and PAUSE) is a no-op on a single hart.
      // FENCE.I (funct3 = 1, Zifencei) is not part of RV32IM and code is read-only: illegal.
      return funct3 === 0 ? { op: Op.FENCE, rd: 0, rs1: 0, rs2: 0, imm: 0 } : ILLEGAL;
    case OPCODE_SYSTEM:
      if (word === WORD_ECALL) return { op: Op.ECALL, rd: 0, rs1: 0, rs2: 0, imm: 0 };
      if (word === WORD_EBREAK) return { op: Op.EBREAK, rd: 0, rs1: 0, rs2: 0, imm: 0 };
      return ILLEGAL; // CSR*, WFI, MRET, …
    default:
      return ILLEGAL;
  }
}
