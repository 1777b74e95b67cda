/**
 * FRI prover (Plonky3 `fri/src/prover.rs` shape): commit phase (commit a layer, sample β, fold, roll in
 * the next smaller input with a fresh factor), final polynomial in the clear, query PoW, query openings.
 * Inputs are packed extension codewords in bit-reversed order over H_N (docs/stark.md).
 */
import type { Ext4 } from '../field/ext4.ts';
import { intt } from '../ntt.ts';
import { bitReverse, matrix } from '../matrix.ts';
import type { Matrix } from '../matrix.ts';
import { merkleCommit, merkleOpenMany, sortedUnique } from '../merkle.ts';
import type { MerkleTree } from '../merkle.ts';
import type { Transcript } from '../transcript.ts';
import { foldCodewordInto, foldCoefficients } from './fold.ts';
import { extendPacked, packColumns } from './reduced-opening.ts';
import { addScaledExt } from './packed.ts';
import type { FriParams } from './params.ts';
import { BufferPool } from './pool.ts';
import type { FriLayerOpening, FriProof } from './proof.ts';
import { FRI_LABELS, friSchedule } from './schedule.ts';
import type { FriSchedule } from './schedule.ts';

export interface FriInput {
  readonly logHeight: number;
  /** 2^logHeight packed extension elements (4 words each), bit-reversed over H_{2^logHeight}. */
  readonly values: Uint32Array;
  /**
   * Optional, the tallest input only: the coefficients of the polynomial `values` evaluates (four limb columns,
   * natural order, at most 2^logHeight). The first fold then runs on them (fold.ts foldCoefficients) and one
   * small LDE, instead of on the whole codeword: the same folded codeword, for fewer passes over memory.
   */
  readonly coefficients?: Uint32Array;
  /**
   * Optional, with coefficients only: the same codeword as four limb columns (column k = limb k of all 2^logHeight
   * entries, bit-reversed). The first layer is then hashed from them, and `values` is only written (the first fold,
   * or the codeword itself if there is no layer): its contents are not read, so the reduced opening need not write
   * the packed codeword at all.
   */
  readonly columns?: Uint32Array;
}


/** Leaf row j of a layer is the aligned block of 2^logArity entries j·2^logArity + t: a coset of H_{2^logArity}. */
function layerMatrix(values: Uint32Array, logHeight: number, logArity: number, pool: BufferPool): Matrix {
  const width = 4 << logArity;
  const height = 1 << (logHeight - logArity);
  const out = pool.take(width * height);
  // In blocks of 128 rows (16 KiB of packed codeword, L1-resident), one entry (4 limb columns) at a time: 6× faster
  // at 2^19×32 than whole columns, which read every cache line `width` times (measured: 37 vs 230 ms), and four
  // columns per pass rather than one halve it again (measured: 17 vs 28 ms).
  const block = Math.min(128, height);
  for (let j0 = 0; j0 < height; j0 += block) {
    for (let c = 0; c < width; c += 4) {
      const o0 = c * height;
      const o1 = o0 + height;
      const o2 = o1 + height;
      const o3 = o2 + height;
      for (let j = j0, k = j0 * width + c; j < j0 + block; j++, k += width) {
        out[o0 + j] = values[k];
        out[o1 + j] = values[k + 1];
        out[o2 + j] = values[k + 2];
        out[o3 + j] = values[k + 3];
      }
    }
  }
  return matrix(width, height, out);
}

/** layerMatrix of the packed codeword whose four limb columns are `columns`: entry e's limb k is columns[k·2^logHeight + e]. */
function layerMatrixFromColumns(columns: Uint32Array, logHeight: number, logArity: number, pool: BufferPool): Matrix {
  const arity = 1 << logArity;
  const width = 4 << logArity;
  const N = 1 << logHeight;
  const height = N >> logArity;
  const out = pool.take(width * height);
  // Layer column 4t + k, row j is limb k of entry j·arity + t. In blocks of 128 rows, so that the 128·arity words
  // of a limb column that a block reads stay in L1 across its `arity` strided passes.
  const block = Math.min(128, height);
  for (let j0 = 0; j0 < height; j0 += block) {
    for (let k = 0; k < 4; k++) {
      const src = k * N + j0 * arity;
      for (let t = 0; t < arity; t++) {
        const o = (4 * t + k) * height;
        for (let j = j0, i = src + t; j < j0 + block; j++, i += arity) out[o + j] = columns[i];
      }
    }
  }
  return matrix(width, height, out);
}

/**
 * Coefficients of the polynomial whose bit-reversed evaluations on H are `values`, truncated to `len`.
 * An honest final codeword has degree < len, so nothing is lost; a cheating one loses its high part and
 * the verifier's final check catches it at the queries.
 */
function finalCoefficients(values: Uint32Array, logHeight: number, len: number): Ext4[] {
  const n = 1 << logHeight;
  const limbs = [0, 1, 2, 3].map((k) => {
    const natural = new Uint32Array(n);
    for (let i = 0; i < n; i++) natural[bitReverse(i, logHeight)] = values[4 * i + k];
    intt(natural);
    return natural;
  });
  return Array.from({ length: len }, (_, i) => [limbs[0][i], limbs[1][i], limbs[2][i], limbs[3][i]] as const);
}


/** foldCodewordInto's result from the codeword's coefficients: fold them, then extend to the folded domain. */
function foldFromCoefficients(coeffs: Uint32Array, logN: number, logArity: number, beta: Ext4, work: Uint32Array, pool: BufferPool): Uint32Array {
  const m = coeffs.length / 4;
  const logOut = logN - logArity;
  if (!Number.isInteger(Math.log2(m)) || m > 1 << logN || m < 1 << logArity) throw new RangeError(`FRI: ${m} coefficients for a codeword of 2^${logN}`);
  const count = m >> logArity;
  const folded = pool.take(4 * count);
  foldCoefficients(coeffs, m, logArity, beta, folded);
  const out = work.subarray(0, 4 << logOut);
  extendPacked(folded, count, logOut - Math.log2(count), out, pool, true);
  pool.give(folded);
  return out;
}

/** What the commit phase leaves for the query phase. */
export interface FriCommitted {
  readonly schedule: FriSchedule;
  readonly trees: readonly MerkleTree[];
  /** The last folded codeword (2^logFinalHeight entries), whose coefficients become the final polynomial. */
  readonly finalCodeword: Uint32Array;
}

/** Where the commit phase's buffers come from (a prover's scratch, fri/pool.ts). */
export interface FriScratch {
  readonly pool: BufferPool;
  /** The tallest input is scratch too: fold it in place (a codeword-sized buffer less to touch). */
  readonly foldInputInPlace: boolean;
}

/**
 * Step 1, commit phase: each layer's root is absorbed before its β is drawn. The layer matrices and the folded
 * codewords live in buffers from `scratch.pool` (a fresh pool by default): the result is valid until the caller
 * releases them. The inputs are not modified unless scratch.foldInputInPlace.
 */
export function friCommitPhase(
  inputs: readonly FriInput[],
  transcript: Transcript,
  params: FriParams,
  scratch: FriScratch = { pool: new BufferPool(), foldInputInPlace: false },
): FriCommitted {
  const { pool } = scratch;
  const schedule = friSchedule(inputs.map((x) => x.logHeight), params);
  inputs.forEach((x, i) => {
    if (x.values.length !== 4 << x.logHeight) throw new RangeError(`FRI input ${i}: expected ${4 << x.logHeight} words, got ${x.values.length}`);
    if (x.columns !== undefined && (i > 0 || x.coefficients === undefined || x.columns.length !== 4 << x.logHeight)) {
      throw new RangeError(`FRI input ${i}: limb columns are for the tallest input with its coefficients, ${4 << x.logHeight} words`);
    }
  });
  const trees: MerkleTree[] = [];
  let current = inputs[0].values;
  // Every fold runs in this one buffer (in place after the first, see foldCodewordInto).
  const work = scratch.foldInputInPlace ? inputs[0].values : pool.take(4 << (schedule.logMaxHeight - 1));
  const { columns, coefficients } = inputs[0];
  if (columns !== undefined && schedule.layers.length === 0) packColumns(columns, 1 << inputs[0].logHeight, inputs[0].values);
  for (const [l, layer] of schedule.layers.entries()) {
    const leaves = l === 0 && columns !== undefined
      ? layerMatrixFromColumns(columns, layer.logHeight, layer.logArity, pool)
      : layerMatrix(current, layer.logHeight, layer.logArity, pool);
    const tree = merkleCommit([leaves]);
    trees.push(tree);
    transcript.absorbDigest(FRI_LABELS.layerRoot, tree.root);
    // Soundness: folding a far word yields a close one with probability ≤ (arity − 1)·N/|EF| (docs/security.md).
    const beta = transcript.sampleExt(FRI_LABELS.beta);
    current = l > 0 || coefficients === undefined
      ? foldCodewordInto(current, layer.logHeight, layer.logArity, beta, work)
      : foldFromCoefficients(coefficients, layer.logHeight, layer.logArity, beta, work, pool);
    if (layer.rollIn >= 0) {
      // A FRESH factor per roll-in: adding the smaller codeword unscaled (or scaled by something the
      // prover knew before committing) lets a malicious prover cancel terms across roll-ins
      // (Plonky3 GHSA-f69f-5fx9-w9r9, OpenVM GHSA-4w7p-8f9q-f4g2).
      const gamma = transcript.sampleExt(FRI_LABELS.rollIn);
      addScaledExt(current, inputs[layer.rollIn].values, gamma);
    }
  }
  return { schedule, trees, finalCodeword: current };
}

/** Step 2: the final polynomial in the clear; its 2^k coefficients are the degree check itself. */
export function friFinalPoly(committed: FriCommitted): Ext4[] {
  const { schedule } = committed;
  return finalCoefficients(committed.finalCodeword, schedule.logFinalHeight, schedule.finalPolyLen);
}

/** Steps 3–4: absorb the final polynomial, grind, draw the query indices, open every layer. */
export function friQueryPhase(
  committed: FriCommitted,
  finalPoly: Ext4[],
  transcript: Transcript,
  params: FriParams,
): { proof: FriProof; queryIndices: number[] } {
  const { schedule, trees } = committed;
  transcript.absorbExts(FRI_LABELS.finalPoly, finalPoly);
  const powNonce = transcript.grind(FRI_LABELS.pow, params.queryPowBits);
  const queryIndices = transcript.sampleIndices(FRI_LABELS.indices, params.numQueries, schedule.logMaxHeight);
  // One leaf row per distinct queried coset per layer, as a compact multi-opening.
  const layerOpenings: FriLayerOpening[] = schedule.layers.map((layer, l) => {
    const shift = schedule.logMaxHeight - layer.logHeight + layer.logArity;
    const leaves = sortedUnique(queryIndices.map((i) => i >>> shift));
    const opening = merkleOpenMany(trees[l], leaves);
    return { rows: opening.rows.map((r) => r[0]), nodes: opening.nodes };
  });
  const proof = { layerRoots: trees.map((t) => t.root), finalPoly, powNonce, layerOpenings };
  return { proof, queryIndices };
}

/**
 * Runs FRI on inputs of distinct heights (descending). Returns the proof and the query indices (in the
 * tallest domain) at which the caller must open its own commitments.
 */
export function friProve(
  inputs: readonly FriInput[],
  transcript: Transcript,
  params: FriParams,
  scratch?: FriScratch,
): { proof: FriProof; queryIndices: number[] } {
  const committed = friCommitPhase(inputs, transcript, params, scratch);
  return friQueryPhase(committed, friFinalPoly(committed), transcript, params);
}
