/**
 * FRI verifier (Plonky3 `fri/src/verifier.rs` shape), replaying the prover's transcript in order (steps 1–5). Every
 * shape comes from the schedule the verifier computes from its own dims and parameters, never the proof.
 */
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { VerifyError } from '../errors.ts';
import { DIGEST_BYTES } from '../hash.ts';
import { merkleVerifyMany, sortedUnique } from '../merkle.ts';
import type { Transcript } from '../transcript.ts';
import { bitReverse } from '../matrix.ts';
import { foldCoset, powOmega } from './fold.ts';
import { validateFriParams } from './params.ts';
import type { FriParams } from './params.ts';
import type { FriProof } from './proof.ts';
import { FRI_LABELS, friSchedule } from './schedule.ts';

/**
 * Given the query indices (in the tallest domain), returns for each query the value of every input
 * codeword (descending heights) at that query, after checking those values against the caller's
 * commitments. Throws VerifyError.
 */
export type OpenInputs = (queryIndices: readonly number[]) => Ext4[][];

const shapeError = (msg: string) => new VerifyError('invalid-proof-shape', msg);

function fmt(e: Ext4): string {
  return `[${e.join(', ')}]`;
}

export function friVerify(
  proof: FriProof,
  inputLogHeights: readonly number[],
  transcript: Transcript,
  params: FriParams,
  openInputs: OpenInputs,
): void {
  validateFriParams(params);
  const schedule = friSchedule(inputLogHeights, params);
  const { layers, logMaxHeight, logFinalHeight } = schedule;
  if (![proof.layerRoots, proof.layerOpenings, proof.finalPoly].every(Array.isArray)) throw shapeError('FRI: layer roots, layer openings and final polynomial must be lists');
  if (proof.layerRoots.length !== layers.length) throw shapeError(`FRI: expected ${layers.length} layer roots, got ${proof.layerRoots.length}`);
  if (proof.layerOpenings.length !== layers.length) throw shapeError(`FRI: expected ${layers.length} layer openings, got ${proof.layerOpenings.length}`);
  proof.layerRoots.forEach((root, l) => {
    if (!(root instanceof Uint8Array) || root.length !== DIGEST_BYTES) throw shapeError(`FRI layer ${l} root is not a ${DIGEST_BYTES}-byte digest`);
  });
  proof.finalPoly.forEach((c, i) => {
    if (!Array.isArray(c) || !ext.isCanonicalExt(c)) throw shapeError(`FRI final polynomial coefficient ${i} is not a canonical extension element`);
  });
  if (proof.finalPoly.length !== schedule.finalPolyLen) {
    throw new VerifyError('fri-final-poly-degree', `FRI final polynomial has ${proof.finalPoly.length} coefficients, the degree bound allows ${schedule.finalPolyLen}`);
  }

  // 1. Commit phase: the same absorptions and draws as the prover.
  const betas: Ext4[] = [];
  const rollInFactors: (Ext4 | undefined)[] = [];
  for (let l = 0; l < layers.length; l++) {
    transcript.absorbDigest(FRI_LABELS.layerRoot, proof.layerRoots[l]);
    betas.push(transcript.sampleExt(FRI_LABELS.beta));
    rollInFactors.push(layers[l].rollIn >= 0 ? transcript.sampleExt(FRI_LABELS.rollIn) : undefined);
  }

  // 2. Final polynomial (its length was fixed above: that is the degree check).
  transcript.absorbExts(FRI_LABELS.finalPoly, proof.finalPoly);

  // 3. Query PoW, then the indices.
  if (!transcript.checkGrind(FRI_LABELS.pow, params.queryPowBits, proof.powNonce)) {
    throw new VerifyError('invalid-pow', `FRI query PoW nonce ${proof.powNonce} does not give ${params.queryPowBits} zero bits`);
  }
  const queryIndices = transcript.sampleIndices(FRI_LABELS.indices, params.numQueries, logMaxHeight);

  // 4. Openings: layer rows against the layer roots, inputs through the caller.
  const layerRows: Map<number, Uint32Array>[] = layers.map((layer, l) => {
    const shift = logMaxHeight - layer.logHeight + layer.logArity;
    const leaves = sortedUnique(queryIndices.map((i) => i >>> shift));
    const opening = proof.layerOpenings[l];
    if (opening === null || typeof opening !== 'object' || !Array.isArray(opening.rows)) throw shapeError(`FRI layer ${l}: opening has no rows`);
    if (opening.rows.length !== leaves.length) {
      throw shapeError(`FRI layer ${l}: expected rows for ${leaves.length} distinct leaves, got ${opening.rows.length}`);
    }
    const dims = [{ width: 4 << layer.logArity, height: 1 << (layer.logHeight - layer.logArity) }];
    merkleVerifyMany(proof.layerRoots[l], dims, leaves, { rows: opening.rows.map((r) => [r]), nodes: opening.nodes });
    return new Map(leaves.map((leaf, k) => [leaf, opening.rows[k]]));
  });
  const inputValues = openInputs(queryIndices);
  if (inputValues.length !== queryIndices.length) throw shapeError(`FRI: input openings for ${inputValues.length} queries, expected ${queryIndices.length}`);

  // 5. Each query: fold through the layers, checking each committed entry, then the final polynomial.
  for (let q = 0; q < queryIndices.length; q++) {
    const ro = inputValues[q];
    if (ro.length !== inputLogHeights.length) throw shapeError(`FRI query ${q}: ${ro.length} input values, expected ${inputLogHeights.length}`);
    let folded = ro[0];
    for (let l = 0; l < layers.length; l++) {
      const { logHeight, logArity, rollIn } = layers[l];
      const position = queryIndices[q] >>> (logMaxHeight - logHeight);
      const leaf = position >>> logArity;
      const row = layerRows[l].get(leaf)!; // present: leaves were derived from the same indices
      const coset: Ext4[] = [];
      for (let t = 0; t < 1 << logArity; t++) coset.push(ext.load(row, t));
      const committed = coset[position & ((1 << logArity) - 1)];
      if (!ext.equals(committed, folded)) {
        throw new VerifyError(
          'fri-fold-mismatch',
          `FRI query ${q} (index ${queryIndices[q]}), layer ${l}: committed ${fmt(committed)} but the ${l === 0 ? 'input' : 'previous fold'} gives ${fmt(folded)}`,
        );
      }
      folded = foldCoset(coset, leaf, logHeight, logArity, betas[l]);
      if (rollIn >= 0) folded = ext.add(folded, ext.mul(rollInFactors[l]!, ro[rollIn]));
    }
    // The final codeword is the final polynomial on H_{2^logFinalHeight}, bit-reversed.
    const finalPosition = queryIndices[q] >>> (logMaxHeight - logFinalHeight);
    const x = powOmega(logFinalHeight, bitReverse(finalPosition, logFinalHeight));
    let expected: Ext4 = ext.ZERO;
    for (let i = proof.finalPoly.length - 1; i >= 0; i--) expected = ext.add(ext.mulBase(expected, x), proof.finalPoly[i]);
    if (!ext.equals(expected, folded)) {
      throw new VerifyError(
        'fri-final-poly-mismatch',
        `FRI query ${q} (index ${queryIndices[q]}): folded value ${fmt(folded)} but the final polynomial gives ${fmt(expected)}`,
      );
    }
  }
}
