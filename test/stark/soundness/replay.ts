// The verifier's transcript steps 1–7 and OOD check (verifier.ts), replayed on a proof so that a cheating
// prover in a test can learn α, the LogUp challenges and ζ, and measure how far the OOD identity is off.
import * as ext from '../../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../../src/stark/field/ext4.ts';
import { absorbParams } from '../../../src/stark/params.ts';
import type { VerifyingKey } from '../../../src/stark/keys.ts';
import type { Proof } from '../../../src/stark/proof.ts';
import {
  LABELS, PROTOCOL_LABEL, absorbPublicValues, auxTables, prepTables, recombineExt, roundShapes, sampleLogupChallenges, sampleZeta,
} from '../../../src/stark/protocol.ts';
import { Transcript } from '../../../src/stark/transcript.ts';
import { combineConstraints, evaluateAtPoint } from '../../../src/stark/builders/ood.ts';
import { selectorsAt } from '../../../src/stark/builders/selectors.ts';

export interface Challenges {
  logup: Ext4[];
  alpha: Ext4;
  zeta: Ext4;
}

export function replayChallenges(vk: VerifyingKey, proof: Proof, publicValues: readonly (readonly number[])[]): Challenges {
  const t = new Transcript(PROTOCOL_LABEL);
  absorbParams(t, vk.params);
  t.absorbDigest(LABELS.vkDigest, vk.digest);
  absorbPublicValues(t, publicValues);
  t.absorbU32s(LABELS.logHeights, proof.logHeights);
  t.absorbDigest(LABELS.mainRoot, proof.mainRoot);
  const logup: Ext4[] = [];
  if (auxTables(vk).length > 0) {
    logup.push(...sampleLogupChallenges(t, vk.params.lookupRepetitions));
    t.absorbDigest(LABELS.auxRoot, proof.auxRoot!);
    t.absorbExts(LABELS.claimedSums, proof.claimedSums.flat());
  }
  const alpha = t.sampleExt(LABELS.constraintAlpha);
  t.absorbDigest(LABELS.quotientRoot, proof.quotientRoot);
  const zeta = sampleZeta(t, Math.max(...proof.logHeights), vk.params.logBlowup);
  return { logup, alpha, zeta };
}

/** delta = C(ζ)/Z_H(ζ) − Q(ζ) for table t from the proof's opened values (zero iff the OOD check passes). */
export function oodMismatch(vk: VerifyingKey, proof: Proof, c: Challenges, publicValues: readonly (readonly number[])[], t: number): { delta: Ext4 } {
  const shapes = roundShapes(vk);
  const roundOf = (kind: string) => shapes.findIndex((s) => s.kind === kind);
  const sys = vk.systems[t];
  const logN = proof.logHeights[t];
  const window = (round: number, m: number) => ({ local: proof.openedValues[round][m][0], next: proof.openedValues[round][m][1] });
  const p = prepTables(vk).indexOf(t);
  const a = auxTables(vk).indexOf(t);
  const empty = { local: [], next: [] };
  const auxOpened = a >= 0 ? window(roundOf('aux'), a) : null;
  const { zh, selectors } = selectorsAt(c.zeta, logN);
  const values = evaluateAtPoint(sys.program, {
    main: window(roundOf('main'), t),
    prep: p >= 0 ? window(roundOf('prep'), p) : empty,
    aux: auxOpened ? { local: recombineExt(auxOpened.local, sys.auxWidth), next: recombineExt(auxOpened.next, sys.auxWidth) } : empty,
    selectors,
    publicValues: publicValues[t],
    challenges: c.logup,
    claimedSums: a >= 0 ? proof.claimedSums[a] : [],
  });
  const constraints = combineConstraints(values, c.alpha);
  const chunks = recombineExt(proof.openedValues[roundOf('quotient')][t][0], 1 << sys.logQuotientChunks);
  const zetaN = ext.pow(c.zeta, 2 ** logN);
  let q: Ext4 = ext.ZERO;
  for (let k = chunks.length - 1; k >= 0; k--) q = ext.add(ext.mul(q, zetaN), chunks[k]);
  return { delta: ext.sub(ext.div(constraints, zh), q) };
}
