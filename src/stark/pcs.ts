/**
 * Two-adic FRI polynomial commitment (Plonky3 `fri/src/two_adic_pcs.rs` shape): matrices are committed as
 * bit-reversed coset LDEs in one mixed-height Merkle tree; openings at extension points are proven with
 * DEEP quotients batched into one "reduced opening" codeword per LDE height, which FRI proves low-degree.
 */
import * as ext from './field/ext4.ts';
import type { Ext4 } from './field/ext4.ts';
import type { ByteReader, ByteWriter } from './codec.ts';
import { VerifyError } from './errors.ts';
import { DIGEST_BYTES } from './hash.ts';
import type { Digest } from './hash.ts';
import { bitReverse, log2Exact, matrix } from './matrix.ts';
import type { Matrix } from './matrix.ts';
import { merkleCommit, merkleOpenMany, merkleVerifyMany, sortedUnique } from './merkle.ts';
import type { MatrixDims, MerkleMultiOpening, MerkleTree } from './merkle.ts';
import { cosetLdeFromCoeffsInto, cosetLdeInto } from './ntt.ts';
import type { Transcript } from './transcript.ts';
import { GENERATOR, mul } from './field/babybear.ts';
import type { BarycentricWeights } from './fri/deep.ts';
import { barycentricWeights, combineExts, combineRow, evaluateColumnsAt } from './fri/deep.ts';
import { BufferPool } from './fri/pool.ts';
import { packColumns, reducedOpening } from './fri/reduced-opening.ts';
import type { OpeningTerm } from './fri/reduced-opening.ts';
import { powOmega } from './fri/fold.ts';
import { validateFriParams } from './fri/params.ts';
import type { FriParams } from './fri/params.ts';
import { friProve } from './fri/prover.ts';
import { friVerify } from './fri/verifier.ts';
import { readDigests, readFields, readFriProof, writeDigests, writeFields, writeFriProof } from './fri/proof.ts';
import type { FriProof } from './fri/proof.ts';
import { friSchedule } from './fri/schedule.ts';

export interface PcsCommitment {
  readonly root: Digest;
  readonly tree: MerkleTree;
  /** Bit-reversed LDEs on s·H_N, N = 2^(logTraceHeight + logBlowup), in commit order. */
  readonly ldes: readonly Matrix[];
  readonly logTraceHeights: readonly number[];
}

/** Opened values of one round: [matrix][point][column]. */
export type OpenedValues = Ext4[][][];

export interface PcsOpenRound {
  readonly commitment: PcsCommitment;
  /** points[matrix]: the extension points at which every column of that matrix is opened. */
  readonly points: Ext4[][];
}

export interface PcsVerifyRound {
  readonly root: Digest;
  readonly dims: readonly { width: number; logTraceHeight: number }[];
  readonly points: Ext4[][];
  readonly values: OpenedValues;
}

export interface PcsProof {
  /** Per round: the leaves (row pairs, leafView) of every matrix at the round's distinct leaf indices (ascending), compactly. */
  readonly inputOpenings: MerkleMultiOpening[];
  readonly fri: FriProof;
}

/** What the verifier knows before reading a PCS proof: the parameters and every round's dims. */
export interface PcsProofShape {
  readonly params: FriParams;
  readonly rounds: readonly { dims: readonly { width: number; logTraceHeight: number }[] }[];
}

const PCS_LABELS = {
  values: 'pcs-opened-values',
  columnCoeff: 'pcs-column-coeff',
  pointCoeff: 'pcs-point-coeff',
} as const;

/**
 * LDE buffers of live commitments: pcsRelease gives them back for the next pcsCommit (a prover that commits
 * again reuses warm memory instead of touching 64 MiB fresh pages per 2^20×16 LDE, fri/pool.ts). Loans are
 * tracked weakly: a commitment never released is garbage-collected as before.
 */
const ldeArena = new BufferPool(false);
const releasedCommitments = new WeakSet<PcsCommitment>();

/**
 * Codeword-sized scratch of pcsProveOpenings (reduced openings, FRI layers), kept between calls: refilling warm
 * memory is ~100× cheaper than touching fresh pages on the shared VM (fri/pool.ts). About 12 words per LDE row
 * of the tallest height stay allocated (pcsClearScratch drops them).
 */
const openingScratch = new BufferPool();

/**
 * The Merkle tree's view of an N-row LDE: view row v < N/2 holds LDE rows v and v + N/2 interleaved,
 * (c_0[v], c_0[v + N/2], c_1[v], c_1[v + N/2], …). Column-major, that is the same array read as 2·width columns
 * of N/2 rows: no copy. One leaf per two rows halves the leaf hashing of narrow matrices (two rows of ≤ 8 words
 * fill one BLAKE3 block, e.g. the quotient's) and drops the lowest level of node hashes of every tree; an opened
 * leaf carries the partner row too (+width words, one sibling digest fewer). Rows v and v + N/2 rather than the
 * (x, −x) neighbours 2v, 2v + 1: only this pairing is a view of the column-major buffer. Every matrix of a
 * commitment is viewed so, whatever its height: LDE row i (at the tallest height) is in leaf i mod N_max/2.
 */
function leafView(lde: Matrix): Matrix {
  if (lde.height < 2) throw new RangeError(`PCS: an LDE of ${lde.height} row cannot be committed in row pairs`);
  return { width: 2 * lde.width, height: lde.height / 2, values: lde.values };
}

/** Which leaf of a tree of 2^logLeaves leaves holds LDE row `row` of its tallest matrices, and which half. */
const leafOf = (row: number, logLeaves: number): number => row & ((1 << logLeaves) - 1);
const halfOf = (row: number, logLeaves: number): number => (row >>> logLeaves) & 1;

/** An LDE row back out of an opened view row (leafView): every other word, from `half`. */
function rowOfLeaf(viewRow: Uint32Array, half: number): Uint32Array {
  const out = new Uint32Array(viewRow.length >> 1);
  for (let c = 0; c < out.length; c++) out[c] = viewRow[2 * c + half];
  return out;
}

/** Lets the GC take the opening scratch and the released LDE buffers (e.g. a long-lived process between proofs). */
export function pcsClearScratch(): void {
  openingScratch.clear();
  ldeArena.clear();
}

/** Evaluations on H_n (natural order, mixed heights) → LDEs at params.logBlowup, committed in one tree. */
export function pcsCommit(evals: Matrix[], params: FriParams): PcsCommitment {
  validateFriParams(params);
  const logTraceHeights = evals.map((m) => log2Exact(m.height));
  const ldes = evals.map((m) => {
    const N = m.height << params.logBlowup;
    const lde = matrix(m.width, N, ldeArena.take(m.width * N));
    cosetLdeInto(m, params.logBlowup, lde, GENERATOR);
    return lde;
  });
  const tree = merkleCommit(ldes.map(leafView));
  return { root: tree.root, tree, ldes, logTraceHeights };
}

/**
 * Hands a pcsCommit commitment's LDE buffers back for reuse. The commitment (its ldes and tree) must not be
 * used afterwards; opening it throws. Optional: an unreleased commitment is simply garbage-collected.
 */
export function pcsRelease(commitment: PcsCommitment): void {
  if (releasedCommitments.has(commitment)) return;
  releasedCommitments.add(commitment);
  for (const lde of commitment.ldes) {
    if (ldeArena.owns(lde.values)) ldeArena.give(lde.values);
  }
}

function checkNotReleased(rounds: readonly PcsOpenRound[]): void {
  rounds.forEach(({ commitment }, r) => {
    if (releasedCommitments.has(commitment)) throw new Error(`PCS round ${r}: the commitment was released (pcsRelease) and its LDEs reused`);
  });
}

/** Coefficient columns of degree < 2^logTraceHeights[i] (e.g. quotient chunks) → LDEs, committed in one tree. */
export function pcsCommitCoeffs(coeffs: Matrix[], logTraceHeights: number[], params: FriParams): PcsCommitment {
  validateFriParams(params);
  if (coeffs.length !== logTraceHeights.length) throw new RangeError(`pcsCommitCoeffs: ${coeffs.length} matrices but ${logTraceHeights.length} heights`);
  const ldes = coeffs.map((m, i) => {
    if (m.height > 2 ** logTraceHeights[i]) throw new RangeError(`pcsCommitCoeffs: matrix ${i} has ${m.height} coefficients, more than 2^${logTraceHeights[i]}`);
    // Straight from the coefficients into a reusable buffer (no round trip through evaluations on H_n).
    const logN = logTraceHeights[i] + params.logBlowup;
    const lde = matrix(m.width, 2 ** logN, ldeArena.take(m.width * 2 ** logN));
    cosetLdeFromCoeffsInto(m, logN, lde, GENERATOR);
    return lde;
  });
  const tree = merkleCommit(ldes.map(leafView));
  return { root: tree.root, tree, ldes, logTraceHeights: [...logTraceHeights] };
}

/** Batching coefficients: r per (round, matrix, column), then μ per (round, matrix, point). */
interface BatchCoeffs {
  columns: Ext4[][][]; // [round][matrix][column]
  points: Ext4[][][]; // [round][matrix][point]
}

/**
 * Absorbs every opened value (round, matrix, point order), then draws the batching coefficients.
 * Independent coefficients per column (not powers of one α) keep the unique-decoding batching error at
 * 2·N/|EF| rather than (#columns − 1)·N/|EF| (docs/security.md, "batching").
 */
function absorbAndSample(transcript: Transcript, values: readonly OpenedValues[], widths: number[][]): BatchCoeffs {
  for (const round of values) for (const matrix of round) for (const point of matrix) transcript.absorbExts(PCS_LABELS.values, point);
  const columns = widths.map((ws) => ws.map((w) => Array.from({ length: w }, () => transcript.sampleExt(PCS_LABELS.columnCoeff))));
  const points = values.map((round) => round.map((matrix) => matrix.map(() => transcript.sampleExt(PCS_LABELS.pointCoeff))));
  return { columns, points };
}

/** Distinct LDE heights (log2), descending: the FRI inputs. */
function distinctHeights(logLdeHeights: number[][]): number[] {
  return sortedUnique(logLdeHeights.flat()).reverse();
}

/** Opens every round at its points, absorbs the values, proves them. */
export function pcsOpen(rounds: PcsOpenRound[], transcript: Transcript, params: FriParams): { values: OpenedValues[]; proof: PcsProof } {
  const values = pcsEvaluate(rounds);
  return { values, proof: pcsProveOpenings(rounds, values, transcript, params) };
}

/** Step 1: every column at every point, barycentric over the first n LDE rows (weights shared per height and point). */
export function pcsEvaluate(rounds: PcsOpenRound[]): OpenedValues[] {
  checkNotReleased(rounds);
  try {
    return evaluateAll(rounds);
  } finally {
    openingScratch.releaseAll(); // the weights are dropped with the cache
  }
}

function evaluateAll(rounds: PcsOpenRound[]): OpenedValues[] {
  const weightCache = new Map<string, BarycentricWeights>();
  return rounds.map(({ commitment, points }) => {
    if (points.length !== commitment.ldes.length) throw new RangeError(`pcsEvaluate: ${points.length} point lists for ${commitment.ldes.length} matrices`);
    return commitment.ldes.map((lde, m) => {
      const logN = commitment.logTraceHeights[m];
      const weights = points[m].map((z) => {
        const key = `${logN}:${z.join(',')}`;
        let w = weightCache.get(key);
        if (w === undefined) {
          const scratch = openingScratch.take(4 << logN);
          weightCache.set(key, (w = barycentricWeights(logN, z, GENERATOR, openingScratch.take(4 << logN), scratch)));
          openingScratch.give(scratch);
        }
        return w;
      });
      return evaluateColumnsAt(lde, logN, weights); // all its points in one pass over the columns
    });
  });
}

/** Steps 2–4 for the given claimed values (a test can hand it wrong ones to play a consistent cheater). */
export function pcsProveOpenings(rounds: PcsOpenRound[], values: OpenedValues[], transcript: Transcript, params: FriParams): PcsProof {
  validateFriParams(params);
  checkNotReleased(rounds);
  const { logBlowup } = params;
  // 2. Absorb them all, then draw the batching coefficients.
  const widths = rounds.map((r) => r.commitment.ldes.map((m) => m.width));
  const coeffs = absorbAndSample(transcript, values, widths);

  // 3. One reduced-opening codeword per LDE height: Σ μ·(S(x) − S(z))/(x − z) over that height's matrices.
  const logLde = rounds.map((r) => r.commitment.logTraceHeights.map((h) => h + logBlowup));
  const heights = distinctHeights(logLde);
  try {
    const inputs = heights.map((logHeight, h) => {
      const terms: OpeningTerm[] = [];
      rounds.forEach((round, r) => round.commitment.ldes.forEach((lde, m) => {
        if (logLde[r][m] !== logHeight) return;
        const columnCoeffs = coeffs.columns[r][m];
        terms.push({
          lde, columnCoeffs, points: round.points[m], pointCoeffs: coeffs.points[r][m],
          claimed: values[r][m].map((v) => combineExts(v, columnCoeffs)),
        });
      }));
      const codeword = openingScratch.take(4 << logHeight);
      const form = reducedOpening(terms, logHeight, logBlowup, GENERATOR, codeword, openingScratch);
      if (form === null) return { logHeight, values: codeword };
      // FRI reads only the tallest codeword in the forms reducedOpening returns; the others are rolled in packed.
      if (h === 0) return { logHeight, values: codeword, ...form };
      packColumns(form.columns, 1 << logHeight, codeword);
      return { logHeight, values: codeword };
    });

    // 4. FRI, then open every round at the query indices.
    const { proof: fri, queryIndices } = friProve(inputs, transcript, params, { pool: openingScratch, foldInputInPlace: true });
    const logMax = heights[0];
    const inputOpenings = rounds.map(({ commitment: { tree } }) => {
      const shift = logMax - (tree.logMaxHeight + 1); // the tree has one leaf per two rows of the tallest LDE
      return merkleOpenMany(tree, sortedUnique(queryIndices.map((i) => leafOf(i >>> shift, tree.logMaxHeight))));
    });
    return { inputOpenings, fri };
  } finally {
    openingScratch.releaseAll(); // nothing returned references a scratch buffer (openings copy their rows)
  }
}

const shapeError = (msg: string) => new VerifyError('invalid-proof-shape', msg);

function checkRoundShapes(rounds: readonly PcsVerifyRound[], proof: PcsProof): void {
  if (rounds.length === 0) throw shapeError('PCS: no rounds to verify');
  if (proof.inputOpenings.length !== rounds.length) throw shapeError(`PCS: ${proof.inputOpenings.length} input openings for ${rounds.length} rounds`);
  rounds.forEach(({ root, dims, points, values }, r) => {
    if (!(root instanceof Uint8Array) || root.length !== DIGEST_BYTES) throw shapeError(`PCS round ${r}: root is not a ${DIGEST_BYTES}-byte digest`);
    if (dims.length === 0) throw shapeError(`PCS round ${r}: no matrices`);
    if (points.length !== dims.length || values.length !== dims.length) {
      throw shapeError(`PCS round ${r}: ${dims.length} matrices but ${points.length} point lists and ${values.length} value lists`);
    }
    dims.forEach(({ width, logTraceHeight }, m) => {
      if (!Number.isInteger(width) || width < 1) throw shapeError(`PCS round ${r} matrix ${m}: width ${width}`);
      if (!Number.isInteger(logTraceHeight) || logTraceHeight < 0) throw shapeError(`PCS round ${r} matrix ${m}: log trace height ${logTraceHeight}`);
      if (values[m].length !== points[m].length) throw shapeError(`PCS round ${r} matrix ${m}: ${values[m].length} opened points, expected ${points[m].length}`);
      values[m].forEach((vs, p) => {
        if (vs.length !== width) throw shapeError(`PCS round ${r} matrix ${m} point ${p}: ${vs.length} values, expected ${width}`);
        vs.forEach((v, c) => {
          if (!ext.isCanonicalExt(v)) throw shapeError(`PCS round ${r} matrix ${m} point ${p} column ${c}: not a canonical extension element`);
        });
      });
    });
  });
}

/**
 * A PCS proof object's containers, before any hashing (the verifier calls it with the rest of its shape checks):
 * counts and values are checked where they are used (pcsVerify, fri/verifier.ts, merkle.ts).
 */
export function checkPcsProofContainers(pcs: unknown, numRounds: number): void {
  const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';
  const isOpening = (o: unknown) => isObject(o) && Array.isArray(o.rows) && Array.isArray(o.nodes);
  if (!isObject(pcs) || !(Array.isArray(pcs.inputOpenings) && pcs.inputOpenings.length === numRounds) || !pcs.inputOpenings.every(isOpening)) {
    throw shapeError('the PCS proof must hold one multi-opening (rows, nodes) per round');
  }
  const fri = pcs.fri;
  if (!isObject(fri) || !Array.isArray(fri.layerRoots) || !Array.isArray(fri.finalPoly) || !Array.isArray(fri.layerOpenings)
    || !fri.layerOpenings.every(isOpening) || !fri.finalPoly.every((v) => Array.isArray(v) && ext.isCanonicalExt(v))) {
    throw shapeError('the FRI proof must hold layer roots, a final polynomial of extension elements and layer openings');
  }
  if (pcs.inputOpenings.some((o) => !(o as { rows: unknown[] }).rows.every(Array.isArray))) {
    throw shapeError('each PCS opening must hold one list of matrix rows per index');
  }
}

export function pcsVerify(rounds: PcsVerifyRound[], proof: PcsProof, transcript: Transcript, params: FriParams): void {
  validateFriParams(params);
  checkRoundShapes(rounds, proof);
  const { logBlowup } = params;
  const coeffs = absorbAndSample(transcript, rounds.map((r) => r.values), rounds.map((r) => r.dims.map((d) => d.width)));
  // Claimed S(z) per (round, matrix, point), the verifier's side of every DEEP quotient.
  const claimed = rounds.map((round, r) => round.values.map((vs, m) => vs.map((v) => combineExts(v, coeffs.columns[r][m]))));
  const logLde = rounds.map((r) => r.dims.map((d) => d.logTraceHeight + logBlowup));
  const heights = distinctHeights(logLde);
  const logMax = heights[0];
  // The trees commit leafView(lde): twice the width, half the height.
  const roundDims: MatrixDims[][] = rounds.map((r, i) => r.dims.map((d, m) => ({ width: 2 * d.width, height: 2 ** (logLde[i][m] - 1) })));

  const openInputs = (queryIndices: readonly number[]): Ext4[][] => {
    // Each round's leaves at its distinct indices, checked against the round root; rows are read out of them.
    const rowsAt = rounds.map((round, r) => {
      const logLeaves = Math.max(...logLde[r]) - 1;
      const shift = logMax - (logLeaves + 1);
      const indices = sortedUnique(queryIndices.map((i) => leafOf(i >>> shift, logLeaves)));
      const opening = proof.inputOpenings[r];
      if (opening.rows.length !== indices.length) throw shapeError(`PCS round ${r}: rows for ${opening.rows.length} indices, expected ${indices.length}`);
      merkleVerifyMany(round.root, roundDims[r], indices, opening);
      const byIndex = new Map(indices.map((idx, k) => [idx, opening.rows[k]]));
      return (query: number) => {
        const row = query >>> shift;
        return byIndex.get(leafOf(row, logLeaves))!.map((leafRow) => rowOfLeaf(leafRow, halfOf(row, logLeaves)));
      };
    });
    return queryIndices.map((index) => heights.map((logHeight) => {
      const position = index >>> (logMax - logHeight);
      const x = ext.fromBase(mul(GENERATOR, powOmega(logHeight, bitReverse(position, logHeight))));
      let ro: Ext4 = ext.ZERO;
      rounds.forEach((round, r) => round.dims.forEach((_, m) => {
        if (logLde[r][m] !== logHeight) return;
        const s = combineRow(rowsAt[r](index)[m], coeffs.columns[r][m]);
        round.points[m].forEach((z, p) => {
          const denom = ext.sub(x, z);
          if (ext.isZero(denom)) throw shapeError(`PCS round ${r} matrix ${m}: opening point lies in the LDE domain`);
          ro = ext.add(ro, ext.mul(coeffs.points[r][m][p], ext.div(ext.sub(s, claimed[r][m][p]), denom)));
        });
      }));
      return ro;
    }));
  };
  friVerify(proof.fri, heights, transcript, params, openInputs);
}

export function writePcsProof(w: ByteWriter, proof: PcsProof): void {
  for (const opening of proof.inputOpenings) {
    w.u32(opening.rows.length);
    for (const rows of opening.rows) for (const row of rows) writeFields(w, row);
    writeDigests(w, opening.nodes);
  }
  writeFriProof(w, proof.fri);
}

/** Strict and bounded: every count is checked against numQueries and the tree depth before allocation. */
export function readPcsProof(r: ByteReader, shape: PcsProofShape): PcsProof {
  const { params } = shape;
  validateFriParams(params);
  if (shape.rounds.length === 0) throw shapeError('PCS proof shape: no rounds');
  const logLde = shape.rounds.map((round) => round.dims.map((d) => d.logTraceHeight + params.logBlowup));
  const inputOpenings = shape.rounds.map((round, k) => {
    const depth = Math.max(...logLde[k]) - 1; // leaves are row pairs (leafView)
    const count = r.u32InRange(1, Math.min(params.numQueries, 2 ** depth), `PCS round ${k} opened indices`);
    const rows: Uint32Array[][] = [];
    for (let q = 0; q < count; q++) rows.push(round.dims.map((d, m) => readFields(r, 2 * d.width, `PCS round ${k} index ${q} matrix ${m}`)));
    const nodes = readDigests(r, count * depth, `PCS round ${k} nodes`);
    return { rows, nodes };
  });
  const fri = readFriProof(r, friSchedule(distinctHeights(logLde), params), params);
  return { inputOpenings, fri };
}
