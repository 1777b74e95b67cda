// Guest build: C sources + the zkc SDK (guests/sdk) → a static RV32IM ELF, via clang and ld.lld;
// optionally with picolibc (printf, full libc, soft-float) instead of the SDK's small runtime.
// Output is reproducible byte-for-byte for a given clang/lld version: no build-id, no .comment,
// no debug info, and file names only as basenames (clang's STT_FILE symbols).

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadElf } from '../rv32im/elf.ts';
import { ToolchainError } from './errors.ts';
import { findExecutable, versionedNames } from './find-tool.ts';
import { findPicolibc, type Picolibc } from './picolibc.ts';

const execFileAsync = promisify(execFile);

/** guests/sdk, located from this file so the CLI works from any working directory. */
export const SDK_DIR = fileURLToPath(new URL('../../guests/sdk/', import.meta.url));

/** SDK files linked into every guest, in link order (start-up code first, at 0x10000). */
export const SDK_SOURCES = ['start.S', 'zkc_io.c', 'zkc_rt.c'] as const;
/** With --picolibc, zkc_rt.c (mem*, malloc, 64-bit division) gives way to libc.a and libgcc.a. */
export const SDK_SOURCES_PICOLIBC = ['start.S', 'zkc_io.c', 'zkc_picolibc.c'] as const;

export const OPT_LEVELS = ['0', '1', '2', '3', 's', 'z'] as const;
export type OptLevel = (typeof OPT_LEVELS)[number];

export interface BuildOptions {
  /** C (or assembly, .S) sources of the guest; must define `int main(void)`. */
  sources: string[];
  /** Path of the ELF to write (parent directories are created). */
  output: string;
  /** clang -O level; default '2'. */
  optLevel?: OptLevel;
  /** Link picolibc's libc.a/libm.a and libgcc.a (Debian packages) instead of zkc_rt.c. */
  picolibc?: boolean;
  /** Extra include directories for the guest's own headers. */
  includeDirs?: string[];
  /** Receives compiler warnings (stderr of a successful build), if any. */
  onWarnings?(text: string): void;
}

export interface Toolchain {
  clang: string;
  lld: string;
}

/** Finds clang and ld.lld on PATH, or throws ToolchainError('tool-not-found'). */
export function findToolchain(): Toolchain {
  const clang = findExecutable(versionedNames('clang'));
  if (clang === undefined) throw new ToolchainError('tool-not-found', 'clang not found: apt-get install clang lld');
  const lld = findExecutable(versionedNames('ld.lld'));
  if (lld === undefined) throw new ToolchainError('tool-not-found', 'ld.lld not found: apt-get install lld');
  return { clang, lld };
}

/**
 * The full clang argument list for a build (exported for tests and for debugging a build by hand).
 * Flags and why:
 *  -march=rv32im -mabi=ilp32   exactly the ISA zkc executes (no C: 16-bit instructions are rejected)
 *  -ffreestanding -nostdlib    no host libc or crt; the SDK provides the runtime
 *  -mno-relax                  lld does no RISC-V relaxation anyway; keeps code independent of it
 *  -ffunction/data-sections + --gc-sections   drop unused runtime code
 *  --build-id=none, -fno-ident, -ffile-prefix-map   reproducible output
 */
export function clangArgs(options: BuildOptions, toolchain: Toolchain, picolibc?: Picolibc): string[] {
  const optLevel = options.optLevel ?? '2';
  const cwd = process.cwd();
  const sdkSources = picolibc === undefined ? SDK_SOURCES : SDK_SOURCES_PICOLIBC;
  return [
    '--target=riscv32-unknown-elf',
    '-march=rv32im',
    '-mabi=ilp32',
    `-O${optLevel}`,
    '-std=gnu17', // C17 plus GNU extensions (asm, statement expressions), explicit so it cannot drift
    '-ffreestanding',
    '-nostdlib',
    '-static',
    '-mno-relax',
    '-fno-ident',
    '-fno-pic',
    '-fno-stack-protector',
    '-ffunction-sections',
    '-fdata-sections',
    '-Wall',
    `-ffile-prefix-map=${SDK_DIR.replace(/\/$/, '')}=zkc-sdk`,
    `-ffile-prefix-map=${cwd}=.`,
    `-I${SDK_DIR}`,
    ...(picolibc === undefined ? [] : ['-isystem', picolibc.includeDir]),
    ...(options.includeDirs ?? []).map((dir) => `-I${resolve(dir)}`),
    `--ld-path=${toolchain.lld}`,
    `-Wl,-T,${resolve(SDK_DIR, 'zkc.ld')}`,
    '-Wl,--gc-sections',
    '-Wl,--build-id=none',
    '-Wl,-z,norelro',
    ...sdkSources.map((file) => resolve(SDK_DIR, file)),
    ...options.sources.map((file) => resolve(file)),
    // A group: libc needs libgcc (soft-float) and libgcc may call back into libc.
    ...(picolibc === undefined ? [] : ['-Wl,--start-group', ...picolibc.archives, '-Wl,--end-group']),
    '-o',
    resolve(options.output),
  ];
}

function validate(options: BuildOptions): void {
  if (!Array.isArray(options.sources) || options.sources.length === 0) {
    throw new ToolchainError('bad-options', 'no source files given');
  }
  if (typeof options.output !== 'string' || options.output === '') {
    throw new ToolchainError('bad-options', 'no output file given (-o file.elf)');
  }
  if (options.optLevel !== undefined && !OPT_LEVELS.includes(options.optLevel)) {
    throw new ToolchainError('bad-options', `bad optimisation level -O${options.optLevel}: use one of ${OPT_LEVELS.join(', ')}`);
  }
  for (const source of options.sources) {
    if (!existsSync(source)) throw new ToolchainError('source-not-found', `source file not found: ${source}`);
    if (!/\.(c|S|s)$/.test(source)) {
      throw new ToolchainError('bad-options', `unsupported source type: ${source} (expected .c, .S or .s)`);
    }
  }
}

/**
 * mkdir -p, one level at a time: Node 20's `mkdirSync(dir, { recursive: true })` never returns for a
 * path under /proc (it keeps retrying the parent), where this fails at once with the real error.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  for (const d of missing.reverse()) mkdirSync(d);
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
}

/** Compiles and links a guest ELF and checks that zkc loads it. Throws ToolchainError; compiler diagnostics are in `details`. */
export async function buildGuest(options: BuildOptions): Promise<void> {
  validate(options);
  const toolchain = findToolchain();
  const picolibc = options.picolibc === true ? findPicolibc() : undefined;
  const outputDir = dirname(resolve(options.output));
  try {
    makeDirectories(outputDir);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ToolchainError('output-not-writable', `cannot create output directory ${outputDir}: ${reason}`);
  }
  try {
    const { stderr } = await execFileAsync(toolchain.clang, clangArgs(options, toolchain, picolibc), { maxBuffer: 16 << 20 });
    if (stderr !== '' && options.onWarnings !== undefined) options.onWarnings(stderr);
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '');
    const firstError = stderr.split('\n').find((line) => /error:/.test(line)) ?? String((err as Error).message).split('\n')[0];
    throw new ToolchainError('compile-failed', `guest build failed: ${firstError.trim()}`, stderr);
  }
  // Catch layout problems (e.g. a guest too large for guest memory) at build time, not at run time.
  try {
    loadElf(new Uint8Array(readFileSync(resolve(options.output))));
  } catch (err) {
    throw new ToolchainError('bad-output', `built ${options.output} but zkc cannot load it: ${(err as Error).message}`);
  }
}
