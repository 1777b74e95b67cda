/**
 * LogUp (Haböck 2022, "Multivariate lookups based on logarithmic derivatives"), as in docs/stark.md:
 * message_r(bus, f) = α_r − (bus + Σ_j γ_r^{j+1}·f_j); for each repetition r < R (independent α_r, γ_r), each
 * table's auxiliary trace holds, per group of ≤ 2 interactions, h = Σ m_i / message_i, plus a running sum
 * whose last row is the table's claimed sum for r. The buses balance iff, for every r, Σ over tables of the
 * claimed sums is 0 (a false claim passes one r with probability ≤ D/|F_p^4|, D the cleared identity's
 * degree, and all R with (D/|F_p^4|)^R: docs/security.md).
 */
import type { Interaction } from './air.ts';
import {
  Expr,
  flatten,
  sum,
  logupChallenge,
  SEL_FIRST_ROW,
  SEL_LAST_ROW,
  SEL_TRANSITION,
} from './expr.ts';
import { InputError } from './errors.ts';
import { reduce } from './field/babybear.ts';
import { powers as extPowers, type Ext4 } from './field/ext4.ts';
import { matrix, type Matrix } from './matrix.ts';
import { CHUNK_SIZE, forEachChunk, type RowEnv } from './builders/rows.ts';
import { MAX_SUM_TERMS, extBatchInverseLanes, reduceSum } from './builders/lanes.ts';
import { logupChunkKernel, runningSumOnKernel } from './kernels/quotient-logup.ts';

const P = 0x78000001;

/**
 * Adds every bus used by these interactions to `registry` (bus id → arity, i.e. number of fields, shared by
 * all tables of a system), or throws if a bus is used with two arities.
 */
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

/** The message α_r − (bus + Σ_j γ_r^{j+1}·f_j) of one interaction in repetition r, symbolically. */
function message(it: Interaction, r: number): Expr {
  const alpha = Expr.variable('challenge', logupChallenge(r, 'alpha'));
  const gamma = Expr.variable('challenge', logupChallenge(r, 'gamma'));
  let gammaPow = gamma;
  let combined = Expr.constant(it.bus);
  for (const f of it.fields) {
    combined = combined.add(gammaPow.mul(f));
    gammaPow = gammaPow.mul(gamma);
  }
  return alpha.sub(combined);
}

/**
 * The LogUp constraints of one table, repetition after repetition. Repetition r owns the aux extension
 * columns [r·(G + 1), (r + 1)·(G + 1)) for G = groups.length: column g of the block holds group g, column G
 * the running sum s: s_0 = Σ_g h_g(0), s_{i+1} = s_i + Σ_g h_g(i + 1), s_{n−1} = claimed sum r.
 */
export function lookupConstraints(interactions: readonly Interaction[], groups: readonly number[][], repetitions: number): Expr[] {
  if (interactions.length === 0) return [];
  const out: Expr[] = [];
  const isFirst = Expr.variable('selector', SEL_FIRST_ROW);
  const isLast = Expr.variable('selector', SEL_LAST_ROW);
  const isTransition = Expr.variable('selector', SEL_TRANSITION);
  for (let r = 0; r < repetitions; r++) {
    const base = r * (groups.length + 1);
    const hs: Expr[] = [];
    const hsNext: Expr[] = [];
    groups.forEach((g, col) => {
      const h = Expr.variable('aux', base + col);
      hs.push(h);
      hsNext.push(Expr.variable('aux', base + col, true));
      const [i1, i2] = g;
      const d1 = message(interactions[i1], r);
      const m1 = interactions[i1].multiplicity;
      if (i2 === undefined) {
        out.push(h.mul(d1).sub(m1));
      } else {
        const d2 = message(interactions[i2], r);
        const m2 = interactions[i2].multiplicity;
        out.push(h.mul(d1).mul(d2).sub(m1.mul(d2)).sub(m2.mul(d1)));
      }
    });
    const s = Expr.variable('aux', base + groups.length);
    const sNext = Expr.variable('aux', base + groups.length, true);
    out.push(isFirst.mul(s.sub(sum(hs))));
    out.push(isTransition.mul(sNext.sub(s).sub(sum(hsNext))));
    out.push(isLast.mul(s.sub(Expr.variable('claimedSum', r))));
  }
  return out;
}

/** Number of extension columns in a table's auxiliary trace (0 without interactions). */
export function auxExtWidth(numInteractions: number, groups: readonly number[][], repetitions: number): number {
  return numInteractions === 0 ? 0 : repetitions * (groups.length + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Auxiliary trace generation (prover), column-wise over chunks of rows: per chunk and repetition, every
// interaction's message α_r − (bus + Σ_j γ_r^{j+1}·f_j) is one unreduced sum per coordinate, all K·len messages
// are inverted with one F_p^4 inversion (Montgomery's trick on structure-of-arrays lanes), and h = Σ m/message
// is one more sum. The multiplicities and fields are evaluated once per chunk for all repetitions.

export interface AuxTrace {
  /** 4 base columns per extension column, height n; repetition r's block after those of 0..r−1. */
  readonly aux: Matrix;
  /** One per repetition (empty without interactions). */
  readonly claimedSums: Ext4[];
}

/**
 * Builds a table's auxiliary trace for `repetitions` LogUp repetitions. `env` evaluates on the trace itself
 * (length n, next = row i + 1 mod n); its challenges must be [α_0, γ_0, α_1, γ_1, …] (`logupChallenge`).
 * Messages, inversions, fractions and running sums run on the wasm SIMD kernel (kernels/quotient-logup.ts) where
 * it applies and `useKernel` allows; the TS lanes below are the reference it is tested against.
 */
export function generateAuxTrace(
  interactions: readonly Interaction[], groups: readonly number[][], repetitions: number, env: RowEnv, useKernel = true,
): AuxTrace {
  const n = env.length;
  const numCols = auxExtWidth(interactions.length, groups, repetitions);
  const aux = matrix(4 * numCols, n);
  if (numCols === 0) return { aux, claimedSums: [] };
  if (env.challenges.length < 2 * repetitions) {
    throw new RangeError(`LogUp: ${repetitions} repetitions need ${2 * repetitions} challenges, got ${env.challenges.length}`);
  }
  const maxArity = Math.max(...interactions.map((it) => it.fields.length));
  const alphas: Ext4[] = [];
  const gammaWords: Uint32Array[] = []; // per repetition: γ_r^{j+1}, j < maxArity, 4 words each
  for (let r = 0; r < repetitions; r++) {
    alphas.push(env.challenges[logupChallenge(r, 'alpha')]);
    const words = new Uint32Array(4 * maxArity);
    extPowers(env.challenges[logupChallenge(r, 'gamma')], maxArity + 1).slice(1).forEach((g, j) => words.set(g, 4 * j));
    gammaWords.push(words);
  }

  // Roots: per interaction, the multiplicity then the fields (all base-field expressions).
  const roots: Expr[] = [];
  const multRoot: number[] = [];
  const fieldRoots: number[][] = [];
  for (const it of interactions) {
    multRoot.push(roots.length);
    fieldRoots.push(it.fields.map((_, j) => roots.length + 1 + j));
    roots.push(it.multiplicity, ...it.fields);
  }
  const program = flatten(roots);
  program.roots.forEach((r, k) => {
    if (program.nodes[r].isExt) throw new RangeError(`LogUp: interaction expression ${k} is not a base-field expression`);
  });
  const K = interactions.length;
  const S = CHUNK_SIZE;
  const KS = K * S; // coordinate stride of the message lanes; lane k·len + i is interaction k on row start + i
  const messages = new Uint32Array(4 * KS);
  const scratch = new Uint32Array(4 * KS);
  const zeros = new Uint32Array(S);
  const av = aux.values;
  const blockCols = groups.length + 1; // extension columns per repetition
  const kernel = !useKernel ? null : logupChunkKernel(
    interactions.map((it) => it.fields.length), interactions.map((it) => reduce(it.bus)), groups, alphas,
    Array.from({ length: repetitions }, (_, r) => env.challenges[logupChallenge(r, 'gamma')]), n,
  );
  forEachChunk(program, env, ({ start, len, nodeValues }) => {
    const fields = fieldRoots.map((rs) => rs.map((root) => nodeValues[program.roots[root]]));
    if (kernel !== null) {
      kernel.chunk(fields, multRoot.map((root) => nodeValues[program.roots[root]]), start, len, av, n);
      return;
    }
    for (let r = 0; r < repetitions; r++) {
      for (let k = 0; k < K; k++) {
        messageLanes(fields[k], gammaWords[r], reduce(interactions[k].bus), alphas[r], messages, k * len, KS, len);
      }
      // Zero only if α_r equals some message: probability ≤ (rows × interactions)/|F_p^4| per proof.
      if (!extBatchInverseLanes(messages, K * len, KS, scratch)) {
        throw new RangeError('LogUp: a message is zero (the challenge α collided with a message)');
      }
      groups.forEach((g, col) => {
        const [k1, k2] = g;
        const m1 = nodeValues[program.roots[multRoot[k1]]];
        // A single interaction pairs with multiplicity 0 (an all-zero chunk-sized lane array).
        const m2 = k2 === undefined ? zeros : nodeValues[program.roots[multRoot[k2]]];
        fractionSumLanes(m1, k1 * len, m2, (k2 ?? k1) * len, messages, KS, av, 4 * (r * blockCols + col) * n + start, n, len);
      });
    }
  });
  const claimedSums: Ext4[] = [];
  for (let r = 0; r < repetitions; r++) {
    const kernelSum = useKernel ? runningSumOnKernel(av, r * blockCols, groups.length, n) : null;
    claimedSums.push(kernelSum ?? runningSum(av, r * blockCols, groups.length, n));
  }
  return { aux, claimedSums };
}

/**
 * Fills the running-sum column base + G from the G group columns before it, coordinate by coordinate:
 * s_i = s_{i−1} + Σ_g h_g(i); returns s_{n−1}, the claimed sum.
 */
function runningSum(av: Uint32Array, base: number, G: number, n: number): Ext4 {
  const claimedSum: number[] = [];
  for (let c = 0; c < 4; c++) {
    const s = av.subarray((4 * (base + G) + c) * n, (4 * (base + G) + c + 1) * n);
    for (let g = 0; g < G; g++) {
      const h = av.subarray((4 * (base + g) + c) * n, (4 * (base + g) + c + 1) * n);
      for (let i = 0; i < n; i++) {
        const x = s[i] + h[i] - P;
        s[i] = x + ((x >> 31) & P);
      }
    }
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const x = acc + s[i] - P;
      acc = x + ((x >> 31) & P);
      s[i] = acc;
    }
    claimedSum.push(acc);
  }
  return [claimedSum[0], claimedSum[1], claimedSum[2], claimedSum[3]];
}

/**
 * out lane `off` + i ← α − (bus + Σ_j γ^{j+1}·f_j[i]): per coordinate one unreduced sum (bus, then one product
 * per field), reduced once; longer than MAX_SUM_TERMS − 1 fields, the sum is reduced every that many.
 */
function messageLanes(fields: Uint32Array[], gamma: Uint32Array, bus: number, alpha: Ext4, out: Uint32Array, off: number, KS: number, len: number): void {
  const [a0, a1, a2, a3] = alpha;
  const arity = fields.length;
  const o0 = off, o1 = KS + off, o2 = 2 * KS + off, o3 = 3 * KS + off;
  for (let i = 0; i < len; i++) {
    let f0 = bus, f1 = 0, f2 = 0, f3 = 0;
    let l0 = bus, l1 = 0, l2 = 0, l3 = 0;
    for (let j = 0; j < arity; j++) {
      const x = fields[j][i];
      const g = 4 * j;
      const g0 = gamma[g], g1 = gamma[g + 1], g2 = gamma[g + 2], g3 = gamma[g + 3];
      f0 += x * g0; f1 += x * g1; f2 += x * g2; f3 += x * g3;
      l0 = (l0 + Math.imul(x, g0)) | 0; l1 = (l1 + Math.imul(x, g1)) | 0;
      l2 = (l2 + Math.imul(x, g2)) | 0; l3 = (l3 + Math.imul(x, g3)) | 0;
      if ((j + 1) % (MAX_SUM_TERMS - 1) === 0) {
        f0 = l0 = reduceSum(f0, l0); f1 = l1 = reduceSum(f1, l1);
        f2 = l2 = reduceSum(f2, l2); f3 = l3 = reduceSum(f3, l3);
      }
    }
    const d0 = a0 - reduceSum(f0, l0), d1 = a1 - reduceSum(f1, l1), d2 = a2 - reduceSum(f2, l2), d3 = a3 - reduceSum(f3, l3);
    out[o0 + i] = d0 + ((d0 >> 31) & P);
    out[o1 + i] = d1 + ((d1 >> 31) & P);
    out[o2 + i] = d2 + ((d2 >> 31) & P);
    out[o3 + i] = d3 + ((d3 >> 31) & P);
  }
}

/** h = m1·(1/d1) + m2·(1/d2) per coordinate, written to 4 consecutive columns of height n from `out`. */
function fractionSumLanes(m1: Uint32Array, off1: number, m2: Uint32Array, off2: number, inv: Uint32Array, KS: number, out: Uint32Array, outOff: number, n: number, len: number): void {
  for (let c = 0; c < 4; c++) {
    const i1 = c * KS + off1, i2 = c * KS + off2, o = outOff + c * n;
    for (let i = 0; i < len; i++) {
      const x = m1[i], y = m2[i], u = inv[i1 + i], v = inv[i2 + i];
      out[o + i] = reduceSum(x * u + y * v, Math.imul(x, u) + Math.imul(y, v));
    }
  }
}
