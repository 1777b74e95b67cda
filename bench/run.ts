/**
 * `npm run bench [-- part…]`: runs the benchmark parts (default: all), prints one table, and writes
 * bench/results.json. Ratios are measured within one run because this machine is shared and noisy.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { BenchRow } from './table.ts';
import { printTable } from './table.ts';

const PARTS: Record<string, () => Promise<BenchRow[]>> = {
  executor: async () => (await import('./executor.ts')).runExecutorBench(),
  primitives: async () => (await import('./primitives.ts')).runPrimitivesBench(),
  stark: async () => (await import('./stark.ts')).runStarkBench(),
};

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = requested.length > 0 ? requested : Object.keys(PARTS);
const rows: BenchRow[] = [];
for (const name of names) {
  const part = PARTS[name];
  if (!part) {
    console.error(`bench: unknown part "${name}" (parts: ${Object.keys(PARTS).join(', ')})`);
    process.exit(2);
  }
  console.error(`bench: running ${name}…`);
  rows.push(...(await part()));
}

printTable(rows);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  loadavg: os.loadavg(),
  rows,
};
const out = new URL('./results.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.error(`bench: wrote ${out.pathname}`);
