/**
 * The shape of a FRI run, computed identically by prover and verifier from the parameters and the input
 * codeword heights (never from the proof). A layer folds by the configured arity, shortened so that
 * every smaller input is rolled in exactly when the folded codeword reaches its height.
 */
import { VerifyError } from '../errors.ts';
import { TWO_ADICITY } from '../field/babybear.ts';
import type { FriParams } from './params.ts';

/** Transcript labels of the FRI steps, shared by prover and verifier. */
export const FRI_LABELS = {
  layerRoot: 'fri-layer-root',
  beta: 'fri-beta',
  rollIn: 'fri-roll-in',
  finalPoly: 'fri-final-poly',
  pow: 'fri-query-pow',
  indices: 'fri-query-indices',
} as const;

export interface FriLayerShape {
  /** log2 size of the codeword this layer commits. */
  readonly logHeight: number;
  /** log2 of this layer's folding arity (leaf rows hold 2^logArity entries). */
  readonly logArity: number;
  /** Index of the input rolled in right after this fold (its height is logHeight − logArity), or −1. */
  readonly rollIn: number;
}

export interface FriSchedule {
  readonly logMaxHeight: number;
  /** Folding stops at this codeword size; the final polynomial has 2^(logFinalHeight − logBlowup) coefficients. */
  readonly logFinalHeight: number;
  readonly finalPolyLen: number;
  readonly layers: readonly FriLayerShape[];
}

/** inputLogHeights: the distinct codeword heights (log2), strictly descending, each ≥ logBlowup. */
export function friSchedule(inputLogHeights: readonly number[], params: FriParams): FriSchedule {
  const count = inputLogHeights.length;
  if (count === 0) throw new VerifyError('invalid-parameters', 'FRI needs at least one input codeword');
  for (let i = 0; i < count; i++) {
    const h = inputLogHeights[i];
    if (!Number.isInteger(h) || h < params.logBlowup || h > TWO_ADICITY) {
      throw new VerifyError('invalid-parameters', `FRI input ${i}: log height ${h} is outside [${params.logBlowup}, ${TWO_ADICITY}]`);
    }
    if (i > 0 && h >= inputLogHeights[i - 1]) {
      throw new VerifyError('invalid-parameters', `FRI inputs must have distinct heights in descending order, got ${inputLogHeights.join(', ')}`);
    }
  }
  const logMaxHeight = inputLogHeights[0];
  // A final polynomial longer than the smallest input's degree bound would leave that input unchecked.
  const logFinalHeight = Math.min(params.logBlowup + params.logFinalPolyLen, inputLogHeights[count - 1]);
  const layers: FriLayerShape[] = [];
  let current = logMaxHeight;
  let next = 1; // next input to roll in
  while (current > logFinalHeight) {
    const target = next < count ? inputLogHeights[next] : logFinalHeight;
    const logArity = Math.min(params.logFoldingArity, current - target);
    const folded = current - logArity;
    const rollIn = next < count && inputLogHeights[next] === folded ? next++ : -1;
    layers.push({ logHeight: current, logArity, rollIn });
    current = folded;
  }
  return { logMaxHeight, logFinalHeight, finalPolyLen: 1 << (logFinalHeight - params.logBlowup), layers };
}
