/**
 * What the prover and verifier share besides the keys: transcript labels (docs/stark.md "Transcript" gives
 * their order), the out-of-domain point draw, the opening points of each commitment round and the
 * security context of a proof's shape.
 */
import * as ext from './field/ext4.ts';
import type { Ext4 } from './field/ext4.ts';
import { GENERATOR, pow, twoAdicGenerator } from './field/babybear.ts';
import type { Transcript } from './transcript.ts';
import type { SecurityContext } from './security.ts';
import type { VerifyingKey } from './keys.ts';

export const PROTOCOL_LABEL = 'zkc-stark-v1';

export const LABELS = {
  vkDigest: 'verifying-key',
  publicValues: 'public-values',
  logHeights: 'table-log-heights',
  mainRoot: 'main-root',
  logupAlpha: 'logup-alpha',
  logupGamma: 'logup-gamma',
  auxRoot: 'aux-root',
  claimedSums: 'claimed-sums',
  constraintAlpha: 'constraint-alpha',
  quotientRoot: 'quotient-root',
  zeta: 'zeta',
} as const;

/**
 * The LogUp challenges [α_0, γ_0, α_1, γ_1, …], R pairs in the order `logupChallenge` (expr.ts) indexes
 * them, each drawn under its own label (`logup-alpha-r`, `logup-gamma-r`). Soundness: every pair is a fresh
 * draw from the same transcript state plus the previous draws' frames, so the R Schwartz–Zippel tests are
 * independent and a false multiset passes all of them with probability ≤ (D/|F_p^4|)^R (security.ts).
 */
export function sampleLogupChallenges(transcript: Transcript, repetitions: number): Ext4[] {
  const out: Ext4[] = [];
  for (let r = 0; r < repetitions; r++) {
    out.push(transcript.sampleExt(`${LABELS.logupAlpha}-${r}`), transcript.sampleExt(`${LABELS.logupGamma}-${r}`));
  }
  return out;
}

/** The public values of all tables, in table order (each count is fixed by the verifying key). */
export function absorbPublicValues(transcript: Transcript, publicValues: readonly (readonly number[])[]): void {
  transcript.absorbU32s(LABELS.publicValues, publicValues.flat());
}

/**
 * ζ, redrawn while it lies in H_n (the selectors would divide by zero) or in the LDE coset s·H_N (the DEEP
 * quotients would): for the tallest table, which covers every smaller domain since H_{n'} ⊂ H_n.
 * Soundness: a random ζ hits one of these sets with probability ≤ 2N/|F_p^4|; the redraw is deterministic
 * from the transcript, so prover and verifier agree.
 */
export function sampleZeta(transcript: Transcript, logMaxHeight: number, logBlowup: number): Ext4 {
  const n = 2 ** logMaxHeight;
  const N = n * 2 ** logBlowup;
  const sN = ext.fromBase(pow(GENERATOR, N));
  for (;;) {
    const zeta = transcript.sampleExt(LABELS.zeta);
    if (!ext.equals(ext.pow(zeta, n), ext.ONE) && !ext.equals(ext.pow(zeta, N), sN)) return zeta;
  }
}

/** [ζ, ζ·ω_n]: the local and next-row opening points of a table of height 2^logN. */
export function localAndNext(zeta: Ext4, logN: number): Ext4[] {
  return [zeta, ext.mulBase(zeta, twoAdicGenerator(logN))];
}

/**
 * Extension columns are committed as 4 base columns (coordinate polynomials); at a point, the extension
 * value is Σ_c opened_c·x^c.
 */
export function recombineExt(opened: readonly Ext4[], numExt: number): Ext4[] {
  const out: Ext4[] = [];
  for (let e = 0; e < numExt; e++) {
    let acc: Ext4 = ext.ZERO;
    for (let c = 0; c < 4; c++) {
      const basis: [number, number, number, number] = [0, 0, 0, 0];
      basis[c] = 1;
      acc = ext.add(acc, ext.mul(opened[4 * e + c], basis));
    }
    out.push(acc);
  }
  return out;
}

/** Tables (indices) with preprocessed columns / with interactions, in table order: their commit order. */
export function prepTables(vk: VerifyingKey): number[] {
  return vk.tables.flatMap((t, i) => (t.prepWidth > 0 ? [i] : []));
}

export function auxTables(vk: VerifyingKey): number[] {
  return vk.tables.flatMap((t, i) => (t.numInteractions > 0 ? [i] : []));
}

/** Σ_tables height × interactions: each multiplicity counts at most once per row and interaction. */
export function totalInteractions(vk: VerifyingKey, logHeights: readonly number[]): number {
  return vk.tables.reduce((acc, t, i) => acc + 2 ** logHeights[i] * t.numInteractions, 0);
}

/** The security context of a proof of this shape (docs/security.md; security.ts). */
export function securityContext(vk: VerifyingKey, logHeights: readonly number[]): SecurityContext {
  const arity = new Map(vk.buses);
  let lookupDegreeBound = 0;
  vk.systems.forEach((s, i) => {
    for (const it of s.interactions) lookupDegreeBound += 2 ** logHeights[i] * (arity.get(it.bus)! + 1);
  });
  return {
    logTraceHeight: Math.max(...logHeights),
    extensionDegree: 4,
    maxConstraintDegree: Math.max(...vk.systems.map((s) => s.maxDegree)),
    numConstraints: vk.systems.reduce((acc, s) => acc + s.constraints.length, 0),
    numOpeningPoints: 2,
    lookupDegreeBound,
    hashCollisionBits: 128,
  };
}

/** Shape of each PCS round's opened values, in round order: [prep?], main, [aux?], quotient. */
export interface RoundShape {
  readonly kind: 'prep' | 'main' | 'aux' | 'quotient';
  readonly tables: readonly number[];
  /** Committed base columns per matrix. */
  readonly widths: readonly number[];
  readonly numPoints: number;
}

export function roundShapes(vk: VerifyingKey): RoundShape[] {
  const all = vk.tables.map((_, i) => i);
  const shapes: RoundShape[] = [];
  const prep = prepTables(vk);
  const aux = auxTables(vk);
  if (prep.length > 0) shapes.push({ kind: 'prep', tables: prep, widths: prep.map((t) => vk.tables[t].prepWidth), numPoints: 2 });
  shapes.push({ kind: 'main', tables: all, widths: all.map((t) => vk.tables[t].mainWidth), numPoints: 2 });
  if (aux.length > 0) shapes.push({ kind: 'aux', tables: aux, widths: aux.map((t) => 4 * vk.tables[t].auxWidth), numPoints: 2 });
  shapes.push({ kind: 'quotient', tables: all, widths: all.map((t) => 4 << vk.systems[t].logQuotientChunks), numPoints: 1 });
  return shapes;
}

/** The PCS dimensions of a round's matrices at the proof's table heights. */
export function roundDims(shape: RoundShape, logHeights: readonly number[]): { width: number; logTraceHeight: number }[] {
  return shape.tables.map((t, j) => ({ width: shape.widths[j], logTraceHeight: logHeights[t] }));
}
