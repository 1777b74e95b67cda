// Runs an RV32 ELF under qemu-riscv32 (user mode) the way zkc runs it: stdin = private input,
// fd 1/2 = stdout/stderr, fd 3 = journal (a pipe). Used as the reference in differential tests.

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { qemuPath } from './toolchain.ts';

export interface QemuResult {
  /** Guest exit code, or null when qemu died from a signal (e.g. SIGILL/SIGSEGV in the guest). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  journal: Uint8Array;
}

function collect(stream: Readable | null | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (stream == null) return resolve(new Uint8Array(0));
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    stream.on('error', reject);
  });
}

/**
 * Runs `elfPath` under qemu-riscv32; kills it after `timeoutMs` (then rejects).
 * The file must be executable (mode +x): qemu-user otherwise exits 1 silently, like a guest exit(1).
 */
export async function runQemu(elfPath: string, input: Uint8Array = new Uint8Array(0), timeoutMs = 20_000): Promise<QemuResult> {
  if (qemuPath === undefined) throw new Error('qemu-riscv32 not found');
  const child = spawn(qemuPath, [elfPath], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // A guest may exit before reading all its input: ignore the resulting EPIPE.
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  const [stdout, stderr, journal, status] = await Promise.all([
    collect(child.stdout),
    collect(child.stderr),
    collect(child.stdio[3] as Readable),
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    }),
  ]);
  clearTimeout(timer);
  if (status.signal === 'SIGKILL') throw new Error(`qemu timed out after ${timeoutMs} ms on ${elfPath}`);
  return { exitCode: status.code, signal: status.signal, stdout, stderr, journal };
}

/** Maps `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
