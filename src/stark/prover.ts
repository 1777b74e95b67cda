/**
 * The multi-table prover, in numbered steps that match verifier.ts (Winterfell prover/src/lib.rs shape;
 * Plonky3 uni-stark/src/prover.rs for the quotient). The prover does not check that the trace satisfies
 * the AIR (builders/debug.ts does, for callers who want it): a bad trace yields a proof the verifier rejects.
 */
import { InputError } from './errors.ts';
import type { Ext4 } from './field/ext4.ts';
import { P } from './field/babybear.ts';
import type { ProvingKey } from './keys.ts';
import { MIN_LOG_HEIGHT } from './keys.ts';
import { absorbParams, type StarkParams } from './params.ts';
import { generateAuxTrace } from './lookup.ts';
import { isPowerOfTwo, log2Exact, matrix, type Matrix } from './matrix.ts';
import { cosetInterpolateInPlace } from './ntt.ts';
import { BufferPool } from './fri/pool.ts';
import { pcsCommit, pcsCommitCoeffs, pcsOpen, pcsRelease, type PcsCommitment, type PcsOpenRound } from './pcs.ts';
import type { Proof } from './proof.ts';
import {
  LABELS, PROTOCOL_LABEL, absorbPublicValues, auxTables, localAndNext, prepTables, sampleLogupChallenges, sampleZeta,
} from './protocol.ts';
import { Transcript } from './transcript.ts';
import { evaluateQuotient } from './builders/quotient.ts';
import type { RowEnv } from './builders/rows.ts';
import { cachedQuotientDomain, traceNextRows, traceSelectors } from './builders/selectors.ts';

/**
 * The quotient's evaluations, coefficients and chunks (4 words per quotient-domain point each), kept between
 * proofs: refilling warm buffers is far cheaper than first touches of fresh pages (fri/pool.ts).
 */
const quotientScratch = new BufferPool();

/** f with results cached by argument, for the duration of one proof. */
function memo<T>(f: (key: number) => T): (key: number) => T {
  const cache = new Map<number, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = f(key)));
    return v;
  };
}

function sameParams(a: StarkParams, b: StarkParams): boolean {
  return a.logBlowup === b.logBlowup && a.numQueries === b.numQueries && a.queryPowBits === b.queryPowBits
    && a.logFinalPolyLen === b.logFinalPolyLen && a.logFoldingArity === b.logFoldingArity
    && a.lookupRepetitions === b.lookupRepetitions;
}

/** Step 0: the inputs have the shape the proving key fixes (a caller's bug otherwise: InputError). */
function checkInputs(pk: ProvingKey, traces: readonly Matrix[], publicValues: readonly (readonly number[])[], params: StarkParams): number[] {
  const { vk } = pk;
  if (!sameParams(params, vk.params)) throw new InputError('invalid-parameters', 'params differ from those the keys were set up with');
  if (traces.length !== vk.tables.length) throw new InputError('trace-shape-mismatch', `expected ${vk.tables.length} traces, got ${traces.length}`);
  if (publicValues.length !== vk.tables.length) {
    throw new InputError('invalid-public-values', `expected public values for ${vk.tables.length} tables, got ${publicValues.length}`);
  }
  return vk.tables.map((t, i) => {
    const trace = traces[i];
    if (trace.width !== t.mainWidth) throw new InputError('trace-shape-mismatch', `${t.name}: trace width ${trace.width}, expected ${t.mainWidth}`);
    if (!isPowerOfTwo(trace.height)) throw new InputError('trace-shape-mismatch', `${t.name}: trace height ${trace.height} is not a power of two`);
    const logN = log2Exact(trace.height);
    if (logN < MIN_LOG_HEIGHT || logN > t.maxLogHeight) {
      throw new InputError('trace-shape-mismatch', `${t.name}: trace height 2^${logN} is outside [2^${MIN_LOG_HEIGHT}, 2^${t.maxLogHeight}]`);
    }
    if (t.fixedLogHeight !== null && logN !== t.fixedLogHeight) {
      throw new InputError('trace-shape-mismatch', `${t.name}: trace height 2^${logN}, but its preprocessed columns fix 2^${t.fixedLogHeight}`);
    }
    const vals = trace.values;
    for (let j = 0; j < vals.length; j++) {
      if (vals[j] >= P) throw new InputError('trace-shape-mismatch', `${t.name}: trace value ${vals[j]} at index ${j} is not canonical`);
    }
    const pv = publicValues[i];
    if (pv.length !== t.numPublicValues || pv.some((x) => !Number.isInteger(x) || x < 0 || x >= P)) {
      throw new InputError('invalid-public-values', `${t.name}: expected ${t.numPublicValues} canonical public values`);
    }
    return logN;
  });
}

export function prove(pk: ProvingKey, traces: readonly Matrix[], publicValues: readonly (readonly number[])[], params: StarkParams = pk.vk.params): Proof {
  const { vk } = pk;
  // 0. inputs
  const logHeights = checkInputs(pk, traces, publicValues, params);
  const prepIdx = prepTables(vk);
  const auxIdx = auxTables(vk);

  // 1. transcript: label, parameters, verifying key, public values, table heights
  const transcript = new Transcript(PROTOCOL_LABEL);
  absorbParams(transcript, params);
  transcript.absorbDigest(LABELS.vkDigest, vk.digest);
  absorbPublicValues(transcript, publicValues);
  transcript.absorbU32s(LABELS.logHeights, logHeights);

  // 2. main commitment: one MMCS over every table's trace
  const main = pcsCommit([...traces], params);
  transcript.absorbDigest(LABELS.mainRoot, main.root);

  // 3–4. LogUp challenges, auxiliary traces, claimed sums: R = lookupRepetitions of each (one aux matrix per
  //      table holds the R column blocks; R claimed sums per table)
  let aux: PcsCommitment | null = null;
  const challenges: Ext4[] = [];
  const claimedSums: Ext4[][] = [];
  const auxLdeOf = new Map<number, Matrix>();
  if (auxIdx.length > 0) {
    // Soundness: a wrong multiset passes all R independent draws with probability
    // ≤ ((Σ height·interactions·(arity+1))/|F_p^4|)^R (security.ts).
    challenges.push(...sampleLogupChallenges(transcript, params.lookupRepetitions));
    // Tables of equal height share their row indexing and selectors.
    const traceDomain = memo((logN: number) => ({ nextRow: traceNextRows(1 << logN), selectors: traceSelectors(logN) }));
    const auxTraces = auxIdx.map((t) => {
      const sys = vk.systems[t];
      const n = traces[t].height;
      const env: RowEnv = {
        length: n, main: traces[t], prep: pk.preprocessedMatrices[t] ?? null, aux: null,
        ...traceDomain(logHeights[t]),
        publicValues: publicValues[t], challenges, claimedSums: [],
      };
      const { aux: auxTrace, claimedSums: sums } = generateAuxTrace(sys.interactions, sys.groups, sys.lookupRepetitions, env);
      claimedSums.push(sums);
      return auxTrace;
    });
    aux = pcsCommit(auxTraces, params);
    auxIdx.forEach((t, j) => auxLdeOf.set(t, aux!.ldes[j]));
    transcript.absorbDigest(LABELS.auxRoot, aux.root);
    transcript.absorbExts(LABELS.claimedSums, claimedSums.flat());
  }

  // 5. constraint-combination challenge. Soundness: ≤ numConstraints/|F_p^4| (ALI).
  const alpha = transcript.sampleExt(LABELS.constraintAlpha);

  // 6. quotient Q = C/Z_H on s·H_{D·n} (a prefix of the bit-reversed LDEs), split into D chunks of degree < n
  const prepLdeOf = new Map(prepIdx.map((t, j) => [t, pk.preprocessed!.ldes[j]] as const));
  const claimedSumOf = new Map(auxIdx.map((t, j) => [t, claimedSums[j]] as const));
  let quotient: PcsCommitment;
  try {
    const chunks = vk.systems.map((sys, t) => {
      const logN = logHeights[t];
      const dom = cachedQuotientDomain(logN, sys.logQuotientChunks); // tables of equal height and degree share one
      const env: RowEnv = {
        length: dom.length, main: main.ldes[t], prep: prepLdeOf.get(t) ?? null, aux: auxLdeOf.get(t) ?? null,
        nextRow: dom.nextRow, selectors: dom.selectors, publicValues: publicValues[t], challenges,
        claimedSums: claimedSumOf.get(t) ?? [],
      };
      const coeffs = evaluateQuotient(sys.program, env, alpha, dom.zhInverse, quotientScratch.take(4 * dom.length));
      cosetInterpolateInPlace(coeffs);
      return splitQuotient(coeffs, logN, sys.logQuotientChunks);
    });
    quotient = pcsCommitCoeffs(chunks, logHeights, params);
  } finally {
    quotientScratch.releaseAll(); // the commitment holds LDEs only, not the coefficient buffers
  }
  transcript.absorbDigest(LABELS.quotientRoot, quotient.root);

  // 7. out-of-domain point. Soundness (DEEP): ≤ d·(n + 1)/|F_p^4| per table.
  const zeta = sampleZeta(transcript, Math.max(...logHeights), params.logBlowup);

  // 8. open: preprocessed, main and aux at ζ and ζ·ω_n; quotient chunks at ζ
  const rounds: PcsOpenRound[] = [];
  if (pk.preprocessed) rounds.push({ commitment: pk.preprocessed, points: prepIdx.map((t) => localAndNext(zeta, logHeights[t])) });
  rounds.push({ commitment: main, points: logHeights.map((logN) => localAndNext(zeta, logN)) });
  if (aux) rounds.push({ commitment: aux, points: auxIdx.map((t) => localAndNext(zeta, logHeights[t])) });
  rounds.push({ commitment: quotient, points: logHeights.map(() => [zeta]) });
  const { values, proof: pcsProof } = pcsOpen(rounds, transcript, params);
  // The LDE buffers go back to the PCS's pool: the next proof in this process reuses warm memory
  // (first touches of fresh pages dominate a cold proof on small VMs). The preprocessed one stays in the key.
  for (const c of [main, aux, quotient]) if (c) pcsRelease(c);

  return {
    vkDigest: vk.digest,
    logHeights,
    mainRoot: main.root,
    auxRoot: aux?.root ?? null,
    claimedSums,
    quotientRoot: quotient.root,
    openedValues: values,
    pcsProof,
  };
}

/**
 * Q(X) = Σ_k X^{k·n}·q_k(X): chunk k is coefficients [k·n, (k+1)·n) of each of Q's 4 coordinate
 * polynomials, stored as base columns 4k..4k+3.
 */
function splitQuotient(coeffs: Matrix, logN: number, logChunks: number): Matrix {
  const n = 1 << logN;
  const D = 1 << logChunks;
  const L = coeffs.height;
  const out = matrix(4 * D, n, quotientScratch.take(4 * D * n)); // every column is overwritten below
  for (let k = 0; k < D; k++) {
    for (let c = 0; c < 4; c++) out.values.set(coeffs.values.subarray(c * L + k * n, c * L + (k + 1) * n), (4 * k + c) * n);
  }
  return out;
}
