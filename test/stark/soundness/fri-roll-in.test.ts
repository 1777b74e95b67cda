// Roll-in randomness (Plonky3 GHSA-f69f-5fx9-w9r9, OpenVM GHSA-4w7p-8f9q-f4g2): a smaller codeword joins
// FRI as folded + γ·input. If γ were 1, or anything the prover knew when committing (e.g. the layer's β),
// two far-from-low-degree inputs could cancel: here fold(f0) = g (or β·g) for EVERY β, and f1 = −g.
// Only a fresh γ, drawn after the layer root, leaves (1 − γ)·g (or (β − γ)·g), which FRI rejects: both for
// the honest prover on these inputs and for a cheater that folds with the cancelling coefficient and
// commits the all-zero codeword from then on (with γ := 1 in the verifier, that cheater is accepted).
import { describe, expect, it } from 'vitest';
import { P, mul, twoAdicGenerator } from '../../../src/stark/field/babybear.ts';
import * as ext from '../../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../../src/stark/field/ext4.ts';
import { bitReverse, matrix, type Matrix } from '../../../src/stark/matrix.ts';
import { merkleCommit } from '../../../src/stark/merkle.ts';
import { Transcript } from '../../../src/stark/transcript.ts';
import type { FriParams } from '../../../src/stark/fri/params.ts';
import { foldCodeword } from '../../../src/stark/fri/fold.ts';
import { friProve, friQueryPhase, type FriInput } from '../../../src/stark/fri/prover.ts';
import type { FriProof } from '../../../src/stark/fri/proof.ts';
import { FRI_LABELS, friSchedule } from '../../../src/stark/fri/schedule.ts';
import type { MerkleTree } from '../../../src/stark/merkle.ts';
import { friVerify } from '../../../src/stark/fri/verifier.ts';
import { rejectionCode } from './reject.ts';

const SEED = 0xf41_2011;
const PARAMS: FriParams = { logBlowup: 2, numQueries: 8, queryPowBits: 0, logFinalPolyLen: 1, logFoldingArity: 2 };
const [TOP, ARITY] = [9, PARAMS.logFoldingArity];
const SMALL = TOP - ARITY; // rolled in right after the first fold

function randomCodeword(logHeight: number, seed: number): Uint32Array {
  let s = seed >>> 0 || 1;
  const out = new Uint32Array(4 << logHeight);
  for (let i = 0; i < out.length; ) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const x = s & 0x7fffffff;
    if (x < P) out[i++] = x;
  }
  return out;
}

/** Entry i of a bit-reversed codeword of size 2^TOP sits at x_i = ω^{bitrev(i)}; x_i^{2^ARITY} is entry i >> ARITY of size 2^SMALL. */
function liftedInputs(g: Uint32Array, timesX: boolean): FriInput[] {
  const omega = twoAdicGenerator(TOP);
  const f0 = new Uint32Array(4 << TOP);
  for (let i = 0; i < 1 << TOP; i++) {
    let v = ext.load(g, i >> ARITY);
    if (timesX) v = ext.mulBase(v, powBase(omega, bitReverse(i, TOP)));
    ext.store(f0, i, v);
  }
  const f1 = new Uint32Array(g.length);
  for (let i = 0; i < 1 << SMALL; i++) ext.store(f1, i, ext.neg(ext.load(g, i)));
  return [{ logHeight: TOP, values: f0 }, { logHeight: SMALL, values: f1 }];
}

function powBase(x: number, e: number): number {
  let r = 1;
  for (let b = x; e > 0; e >>>= 1, b = mul(b, b)) if (e & 1) r = mul(r, b);
  return r;
}

/** A layer's leaf row j holds the 2^logArity consecutive entries of coset j (fri/prover.ts layout). */
function layerMatrix(values: Uint32Array, logHeight: number, logArity: number): Matrix {
  const [width, height] = [4 << logArity, 1 << (logHeight - logArity)];
  const m = matrix(width, height);
  for (let j = 0; j < height; j++) for (let c = 0; c < width; c++) m.values[c * height + j] = values[j * width + c];
  return m;
}

/** The cheater: same transcript as the honest prover, but rolls in with coefficient c(β) instead of γ. */
function cheatingProve(inputs: FriInput[], c: (beta: Ext4) => Ext4): FriProof {
  const transcript = new Transcript('roll-in');
  const schedule = friSchedule(inputs.map((x) => x.logHeight), PARAMS);
  const trees: MerkleTree[] = [];
  let current = inputs[0].values;
  for (const layer of schedule.layers) {
    const tree = merkleCommit([layerMatrix(current, layer.logHeight, layer.logArity)]);
    trees.push(tree);
    transcript.absorbDigest(FRI_LABELS.layerRoot, tree.root);
    const beta = transcript.sampleExt(FRI_LABELS.beta);
    current = foldCodeword(current, layer.logHeight, layer.logArity, beta);
    if (layer.rollIn >= 0) {
      transcript.sampleExt(FRI_LABELS.rollIn); // drawn to keep the transcript in step, then ignored
      const rolled = inputs[layer.rollIn].values;
      for (let i = 0; i < rolled.length >> 2; i++) ext.store(current, i, ext.add(ext.load(current, i), ext.mul(c(beta), ext.load(rolled, i))));
    }
  }
  const finalPoly = Array.from({ length: schedule.finalPolyLen }, () => ext.ZERO); // the codeword is now 0
  return friQueryPhase({ schedule, trees, finalCodeword: current }, finalPoly, transcript, PARAMS).proof;
}

function verifyProof(proof: FriProof, inputs: FriInput[]): void {
  const open = (indices: readonly number[]): Ext4[][] =>
    indices.map((i) => inputs.map((x) => ext.load(x.values, i >>> (TOP - x.logHeight))));
  friVerify(proof, inputs.map((x) => x.logHeight), new Transcript('roll-in'), PARAMS, open);
}

const honestProof = (inputs: FriInput[]) => friProve(inputs, new Transcript('roll-in'), PARAMS).proof;

/** fold(f0) + c·f1 for an arbitrary β: all zeros means the cancellation works whatever β the verifier draws. */
function cancels(inputs: FriInput[], c: (beta: Ext4) => Ext4): boolean {
  const beta: Ext4 = [12345, 678, 9, 1011];
  const folded = foldCodeword(inputs[0].values, TOP, ARITY, beta);
  for (let i = 0; i < 1 << SMALL; i++) {
    if (!ext.isZero(ext.add(ext.load(folded, i), ext.mul(c(beta), ext.load(inputs[1].values, i))))) return false;
  }
  return true;
}

describe('FRI roll-in randomness', () => {
  it('the schedule rolls the small input in right after the first full-arity fold', () => {
    expect(friSchedule([TOP, SMALL], PARAMS).layers[0]).toEqual({ logHeight: TOP, logArity: ARITY, rollIn: 1 });
  });

  it('unscaled roll-in would cancel f0 = g(X^4) against f1 = −g; a fresh γ does not → rejected', () => {
    const inputs = liftedInputs(randomCodeword(SMALL, SEED), false);
    expect(cancels(inputs, () => ext.ONE)).toBe(true);
    expect(rejectionCode(() => verifyProof(cheatingProve(inputs, () => ext.ONE), inputs))).toBe('fri-fold-mismatch');
    expect(rejectionCode(() => verifyProof(honestProof(inputs), inputs))).toBe('fri-final-poly-mismatch');
  });

  it('roll-in scaled by the layer\'s β would cancel f0 = X·g(X^4) against f1 = −g; a fresh γ does not → rejected', () => {
    const inputs = liftedInputs(randomCodeword(SMALL, SEED + 1), true);
    expect(cancels(inputs, (beta) => beta)).toBe(true);
    expect(rejectionCode(() => verifyProof(cheatingProve(inputs, (beta) => beta), inputs))).toBe('fri-fold-mismatch');
    expect(rejectionCode(() => verifyProof(honestProof(inputs), inputs))).toBe('fri-final-poly-mismatch');
  });
});
