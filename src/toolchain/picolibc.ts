// Locates Debian's picolibc (picolibc-riscv64-unknown-elf) and libgcc (gcc-riscv64-unknown-elf)
// builds for rv32im/ilp32, linked directly by `zkc build --picolibc` (not through picolibc.specs,
// whose crt0 and memory layout assume a bare-metal board rather than zkc's platform).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ToolchainError } from './errors.ts';

export interface Picolibc {
  includeDir: string;
  /** libc.a, libm.a and libgcc.a (soft-float, 64-bit division), to be linked as one group. */
  archives: string[];
}

const PICOLIBC_ROOT = '/usr/lib/picolibc/riscv64-unknown-elf';
const GCC_ROOT = '/usr/lib/gcc/riscv64-unknown-elf';
const MULTILIB = join('rv32im', 'ilp32');
const INSTALL_HINT = 'apt-get install picolibc-riscv64-unknown-elf gcc-riscv64-unknown-elf';

/** Numeric version order, so 12.10.0 sorts after 12.2.0. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function findPicolibc(picolibcRoot = PICOLIBC_ROOT, gccRoot = GCC_ROOT): Picolibc {
  const includeDir = join(picolibcRoot, 'include');
  const libc = join(picolibcRoot, 'lib', MULTILIB, 'libc.a');
  const libm = join(picolibcRoot, 'lib', MULTILIB, 'libm.a');
  if (!existsSync(join(includeDir, 'stdio.h')) || !existsSync(libc)) {
    throw new ToolchainError('picolibc-not-found', `picolibc for rv32im/ilp32 not found in ${picolibcRoot}: ${INSTALL_HINT}`);
  }
  const versions = existsSync(gccRoot) ? readdirSync(gccRoot).filter((v) => /^\d+(\.\d+)*$/.test(v)).sort(compareVersions) : [];
  const libgcc = versions.map((v) => join(gccRoot, v, MULTILIB, 'libgcc.a')).filter((path) => existsSync(path)).pop();
  if (libgcc === undefined) {
    throw new ToolchainError('picolibc-not-found', `libgcc for rv32im/ilp32 not found in ${gccRoot}: ${INSTALL_HINT}`);
  }
  return { includeDir, archives: [libc, ...(existsSync(libm) ? [libm] : []), libgcc] };
}
