/** One benchmark figure, next to its target and (where one exists) the reference it is compared with. */
export interface BenchRow {
  part: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function printTable(rows: BenchRow[]): void {
  const cells = rows.map((r) => [r.part, r.metric, `${fmt(r.value)} ${r.unit}`, r.target ?? '', r.note ?? '']);
  const header = ['part', 'metric', 'value', 'target', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
}

/** Best wall time (ms) of `reps` runs after one warm-up. */
export function bestOf(reps: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
