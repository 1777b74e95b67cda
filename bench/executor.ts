/**
 * Executor benchmark: fast and trace mode MIPS on the ≥ 50M-instruction `bench-loop` guest (trace mode both
 * as 2^20-cycle segments through reused buffers and as one whole trace), the same guest under qemu-riscv32
 * in the same run (a JIT: a ceiling, not a peer), and trace bytes per cycle.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadElf, execute, executeWithSegments, executeWithTrace } from '../src/index.ts';
import type { Program } from '../src/index.ts';
import type { BenchRow } from './table.ts';

const ELF = new URL('../guests/examples/bench-loop.elf', import.meta.url).pathname;
const ITERATIONS = 3_000_000;
const SEGMENT_CYCLES = 1 << 20;
/** Timed runs per fast/segmented figure; the best is reported (the machine is shared, 2 cores). */
const RUNS = 3;

/** Best (shortest) wall time of `runs` calls, and the last call's value. */
function bestOf<T>(runs: number, run: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value!: T;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    value = run();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value };
}

/** XOR-fold of a column into `acc`, position-mixed so that a dropped or reordered row changes it. */
function foldColumn(acc: number, column: Uint32Array): number {
  for (let k = 0; k < column.length; k++) acc = (Math.imul(acc, 0x9e3779b1) ^ column[k]!) | 0;
  return acc;
}

/** Segmented trace mode with a minimal real consumer: folds memValue, so every row is read. */
function runSegmented(program: Program, input: Uint8Array, maxCycles: number): { cycles: number; fold: number } {
  let fold = 0;
  const result = executeWithSegments(program, {
    input,
    maxCycles,
    segmentCycles: SEGMENT_CYCLES,
    onSegment: (segment) => (fold = foldColumn(fold, segment.memValue)),
  });
  return { cycles: result.cycles, fold };
}

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
  const { ms: fastMs, value: fast } = bestOf(RUNS, () => execute(program, { input, maxCycles }));

  runSegmented(program, u32le(10_000), maxCycles); // warm-up, and the segment buffers' first touch is part of each timed run
  const { ms: segmentedMs, value: segmented } = bestOf(RUNS, () => runSegmented(program, input, maxCycles));
  if (segmented.cycles !== fast.cycles) throw new Error('bench: fast and segmented trace mode disagree on cycles');

  const t1 = performance.now();
  const traced = executeWithTrace(program, { input, maxCycles });
  const traceMs = performance.now() - t1;
  if (traced.result.cycles !== fast.cycles) throw new Error('bench: fast and trace mode disagree on cycles');
  if (foldColumn(0, traced.trace.memValue) !== segmented.fold) throw new Error('bench: segmented and whole trace differ (memValue fold)');

  const cycles = fast.cycles;
  const rows: BenchRow[] = [
    { part: 'executor', metric: 'bench-loop cycles', value: cycles / 1e6, unit: 'M', target: '≥ 50M' },
    { part: 'executor', metric: 'fast mode', value: cycles / fastMs / 1e3, unit: 'MIPS', target: '≥ 100', note: `best of ${RUNS}` },
    {
      part: 'executor',
      metric: 'trace mode (2^20-cycle segments, reused buffers)',
      value: cycles / segmentedMs / 1e3,
      unit: 'MIPS',
      target: '≥ 30',
      note: `best of ${RUNS}; consumer XOR-folds memValue`,
    },
    { part: 'executor', metric: 'trace mode (whole trace)', value: cycles / traceMs / 1e3, unit: 'MIPS', note: 'one run; every trace page is fresh memory' },
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
