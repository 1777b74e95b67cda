/**
 * The debug checker (Plonky3 air/src/check_constraints.rs): evaluates every user constraint on every row of
 * the real trace and counts every bus message exactly, collecting EVERY failure. For tests and callers who
 * want a clear diagnosis before proving; the prover never calls it, so soundness tests can feed the real
 * prover a corrupted trace.
 */
import type { TableSystem } from '../constraint-system.ts';
import { flatten } from '../expr.ts';
import { P } from '../field/babybear.ts';
import { log2Exact, type Matrix } from '../matrix.ts';
import { forEachChunk, type RowEnv } from './rows.ts';
import { traceNextRows, traceSelectors } from './selectors.ts';

export interface ConstraintFailure {
  readonly table: string;
  readonly row: number;
  /** Index among the table's user constraints, in the order `eval` stated them. */
  readonly constraint: number;
  readonly value: number;
}

export interface BusImbalance {
  readonly bus: number;
  readonly fields: readonly number[];
  /** Net multiplicity (sends − receives) mod p; non-zero. */
  readonly multiplicity: number;
}

export interface DebugReport {
  readonly ok: boolean;
  readonly failures: readonly ConstraintFailure[];
  readonly imbalances: readonly BusImbalance[];
}

export interface DebugTable {
  readonly system: TableSystem;
  readonly main: Matrix;
  readonly prep?: Matrix;
  readonly publicValues: readonly number[];
}

function traceEnv(t: DebugTable): RowEnv {
  const n = t.main.height;
  const logN = log2Exact(n);
  return {
    length: n,
    main: t.main,
    prep: t.prep ?? null,
    aux: null,
    nextRow: traceNextRows(n),
    selectors: traceSelectors(logN),
    publicValues: t.publicValues,
    challenges: [],
    claimedSums: [],
  };
}

export function debugCheck(tables: readonly DebugTable[]): DebugReport {
  const failures: ConstraintFailure[] = [];
  const net = new Map<string, { bus: number; fields: number[]; multiplicity: number }>();
  for (const t of tables) {
    const { system } = t;
    const env = traceEnv(t);
    const user = system.constraints.slice(0, system.numUserConstraints);
    const roots = [...user];
    for (const it of system.interactions) roots.push(it.multiplicity, ...it.fields);
    const program = flatten(roots);
    const tableFailures: ConstraintFailure[] = [];
    forEachChunk(program, env, ({ start, len, nodeValues }) => {
      for (let k = 0; k < user.length; k++) {
        const v = nodeValues[program.roots[k]];
        for (let i = 0; i < len; i++) {
          if (v[i] !== 0) tableFailures.push({ table: system.name, row: start + i, constraint: k, value: v[i] });
        }
      }
      let r = user.length;
      for (const it of system.interactions) {
        const mult = nodeValues[program.roots[r]];
        const fieldVals = it.fields.map((_, j) => nodeValues[program.roots[r + 1 + j]]);
        r += 1 + it.fields.length;
        for (let i = 0; i < len; i++) {
          if (mult[i] === 0) continue;
          const fields = fieldVals.map((f) => f[i]);
          const key = `${it.bus}:${fields.join(',')}`;
          const entry = net.get(key) ?? { bus: it.bus, fields, multiplicity: 0 };
          entry.multiplicity = (entry.multiplicity + mult[i]) % P;
          net.set(key, entry);
        }
      }
    });
    failures.push(...tableFailures.sort((a, b) => a.row - b.row || a.constraint - b.constraint));
  }
  const imbalances = [...net.values()].filter((e) => e.multiplicity !== 0);
  return { ok: failures.length === 0 && imbalances.length === 0, failures, imbalances };
}
