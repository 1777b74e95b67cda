/**
 * The verifier's constraint evaluator: every node of the flat program at one out-of-domain point ζ, in the
 * extension field (Plonky3 uni-stark/src/folder.rs, VerifierConstraintFolder). Base-field inputs (public
 * values) are embedded; trace inputs are the opened values at ζ (local) and ζ·ω (next).
 */
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { OP_ADD, OP_CONST, OP_MUL, OP_NEG, OP_SUB, OP_VAR, SOURCES, type FlatProgram } from '../expr.ts';

export interface PointWindow {
  readonly local: readonly Ext4[];
  readonly next: readonly Ext4[];
}

export interface PointInputs {
  readonly main: PointWindow;
  readonly prep: PointWindow;
  /** Extension columns already recombined from their 4 base-column openings. */
  readonly aux: PointWindow;
  readonly selectors: readonly [Ext4, Ext4, Ext4];
  readonly publicValues: readonly number[];
  /** LogUp challenges [α_0, γ_0, α_1, γ_1, …] (`logupChallenge` in expr.ts). */
  readonly challenges: readonly Ext4[];
  /** The table's claimed sums, one per LogUp repetition (`claimedSum` variable r). */
  readonly claimedSums: readonly Ext4[];
}

function readVar(inputs: PointInputs, source: string, index: number, next: boolean): Ext4 {
  const win = (w: PointWindow) => {
    const xs = next ? w.next : w.local;
    if (index >= xs.length) throw new RangeError(`${source} column ${index} was not opened`);
    return xs[index];
  };
  switch (source) {
    case 'main':
      return win(inputs.main);
    case 'prep':
      return win(inputs.prep);
    case 'aux':
      return win(inputs.aux);
    case 'public':
      return ext.fromBase(inputs.publicValues[index]);
    case 'selector':
      return inputs.selectors[index];
    case 'challenge':
    case 'claimedSum': {
      const xs = source === 'challenge' ? inputs.challenges : inputs.claimedSums;
      if (index >= xs.length) throw new RangeError(`${source} ${index} was not given`);
      return xs[index];
    }
  }
  throw new RangeError(`unknown variable source ${source}`);
}

/** The value of every root at the point. */
export function evaluateAtPoint(program: FlatProgram, inputs: PointInputs): Ext4[] {
  const vals: Ext4[] = new Array(program.nodes.length);
  program.nodes.forEach((n, k) => {
    switch (n.op) {
      case OP_CONST:
        vals[k] = ext.fromBase(n.value);
        return;
      case OP_VAR:
        vals[k] = readVar(inputs, SOURCES[n.source], n.value, n.next);
        return;
      case OP_ADD:
        vals[k] = ext.add(vals[n.a], vals[n.b]);
        return;
      case OP_SUB:
        vals[k] = ext.sub(vals[n.a], vals[n.b]);
        return;
      case OP_MUL:
        vals[k] = ext.mul(vals[n.a], vals[n.b]);
        return;
      case OP_NEG:
        vals[k] = ext.neg(vals[n.a]);
        return;
    }
    throw new RangeError(`unknown op ${n.op}`);
  });
  return program.roots.map((r) => vals[r]);
}

/** Σ_k α^k·c_k, by Horner from the last constraint. */
export function combineConstraints(values: readonly Ext4[], alpha: Ext4): Ext4 {
  let acc: Ext4 = ext.ZERO;
  for (let k = values.length - 1; k >= 0; k--) acc = ext.add(ext.mul(acc, alpha), values[k]);
  return acc;
}
