/**
 * The multi-table verifier, in numbered steps that match prover.ts (Winterfell verifier/src/lib.rs shape).
 * Everything structural comes from the verifying key, never from the proof; every rejection is a VerifyError
 * with a code naming the failed check.
 */
import { VerifyError } from './errors.ts';
import * as ext from './field/ext4.ts';
import type { Ext4 } from './field/ext4.ts';
import { P } from './field/babybear.ts';
import { DIGEST_BYTES, digestEquals } from './hash.ts';
import { MIN_LOG_HEIGHT, assertVerifyingKeyConsistent, type VerifyingKey } from './keys.ts';
import { absorbParams } from './params.ts';
import { checkPcsProofContainers, pcsVerify, type PcsVerifyRound } from './pcs.ts';
import type { Proof } from './proof.ts';
import {
  LABELS, PROTOCOL_LABEL, absorbPublicValues, auxTables, localAndNext, prepTables, recombineExt, roundDims,
  roundShapes, sampleLogupChallenges, sampleZeta, securityContext, totalInteractions, type RoundShape,
} from './protocol.ts';
import { assertAcceptableSecurity } from './security.ts';
import { Transcript } from './transcript.ts';
import { combineConstraints, evaluateAtPoint } from './builders/ood.ts';
import { selectorsAt } from './builders/selectors.ts';

export interface VerifyOptions {
  /** Minimum conjectured security (bits) the parameters must reach; TEST parameters need this lowered. */
  minSecurityBits?: number;
}

const shapeError = (msg: string) => new VerifyError('invalid-proof-shape', msg);

/** An Ext4 the arithmetic can use: exactly 4 canonical limbs (an in-memory proof may hold anything). */
const isExt = (x: unknown): boolean => Array.isArray(x) && ext.isCanonicalExt(x);
const isArrayOf = (x: unknown, length: number): x is unknown[] => Array.isArray(x) && x.length === length;
const isDigest = (d: unknown) => d instanceof Uint8Array && d.length === DIGEST_BYTES;

/** Far above any proof's array elements and nesting (numQueries ≤ 1024 openings of ≤ 2^28-leaf trees). */
const MAX_PROOF_NODES = 1 << 22;
const MAX_PROOF_DEPTH = 8;

/**
 * No holes anywhere in an in-memory proof: `new Array(n)` has length n and no elements, and every/forEach skip
 * holes, so the length-and-every checks below would pass it and the verifier would fail later with a TypeError.
 * Bounded in nodes and depth, so a huge sparse array or a cyclic object is refused quickly too.
 */
function checkNoHoles(proof: object): void {
  let budget = MAX_PROOF_NODES;
  const visit = (x: unknown, depth: number): void => {
    if (--budget < 0 || depth > MAX_PROOF_DEPTH) throw shapeError('the proof object is larger or deeper than any proof');
    if (Array.isArray(x)) {
      if (x.length > budget) throw shapeError('the proof object is larger or deeper than any proof');
      for (let i = 0; i < x.length; i++) {
        if (!(i in x)) throw shapeError('the proof holds an array with holes');
        visit(x[i], depth + 1);
      }
    } else if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x)) {
      for (const v of Object.values(x)) visit(v, depth + 1);
    }
  };
  visit(proof, 0);
}

/**
 * Step 0 (shape): the proof has exactly the shape the key fixes (a decoded proof has it; an in-memory one may not),
 * down to the containers the PCS and FRI verifiers index into, so that junk is a VerifyError, not a TypeError.
 */
function checkShape(vk: VerifyingKey, proof: Proof): void {
  if (proof === null || typeof proof !== 'object') throw shapeError('the proof is not an object');
  checkNoHoles(proof);
  if (!isArrayOf(proof.logHeights, vk.tables.length)) throw shapeError(`expected ${vk.tables.length} table heights`);
  vk.tables.forEach((t, i) => {
    const h = proof.logHeights[i];
    if (!Number.isInteger(h) || h < MIN_LOG_HEIGHT || h > t.maxLogHeight) {
      throw new VerifyError('table-height-out-of-range', `${t.name}: height 2^${h} is outside [2^${MIN_LOG_HEIGHT}, 2^${t.maxLogHeight}]`);
    }
    if (t.fixedLogHeight !== null && h !== t.fixedLogHeight) {
      throw new VerifyError('table-height-out-of-range', `${t.name}: height 2^${h}, but the verifying key fixes 2^${t.fixedLogHeight}`);
    }
  });
  if (![proof.vkDigest, proof.mainRoot, proof.quotientRoot].every(isDigest) || (proof.auxRoot !== null && !isDigest(proof.auxRoot))) {
    throw shapeError(`every digest in the proof must be ${DIGEST_BYTES} bytes`);
  }
  const numAux = auxTables(vk).length;
  if ((proof.auxRoot !== null) !== numAux > 0) throw shapeError(`aux root ${numAux > 0 ? 'missing' : 'unexpected'}`);
  // R claimed sums per aux table, R from the key's parameters: a proof cannot choose how many buses it balances.
  const R = vk.params.lookupRepetitions;
  if (!isArrayOf(proof.claimedSums, numAux)) throw shapeError(`expected claimed sums for ${numAux} tables`);
  proof.claimedSums.forEach((sums, i) => {
    if (!isArrayOf(sums, R)) throw shapeError(`expected ${R} claimed sums (one per LogUp repetition) for aux table ${i}`);
    sums.forEach((s, r) => {
      if (!isExt(s)) throw shapeError(`claimed sum ${r} of aux table ${i} is not a canonical extension element`);
    });
  });
  const shapes = roundShapes(vk);
  if (!isArrayOf(proof.openedValues, shapes.length)) throw shapeError(`expected ${shapes.length} opening rounds`);
  shapes.forEach((s, r) => {
    const round: unknown = proof.openedValues[r];
    const ok = isArrayOf(round, s.widths.length) && round.every((mat, m) =>
      isArrayOf(mat, s.numPoints) && mat.every((pt) => isArrayOf(pt, s.widths[m]) && pt.every(isExt)));
    if (!ok) throw new VerifyError('opening-shape-mismatch', `opened values of round ${r} do not have the shape the verifying key fixes`);
  });
  checkPcsProofContainers(proof.pcsProof, shapes.length);
}

export function verify(
  vk: VerifyingKey,
  proof: Proof,
  publicValues: readonly (readonly number[])[],
  { minSecurityBits = 100 }: VerifyOptions = {},
): void {
  // 0. the key against its own digest; shape against the key, security of the parameters at this shape,
  //    interaction count, public values
  assertVerifyingKeyConsistent(vk);
  const params = vk.params;
  checkShape(vk, proof);
  const logHeights = proof.logHeights;
  assertAcceptableSecurity(params, securityContext(vk, logHeights), minSecurityBits);
  // Multiplicities are field elements: past p interactions in total, a multiset could wrap to look balanced.
  const interactions = totalInteractions(vk, logHeights);
  if (interactions >= P) throw new VerifyError('too-many-interactions', `${interactions} interactions in total, must stay below p = ${P}`);
  if (publicValues.length !== vk.tables.length) {
    throw new VerifyError('public-values-mismatch', `expected public values for ${vk.tables.length} tables, got ${publicValues.length}`);
  }
  vk.tables.forEach((t, i) => {
    const pv = publicValues[i];
    if (pv.length !== t.numPublicValues || pv.some((x) => !Number.isInteger(x) || x < 0 || x >= P)) {
      throw new VerifyError('public-values-mismatch', `${t.name}: expected ${t.numPublicValues} canonical public values`);
    }
  });
  if (!digestEquals(proof.vkDigest, vk.digest)) {
    throw new VerifyError('verifying-key-mismatch', 'the proof was made for another verifying key (AIRs, preprocessed data or parameters differ)');
  }

  // 1. transcript: label, parameters, verifying key, public values, table heights
  const transcript = new Transcript(PROTOCOL_LABEL);
  absorbParams(transcript, params);
  transcript.absorbDigest(LABELS.vkDigest, vk.digest);
  absorbPublicValues(transcript, publicValues);
  transcript.absorbU32s(LABELS.logHeights, logHeights);

  // 2. main commitment
  transcript.absorbDigest(LABELS.mainRoot, proof.mainRoot);

  // 3–4. LogUp challenges, aux commitment, claimed sums; the buses balance iff, in EVERY repetition r, the
  //      tables' claimed sums add to zero (each repetition is its own Schwartz–Zippel test: checking only
  //      some of them, or their total, would give back the amplification)
  const auxIdx = auxTables(vk);
  const challenges: Ext4[] = [];
  if (auxIdx.length > 0) {
    challenges.push(...sampleLogupChallenges(transcript, params.lookupRepetitions));
    transcript.absorbDigest(LABELS.auxRoot, proof.auxRoot!);
    transcript.absorbExts(LABELS.claimedSums, proof.claimedSums.flat());
    for (let r = 0; r < params.lookupRepetitions; r++) {
      const total = proof.claimedSums.reduce<Ext4>((acc, sums) => ext.add(acc, sums[r]), ext.ZERO);
      if (!ext.isZero(total)) {
        throw new VerifyError('bus-imbalance', `the tables' claimed LogUp sums of repetition ${r} add up to [${total.join(', ')}], not 0`);
      }
    }
  }

  // 5. constraint-combination challenge
  const alpha = transcript.sampleExt(LABELS.constraintAlpha);

  // 6. quotient commitment
  transcript.absorbDigest(LABELS.quotientRoot, proof.quotientRoot);

  // 7. out-of-domain point
  const zeta = sampleZeta(transcript, Math.max(...logHeights), params.logBlowup);

  // 8. (opened values are in the proof; the PCS check in step 10 absorbs them)
  // 9. OOD check per table: Σ_k α^k·C_k(ζ) = Z_H(ζ)·Σ_k ζ^{k·n}·q_k(ζ)
  const shapes = roundShapes(vk);
  const roundOf = (kind: RoundShape['kind']) => shapes.findIndex((s) => s.kind === kind);
  const [prepRound, mainRound, auxRound, quotientRound] = [roundOf('prep'), roundOf('main'), roundOf('aux'), roundOf('quotient')];
  const prepIdx = prepTables(vk);
  const emptyWindow = { local: [], next: [] };
  vk.systems.forEach((sys, t) => {
    const logN = logHeights[t];
    const window = (round: number, m: number) => ({ local: proof.openedValues[round][m][0], next: proof.openedValues[round][m][1] });
    const p = prepIdx.indexOf(t);
    const a = auxIdx.indexOf(t);
    const auxOpened = a >= 0 ? window(auxRound, a) : null;
    const { zh, selectors } = selectorsAt(zeta, logN);
    const values = evaluateAtPoint(sys.program, {
      main: window(mainRound, t),
      prep: p >= 0 ? window(prepRound, p) : emptyWindow,
      aux: auxOpened
        ? { local: recombineExt(auxOpened.local, sys.auxWidth), next: recombineExt(auxOpened.next, sys.auxWidth) }
        : emptyWindow,
      selectors,
      publicValues: publicValues[t],
      challenges,
      claimedSums: a >= 0 ? proof.claimedSums[a] : [],
    });
    const constraintsAtZeta = combineConstraints(values, alpha);
    const chunks = recombineExt(proof.openedValues[quotientRound][t][0], 1 << sys.logQuotientChunks);
    // Q(ζ) = Σ_k (ζ^n)^k·q_k(ζ): the same Horner sum as the constraint combination, in ζ^n.
    const quotientAtZeta = combineConstraints(chunks, ext.pow(zeta, 2 ** logN));
    if (!ext.equals(constraintsAtZeta, ext.mul(zh, quotientAtZeta))) {
      throw new VerifyError('ood-constraint-mismatch', `${sys.name}: the constraints at ζ do not match the quotient (C(ζ) ≠ Z_H(ζ)·Q(ζ))`);
    }
  });

  // 10. PCS: the opened values are those of the committed polynomials (absorbs them, then FRI)
  const rounds: PcsVerifyRound[] = [];
  const roots = { prep: vk.preprocessedRoot!, main: proof.mainRoot, aux: proof.auxRoot!, quotient: proof.quotientRoot };
  for (const [r, s] of shapes.entries()) {
    const points = s.tables.map((t) => (s.kind === 'quotient' ? [zeta] : localAndNext(zeta, logHeights[t])));
    rounds.push({ root: roots[s.kind], dims: roundDims(s, logHeights), points, values: proof.openedValues[r] });
  }
  pcsVerify(rounds, proof.pcsProof, transcript, params);
}
