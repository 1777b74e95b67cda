/**
 * Executor benchmark: fast and trace mode MIPS on the ≥ 50M-instruction `bench-loop` guest, the same guest
 * under qemu-riscv32 in the same run (a JIT: a ceiling, not a peer), and trace bytes per cycle.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadElf, execute, executeWithTrace } from '../src/index.ts';
import type { BenchRow } from './table.ts';

const ELF = new URL('../guests/examples/bench-loop.elf', import.meta.url).pathname;
const ITERATIONS = 3_000_000;

function u32le(x: number): Uint8Array {
  return new Uint8Array(new Uint32Array([x]).buffer);
}

function traceBytes(trace: object): number {
  let bytes = 0;
  for (const value of Object.values(trace)) {
    if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    else if (value && typeof value === 'object') bytes += traceBytes(value);
  }
  return bytes;
}

export async function runExecutorBench(): Promise<BenchRow[]> {
  const program = loadElf(readFileSync(ELF));
  const input = u32le(ITERATIONS);
  const maxCycles = 2 ** 31 - 1;

  execute(program, { input: u32le(10_000), maxCycles }); // warm-up: JIT the interpreter loop
  const t0 = performance.now();
  const fast = execute(program, { input, maxCycles });
  const fastMs = performance.now() - t0;

  const t1 = performance.now();
  const traced = executeWithTrace(program, { input, maxCycles });
  const traceMs = performance.now() - t1;
  if (traced.result.cycles !== fast.cycles) throw new Error('bench: fast and trace mode disagree on cycles');

  const cycles = fast.cycles;
  const rows: BenchRow[] = [
    { part: 'executor', metric: 'bench-loop cycles', value: cycles / 1e6, unit: 'M', target: '≥ 50M' },
    { part: 'executor', metric: 'fast mode', value: cycles / fastMs / 1e3, unit: 'MIPS', target: '≥ 100' },
    { part: 'executor', metric: 'trace mode', value: cycles / traceMs / 1e3, unit: 'MIPS', target: '≥ 30' },
    { part: 'executor', metric: 'trace size', value: traceBytes(traced.trace) / cycles, unit: 'B/cycle' },
  ];

  const qemu = spawnSync('qemu-riscv32', [ELF], { input, stdio: ['pipe', 'ignore', 'ignore'] });
  if (qemu.error) {
    console.warn('bench: qemu-riscv32 not found; skipping the qemu comparison (apt-get install qemu-user)');
  } else {
    const q0 = performance.now();
    spawnSync('qemu-riscv32', [ELF], { input, stdio: ['pipe', 'ignore', 'ignore'] });
    const qemuMs = performance.now() - q0;
    rows.push(
      { part: 'executor', metric: 'qemu-riscv32 (JIT)', value: cycles / qemuMs / 1e3, unit: 'MIPS', note: 'same guest, same run' },
      { part: 'executor', metric: 'fast mode / qemu', value: qemuMs / fastMs, unit: '×' },
    );
  }
  return rows;
}
