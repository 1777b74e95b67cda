// `zkc run <elf> [--input FILE] [--max-cycles N] [--json]`: executes a guest in fast mode.
// Guest stdout/stderr pass through; the summary goes to stderr (stdout stays the guest's), or with
// --json exactly one JSON object goes to stdout. Exit status: the guest's exit code & 0xff, as
// under Linux/qemu; tool failures use src/cli/errors.ts EXIT codes (docs/abi.md, "zkc run").

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadElf, execute, ElfError, ExecError, platform } from '../index.ts';
import type { ExecResult } from '../index.ts';
import { UsageError } from './errors.ts';

interface RunOptions {
  input?: string;
  maxCycles?: string;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('execute an RV32IM ELF (fast mode, no proof)')
    .argument('<elf>', 'guest ELF file')
    .option('-i, --input <file>', 'private input bytes (read from fd 0)')
    .option('--max-cycles <n>', 'instruction budget (default 2^26)')
    .option('--json', 'print one JSON object on stdout instead of the human summary')
    .action((elfPath: string, opts: RunOptions) => runCommand(elfPath, opts));
}

function runCommand(elfPath: string, opts: RunOptions): void {
  const json = opts.json === true;
  const maxCycles = opts.maxCycles === undefined ? undefined : parseMaxCycles(opts.maxCycles);
  const elfBytes = readFileArg(elfPath, 'ELF');
  const input = opts.input === undefined ? undefined : readFileArg(opts.input, 'input');
  let result: ExecResult;
  const start = performance.now();
  try {
    const program = loadElf(elfBytes);
    result = execute(program, {
      input,
      maxCycles,
      // With --json stdout carries only the JSON object, so guest output is returned inside it.
      onStdout: json ? undefined : (bytes) => process.stdout.write(bytes),
      onStderr: json ? undefined : (bytes) => process.stderr.write(bytes),
    });
  } catch (err) {
    if (json && (err instanceof ElfError || err instanceof ExecError)) {
      process.stdout.write(JSON.stringify({ error: errorJson(err) }) + '\n');
    }
    throw err; // main.ts prints `zkc: error: …` and exits with the mapped status
  }
  const wallMs = performance.now() - start;
  const mips = wallMs > 0 ? result.cycles / wallMs / 1000 : 0;
  const journalText = printableText(result.journal);
  if (json) {
    const summary = {
      exitCode: result.exitCode,
      journalHex: Buffer.from(result.journal).toString('hex'),
      journalText,
      cycles: result.cycles,
      wallMs: round(wallMs, 3),
      mips: round(mips, 2),
      stdout: Buffer.from(result.stdout).toString('utf8'),
      stderr: Buffer.from(result.stderr).toString('utf8'),
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    const lines = [
      `exit code: ${result.exitCode}`,
      `journal:   ${result.journal.length} bytes${result.journal.length > 0 ? ' ' + Buffer.from(result.journal).toString('hex') : ''}`,
    ];
    if (journalText !== null && journalText.length > 0) lines.push(`           ${JSON.stringify(journalText)}`);
    lines.push(`cycles:    ${result.cycles}`, `time:      ${wallMs.toFixed(1)} ms (${mips.toFixed(1)} MIPS)`);
    process.stderr.write(lines.join('\n') + '\n');
  }
  // Like a Linux process: only the low 8 bits of the exit code survive.
  process.exitCode = result.exitCode & 0xff;
}

function parseMaxCycles(text: string): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > platform.MAX_CYCLES_LIMIT) {
    throw new UsageError(`--max-cycles must be an integer in [1, ${platform.MAX_CYCLES_LIMIT}], got '${text}'`);
  }
  return n;
}

function readFileArg(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`cannot read ${what} file '${path}': ${reason}`);
  }
}

function errorJson(err: ElfError | ExecError): Record<string, unknown> {
  if (err instanceof ElfError) return { kind: 'elf', code: err.code, message: err.message };
  return { kind: 'exec', code: err.code, message: err.message, pc: err.pc, instr: err.instr ?? null, cycle: err.cycle };
}

/** The journal as text when it is valid UTF-8 without control characters (other than \t \n \r); else null. */
function printableText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
