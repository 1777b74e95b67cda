/**
 * LogUp (Haböck 2022, "Multivariate lookups based on logarithmic derivatives"), as in docs/stark.md:
 * message(bus, f) = α − (bus + Σ_j γ^{j+1}·f_j); each table's auxiliary trace holds, per group of ≤ 2
 * interactions, h = Σ m_i / message_i, plus a running sum whose last row is the table's claimed sum.
 * The buses balance iff Σ over tables of the claimed sums is 0 (except with probability ≈ total
 * interactions / |F_p^4| over α).
 */
import type { Interaction } from './air.ts';
import {
  Expr,
  flatten,
  sum,
  CHALLENGE_LOGUP_ALPHA,
  CHALLENGE_LOGUP_GAMMA,
  SEL_FIRST_ROW,
  SEL_LAST_ROW,
  SEL_TRANSITION,
} from './expr.ts';
import { InputError } from './errors.ts';
import { P as FIELD_P } from './field/babybear.ts';
import { inv as extInv, type Ext4 } from './field/ext4.ts';
import { mulFast } from './ntt-reference.ts';
import { matrix, type Matrix } from './matrix.ts';
import { forEachChunk, type RowEnv } from './builders/rows.ts';

// A module-level alias: calls through an imported binding cost a getter per call under tsx's CJS interop (measured).
const mul = mulFast;
const P = FIELD_P;

/** Bus id → arity (number of fields). Fixed for the whole system, recorded in the verifying key. */
export type BusRegistry = ReadonlyMap<number, number>;

/** Adds every bus used by these interactions to `registry`, or throws if a bus is used with two arities. */
export function registerBuses(tableName: string, interactions: readonly Interaction[], registry: Map<number, number>): void {
  for (const it of interactions) {
    const arity = registry.get(it.bus);
    if (arity === undefined) registry.set(it.bus, it.fields.length);
    else if (arity !== it.fields.length) {
      throw new InputError(
        'bus-arity-mismatch',
        `${tableName}: bus ${it.bus} is used with ${it.fields.length} fields, but its arity is ${arity}`,
      );
    }
  }
}

function denominatorDegree(it: Interaction): number {
  return Math.max(0, ...it.fields.map((f) => f.degree));
}

/**
 * Groups interactions into auxiliary columns: two per column when the column's constraint
 * h·d1·d2 − m1·d2 − m2·d1 stays within maxDegree, else one (h·d1 − m1).
 */
export function packInteractions(tableName: string, interactions: readonly Interaction[], maxDegree: number): number[][] {
  const groups: number[][] = [];
  const single = (i: number) => Math.max(1 + denominatorDegree(interactions[i]), interactions[i].multiplicity.degree);
  for (let i = 0; i < interactions.length; ) {
    if (single(i) > maxDegree) {
      throw new InputError(
        'constraint-degree-too-high',
        `${tableName}: interaction ${i} needs a LogUp constraint of degree ${single(i)} > ${maxDegree}`,
      );
    }
    if (i + 1 < interactions.length) {
      const [a, b] = [interactions[i], interactions[i + 1]];
      const [da, db] = [denominatorDegree(a), denominatorDegree(b)];
      const pair = Math.max(1 + da + db, a.multiplicity.degree + db, b.multiplicity.degree + da);
      if (pair <= maxDegree) {
        groups.push([i, i + 1]);
        i += 2;
        continue;
      }
    }
    groups.push([i]);
    i += 1;
  }
  return groups;
}

/** The message α − (bus + Σ_j γ^{j+1}·f_j) of one interaction, symbolically. */
function message(it: Interaction): Expr {
  const alpha = Expr.variable('challenge', CHALLENGE_LOGUP_ALPHA);
  const gamma = Expr.variable('challenge', CHALLENGE_LOGUP_GAMMA);
  let gammaPow = gamma;
  let combined = Expr.constant(it.bus);
  for (const f of it.fields) {
    combined = combined.add(gammaPow.mul(f));
    gammaPow = gammaPow.mul(gamma);
  }
  return alpha.sub(combined);
}

/**
 * The LogUp constraints of one table; aux extension column g holds group g, column groups.length the running
 * sum s: s_0 = Σ_g h_g(0), s_{i+1} = s_i + Σ_g h_g(i + 1), s_{n−1} = claimed sum.
 */
export function lookupConstraints(interactions: readonly Interaction[], groups: readonly number[][]): Expr[] {
  if (interactions.length === 0) return [];
  const out: Expr[] = [];
  const hs: Expr[] = [];
  const hsNext: Expr[] = [];
  groups.forEach((g, col) => {
    const h = Expr.variable('aux', col);
    hs.push(h);
    hsNext.push(Expr.variable('aux', col, true));
    const [i1, i2] = g;
    const d1 = message(interactions[i1]);
    const m1 = interactions[i1].multiplicity;
    if (i2 === undefined) {
      out.push(h.mul(d1).sub(m1));
    } else {
      const d2 = message(interactions[i2]);
      const m2 = interactions[i2].multiplicity;
      out.push(h.mul(d1).mul(d2).sub(m1.mul(d2)).sub(m2.mul(d1)));
    }
  });
  const s = Expr.variable('aux', groups.length);
  const sNext = Expr.variable('aux', groups.length, true);
  const isFirst = Expr.variable('selector', SEL_FIRST_ROW);
  const isLast = Expr.variable('selector', SEL_LAST_ROW);
  const isTransition = Expr.variable('selector', SEL_TRANSITION);
  out.push(isFirst.mul(s.sub(sum(hs))));
  out.push(isTransition.mul(sNext.sub(s).sub(sum(hsNext))));
  out.push(isLast.mul(s.sub(Expr.variable('claimedSum', 0))));
  return out;
}

/** Number of extension columns in a table's auxiliary trace (0 without interactions). */
export function auxExtWidth(numInteractions: number, groups: readonly number[][]): number {
  return numInteractions === 0 ? 0 : groups.length + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Auxiliary trace generation (prover).

function extMulInto(o: Uint32Array, oi: number, a: Uint32Array, ai: number, b: Uint32Array, bi: number): void {
  const a0 = a[ai], a1 = a[ai + 1], a2 = a[ai + 2], a3 = a[ai + 3];
  const b0 = b[bi], b1 = b[bi + 1], b2 = b[bi + 2], b3 = b[bi + 3];
  const c0 = (mul(a0, b0) + mul(11, (mul(a1, b3) + mul(a2, b2) + mul(a3, b1)) % P)) % P;
  const c1 = (mul(a0, b1) + mul(a1, b0) + mul(11, (mul(a2, b3) + mul(a3, b2)) % P)) % P;
  const c2 = (mul(a0, b2) + mul(a1, b1) + mul(a2, b0) + mul(11, mul(a3, b3))) % P;
  const c3 = (mul(a0, b3) + mul(a1, b2) + mul(a2, b1) + mul(a3, b0)) % P;
  o[oi] = c0;
  o[oi + 1] = c1;
  o[oi + 2] = c2;
  o[oi + 3] = c3;
}

/** In place: xs[i] ← 1/xs[i] for packed extension elements (Montgomery's trick: one inversion in all). */
function extBatchInverse(xs: Uint32Array, count: number): void {
  const prefix = new Uint32Array(4 * count);
  const acc = new Uint32Array([1, 0, 0, 0]);
  for (let i = 0; i < count; i++) {
    prefix.set(acc, 4 * i);
    extMulInto(acc, 0, acc, 0, xs, 4 * i);
  }
  if (acc[0] === 0 && acc[1] === 0 && acc[2] === 0 && acc[3] === 0) {
    // Only if α equals some message: probability ≤ (rows × interactions)/|F_p^4| per proof.
    throw new RangeError('LogUp: a message is zero (the challenge α collided with a message)');
  }
  const accInv = new Uint32Array(extInv([acc[0], acc[1], acc[2], acc[3]]));
  const tmp = new Uint32Array(4);
  for (let i = count - 1; i >= 0; i--) {
    extMulInto(tmp, 0, prefix, 4 * i, accInv, 0); // 1/xs[i]
    extMulInto(accInv, 0, accInv, 0, xs, 4 * i); // 1/(xs[0]…xs[i−1])
    xs.set(tmp, 4 * i);
  }
}

export interface AuxTrace {
  /** 4 base columns per extension column, height n. */
  readonly aux: Matrix;
  readonly claimedSum: Ext4;
}

/**
 * Builds a table's auxiliary trace. `env` evaluates on the trace itself (length n, next = row i + 1 mod n);
 * its challenges must be [α, γ].
 */
export function generateAuxTrace(interactions: readonly Interaction[], groups: readonly number[][], env: RowEnv): AuxTrace {
  const n = env.length;
  const numCols = auxExtWidth(interactions.length, groups);
  const aux = matrix(4 * numCols, n);
  if (numCols === 0) return { aux, claimedSum: [0, 0, 0, 0] };
  const [alpha, gamma] = [env.challenges[CHALLENGE_LOGUP_ALPHA], env.challenges[CHALLENGE_LOGUP_GAMMA]];
  const maxArity = Math.max(...interactions.map((it) => it.fields.length));
  // γ^{j+1} for j < maxArity, packed.
  const gammaPows = new Uint32Array(4 * (maxArity + 1));
  gammaPows.set(gamma, 0);
  for (let j = 1; j <= maxArity; j++) extMulInto(gammaPows, 4 * j, gammaPows, 4 * (j - 1), gammaPows, 0);

  // Roots: per interaction, the multiplicity then the fields.
  const roots: Expr[] = [];
  const rootOf: { mult: number; fields: number[] }[] = [];
  for (const it of interactions) {
    rootOf.push({ mult: roots.length, fields: it.fields.map((_, j) => roots.length + 1 + j) });
    roots.push(it.multiplicity, ...it.fields);
  }
  const program = flatten(roots);
  const K = interactions.length;
  const av = aux.values;
  forEachChunk(program, env, ({ start, len, nodeValues }) => {
    const dens = new Uint32Array(4 * K * len);
    for (let k = 0; k < K; k++) {
      const bus = interactions[k].bus;
      const fieldVals = rootOf[k].fields.map((r) => nodeValues[program.roots[r]]);
      for (let i = 0; i < len; i++) {
        // combined = bus + Σ γ^{j+1} f_j ; den = α − combined
        let c0 = bus, c1 = 0, c2 = 0, c3 = 0;
        for (let j = 0; j < fieldVals.length; j++) {
          const f = fieldVals[j][i];
          c0 = (c0 + mul(gammaPows[4 * j], f)) % P;
          c1 = (c1 + mul(gammaPows[4 * j + 1], f)) % P;
          c2 = (c2 + mul(gammaPows[4 * j + 2], f)) % P;
          c3 = (c3 + mul(gammaPows[4 * j + 3], f)) % P;
        }
        const o = 4 * (k * len + i);
        dens[o] = (alpha[0] - c0 + P) % P;
        dens[o + 1] = (alpha[1] - c1 + P) % P;
        dens[o + 2] = (alpha[2] - c2 + P) % P;
        dens[o + 3] = (alpha[3] - c3 + P) % P;
      }
    }
    extBatchInverse(dens, K * len);
    groups.forEach((g, col) => {
      for (let i = 0; i < len; i++) {
        let h0 = 0, h1 = 0, h2 = 0, h3 = 0;
        for (const k of g) {
          const m = nodeValues[program.roots[rootOf[k].mult]][i];
          const o = 4 * (k * len + i);
          h0 = (h0 + mul(m, dens[o])) % P;
          h1 = (h1 + mul(m, dens[o + 1])) % P;
          h2 = (h2 + mul(m, dens[o + 2])) % P;
          h3 = (h3 + mul(m, dens[o + 3])) % P;
        }
        const row = start + i;
        av[(4 * col) * n + row] = h0;
        av[(4 * col + 1) * n + row] = h1;
        av[(4 * col + 2) * n + row] = h2;
        av[(4 * col + 3) * n + row] = h3;
      }
    });
  });
  // Running sum over rows.
  const sCol = 4 * groups.length;
  const acc = [0, 0, 0, 0];
  for (let row = 0; row < n; row++) {
    for (let c = 0; c < 4; c++) {
      let x = acc[c];
      for (let g = 0; g < groups.length; g++) x = (x + av[(4 * g + c) * n + row]) % P;
      acc[c] = x;
      av[(sCol + c) * n + row] = x;
    }
  }
  return { aux, claimedSum: [acc[0], acc[1], acc[2], acc[3]] };
}
