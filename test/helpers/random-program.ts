// Seeded random RV32IM programs for differential testing (zkc vs qemu-riscv32). Each program:
// loads edge values into x1..x31, runs a random mix of every ALU/M op, loads and stores of every
// width (aligned) into a data buffer, forward branches of every kind, jal/jalr (including an odd
// jalr target, whose bit 0 must be cleared), lui/auipc, fence; then writes x0..x31 and the data buffer to
// the journal (fd 3) and exits with a register-derived code. Straight-line apart from forward
// jumps, so every program terminates.

import * as encode from '../../src/rv32im/encode.ts';

export const CODE_VADDR = 0x0001_0000;
export const DATA_VADDR = 0x0004_0000;
export const DATA_BYTES = 1024;
/** x0..x31 are stored here (just past the data buffer) before being journaled. */
export const DUMP_VADDR = DATA_VADDR + DATA_BYTES;
export const JOURNAL_BYTES = 32 * 4 + DATA_BYTES;

export interface RandomProgram {
  seed: number;
  /** Instruction words, executed from CODE_VADDR (the entry point). */
  code: Uint32Array;
  /** Initial contents of [DATA_VADDR, DATA_VADDR + data.length): the data buffer plus the dump area. */
  data: Uint8Array;
}

/** xorshift32: tiny, seedable, and the same sequence on every platform. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

const EDGE_VALUES = [
  0, 1, 2, 0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0x80000001, 0x0000ffff, 0x00010000, 0x0000ff80,
  0x00000080, 31, 32, 0x55555555, 0xaaaaaaaa, 0x000007ff, 0xfffff800,
] as const;
const EDGE_IMMEDIATES = [0, 1, -1, 2047, -2048, 0x7f, -0x80, 0x400] as const;

type R = (rd: number, rs1: number, rs2: number) => number;
const R_OPS: readonly R[] = [
  encode.add, encode.sub, encode.sll, encode.slt, encode.sltu, encode.xor, encode.srl, encode.sra, encode.or, encode.and,
  encode.mul, encode.mulh, encode.mulhsu, encode.mulhu, encode.div, encode.divu, encode.rem, encode.remu,
];
const M_DIV_OPS: readonly R[] = [encode.div, encode.divu, encode.rem, encode.remu, encode.mulh, encode.mulhsu, encode.mulhu];
const I_OPS: readonly R[] = [encode.addi, encode.slti, encode.sltiu, encode.xori, encode.ori, encode.andi];
const SHIFT_OPS: readonly R[] = [encode.slli, encode.srli, encode.srai];
const LOADS: readonly [R, number][] = [[encode.lb, 1], [encode.lbu, 1], [encode.lh, 2], [encode.lhu, 2], [encode.lw, 4]];
const STORES: readonly [R, number][] = [[encode.sb, 1], [encode.sh, 2], [encode.sw, 4]];
const BRANCHES: readonly R[] = [encode.beq, encode.bne, encode.blt, encode.bge, encode.bltu, encode.bgeu];

class Generator {
  readonly words: number[] = [];
  constructor(private readonly rng: Rng) {}

  private emit(...words: number[]): void {
    this.words.push(...words);
  }
  /** Any register, x0 included (writes to x0 must be discarded). */
  private reg(): number {
    return this.rng.below(32);
  }
  private nonZeroReg(): number {
    return 1 + this.rng.below(31);
  }
  private imm12(): number {
    return this.rng.below(4) === 0 ? this.rng.below(4096) - 2048 : this.rng.pick(EDGE_IMMEDIATES);
  }
  private value(): number {
    return this.rng.below(3) === 0 ? this.rng.u32() : this.rng.pick(EDGE_VALUES);
  }

  /** One instruction that only computes (used in bodies skipped by branches/jumps). */
  private alu(): void {
    const kind = this.rng.below(10);
    if (kind < 5) this.emit(this.rng.pick(R_OPS)(this.reg(), this.reg(), this.reg()));
    else if (kind < 8) this.emit(this.rng.pick(I_OPS)(this.reg(), this.reg(), this.imm12()));
    else if (kind < 9) this.emit(this.rng.pick(SHIFT_OPS)(this.reg(), this.reg(), this.rng.pick([0, 1, 31, this.rng.below(32)])));
    else if (this.rng.below(16) === 0) this.emit(encode.fence(this.rng.below(16), this.rng.below(16))); // a no-op on one hart
    else this.emit((this.rng.below(2) === 0 ? encode.lui : encode.auipc)(this.reg(), this.rng.below(1 << 20)));
  }

  /** base = addr - imm via li, so the access hits addr with a random (often negative) offset. */
  private memory(): void {
    const store = this.rng.below(2) === 0;
    const [op, width] = store ? this.rng.pick(STORES) : this.rng.pick(LOADS);
    const addr = DATA_VADDR + this.rng.below(DATA_BYTES / width) * width;
    const imm = this.imm12();
    const base = this.nonZeroReg();
    this.emit(...encode.li(base, addr - imm));
    this.emit(op(this.reg(), base, imm)); // a store's rs2 / a load's rd
  }

  /** A forward branch over 0–4 ALU instructions (offset 4 = fall through to the next one). */
  private branch(): void {
    const skip = this.rng.below(5);
    this.emit(this.rng.pick(BRANCHES)(this.reg(), this.reg(), 4 * (skip + 1)));
    for (let i = 0; i < skip; i++) this.alu();
  }

  /** jal over 0–3 instructions, or auipc + jalr (odd offset half the time: bit 0 is cleared). */
  private jump(): void {
    const skip = this.rng.below(4);
    if (this.rng.below(2) === 0) {
      this.emit(encode.jal(this.reg(), 4 * (skip + 1)));
    } else {
      const target = this.nonZeroReg();
      this.emit(encode.auipc(target, 0));
      // auipc is at pc, jalr at pc+4; land at pc + 8 + 4*skip.
      this.emit(encode.jalr(this.reg(), target, 8 + 4 * skip + this.rng.below(2)));
    }
    for (let i = 0; i < skip; i++) this.alu();
  }

  /** Operands chosen to hit the M-extension corner cases: x/0, INT_MIN/-1, high products. */
  private mulDivEdge(): void {
    const a = this.nonZeroReg();
    let b = this.nonZeroReg();
    if (b === a) b = (a % 31) + 1;
    const pair = this.rng.pick([[0x80000000, 0xffffffff], [this.value(), 0], [0x80000000, 0x80000000], [0xffffffff, 0xffffffff]]);
    this.emit(...encode.li(a, pair[0]!), ...encode.li(b, pair[1]!));
    this.emit(this.rng.pick(M_DIV_OPS)(this.reg(), a, b));
  }

  body(length: number): void {
    for (let r = 1; r < 32; r++) this.emit(...encode.li(r, this.value()));
    while (this.words.length < length) {
      const kind = this.rng.below(20);
      if (kind < 10) this.alu();
      else if (kind < 14) this.memory();
      else if (kind < 16) this.branch();
      else if (kind < 18) this.jump();
      else this.mulDivEdge();
    }
  }

  /** Stores x0..x31 (the base register's own value is first folded into x1 or x2), journals, exits. */
  epilogue(): void {
    const base = this.nonZeroReg();
    const fold = base === 1 ? 2 : 1;
    this.emit(encode.xor(fold, fold, base));
    this.emit(...encode.li(base, DUMP_VADDR));
    for (let r = 0; r < 32; r++) this.emit(encode.sw(r, base, 4 * r));
    const write = (addr: number, n: number) => {
      this.emit(encode.addi(10, 0, 3), ...encode.li(11, addr), ...encode.li(12, n), encode.addi(17, 0, 64), encode.ecall());
    };
    write(DUMP_VADDR, 32 * 4);
    write(DATA_VADDR, DATA_BYTES);
    // Exit code: the low byte of a random dumped register (reloaded: a0–a2 were clobbered above).
    this.emit(...encode.li(base, DUMP_VADDR), encode.lbu(10, base, 4 * this.rng.below(32)));
    this.emit(encode.addi(17, 0, 93), encode.ecall());
  }
}

/** A program of roughly `length` body instructions (plus fixed set-up and epilogue). */
export function randomProgram(seed: number, length = 200): RandomProgram {
  const rng = new Rng(seed);
  const gen = new Generator(rng);
  gen.body(length);
  gen.epilogue();
  const data = new Uint8Array(DATA_BYTES + 32 * 4);
  for (let i = 0; i < DATA_BYTES; i += 4) {
    const v = rng.u32();
    data[i] = v;
    data[i + 1] = v >>> 8;
    data[i + 2] = v >>> 16;
    data[i + 3] = v >>> 24;
  }
  return { seed, code: Uint32Array.from(gen.words), data };
}

/**
 * The program as an ELF32 executable: code (R+X) at CODE_VADDR, data (R+W) at DATA_VADDR, each
 * page-aligned in the file. Written here (not via test/helpers/elf32.ts) because it must load
 * under qemu-user too, which wants file offsets congruent to vaddrs modulo the page size.
 */
export function programElf(program: RandomProgram): Uint8Array {
  const PAGE = 0x1000;
  const codeBytes = new Uint8Array(program.code.buffer, program.code.byteOffset, program.code.byteLength);
  const codeOffset = PAGE;
  const dataOffset = codeOffset + Math.ceil(codeBytes.length / PAGE) * PAGE;
  const elf = new Uint8Array(dataOffset + program.data.length);
  const view = new DataView(elf.buffer);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* LE */, 1 /* EV_CURRENT */]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true); // e_version
  view.setUint32(24, CODE_VADDR, true); // e_entry
  view.setUint32(28, 52, true); // e_phoff
  view.setUint16(40, 52, true); // e_ehsize
  view.setUint16(42, 32, true); // e_phentsize
  view.setUint16(44, 2, true); // e_phnum
  view.setUint16(46, 40, true); // e_shentsize (no sections)
  const phdr = (i: number, offset: number, vaddr: number, size: number, flags: number) => {
    const at = 52 + 32 * i;
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 4, offset, true);
    view.setUint32(at + 8, vaddr, true);
    view.setUint32(at + 12, vaddr, true);
    view.setUint32(at + 16, size, true);
    view.setUint32(at + 20, size, true);
    view.setUint32(at + 24, flags, true);
    view.setUint32(at + 28, PAGE, true);
  };
  phdr(0, codeOffset, CODE_VADDR, codeBytes.length, 5); // R+X
  phdr(1, dataOffset, DATA_VADDR, program.data.length, 6); // R+W
  elf.set(codeBytes, codeOffset);
  elf.set(program.data, dataOffset);
  return elf;
}
