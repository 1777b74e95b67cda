/**
 * Mixed-height matrix commitment (MMCS), as Plonky3's `MerkleTreeMmcs`; layout in docs/stark.md.
 * Leaves hash the concatenated rows of the tallest matrices; at the level whose node count equals a smaller
 * height h, node' = hashNode(node, hashLeaf(rows of the height-h matrices, concatenated in commit order)).
 * Level l holds the digests *after* that injection; siblings and multi-opening nodes are taken from it.
 */
import { P } from './field/babybear.ts';
import { DIGEST_BYTES, digestEquals, hashLeaf, hashNode } from './hash.ts';
import type { Digest } from './hash.ts';
import { isPowerOfTwo, log2Exact } from './matrix.ts';
import type { Matrix } from './matrix.ts';
import { VerifyError } from './errors.ts';
import { fastTreeHasher } from './kernels/blake3-wasm.ts';

export interface MatrixDims {
  width: number;
  /** The committed (LDE) height, a power of two. */
  height: number;
}

export interface MerkleTree {
  readonly root: Digest;
  readonly matrices: readonly Matrix[];
  readonly logMaxHeight: number;
  /** The lowest level kept (≤ FUSED_LEVELS): below it an opening rehashes the rows of the queried subtree. */
  readonly storedFrom: number;
  /**
   * levels[l − storedFrom] holds the 2^(logMaxHeight − l) digests of level l ≥ storedFrom, node i at bytes
   * [32i, 32i + 32). Levels 0 … storedFrom − 1, nearly all of a tall tree's digests, are never materialized.
   */
  readonly levels: readonly Uint8Array[];
}

export interface MerkleOpening {
  /** One row per matrix, in commit order: row index >> (logMaxHeight − log2(height)). */
  rows: Uint32Array[];
  /** Sibling digests from the leaf level up (logMaxHeight of them). */
  siblings: Digest[];
}

export interface MerkleMultiOpening {
  /** rows[q][m]: the row of matrix m opened by indices[q] (duplicates included, in the caller's order). */
  rows: Uint32Array[][];
  /** Sibling nodes the verifier cannot compute, each once: level by level from the leaves, by position. */
  nodes: Digest[];
}

/**
 * The digest arithmetic of one tree build, so that the reference and the wasm kernel share the tree logic.
 * All digest arrays hold 32-byte digests back to back.
 */
export interface TreeHasher {
  /** hashLeaf of row i of the given same-height matrices concatenated, for every row i. */
  leafDigests(matrices: readonly Matrix[], height: number): Uint8Array;
  /**
   * compressPairs applied `levels` ≥ 1 times to leafDigests(matrices, height), 2^levels dividing height: a kernel
   * can skip materializing the levels below.
   */
  subtreeDigests(matrices: readonly Matrix[], height: number, levels: number): Uint8Array;
  /** out[i] = hashNode(children[2i], children[2i + 1]). */
  compressPairs(children: Uint8Array): Uint8Array;
  /** nodes[i] = hashNode(nodes[i], injected[i]), in place. */
  injectInPlace(nodes: Uint8Array, injected: Uint8Array): void;
}

/** Matrices grouped by level: byLevel[l] lists (in commit order) those of height 2^(logMax − l). */
function groupByLevel(logHeights: readonly number[]): { logMax: number; byLevel: number[][] } {
  const logMax = Math.max(...logHeights);
  const byLevel: number[][] = Array.from({ length: logMax + 1 }, () => []);
  logHeights.forEach((lh, m) => byLevel[logMax - lh].push(m));
  return { logMax, byLevel };
}

function concatRow(matrices: readonly Matrix[], row: number, out: Uint32Array): Uint32Array {
  let o = 0;
  for (const m of matrices) {
    const { width, height, values } = m;
    for (let c = 0; c < width; c++) out[o++] = values[c * height + row];
  }
  return out;
}

const digestAt = (level: Uint8Array, i: number): Digest => level.slice(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES);

export const referenceTreeHasher: TreeHasher = {
  leafDigests(matrices, height) {
    const buf = new Uint32Array(matrices.reduce((s, m) => s + m.width, 0));
    const out = new Uint8Array(height * DIGEST_BYTES);
    for (let i = 0; i < height; i++) out.set(hashLeaf(concatRow(matrices, i, buf)), i * DIGEST_BYTES);
    return out;
  },
  subtreeDigests(matrices, height, levels) {
    let digests = this.leafDigests(matrices, height);
    for (let l = 0; l < levels; l++) digests = this.compressPairs(digests);
    return digests;
  },
  compressPairs(children) {
    const count = children.length / (2 * DIGEST_BYTES);
    const out = new Uint8Array(count * DIGEST_BYTES);
    for (let i = 0; i < count; i++) out.set(hashNode(digestAt(children, 2 * i), digestAt(children, 2 * i + 1)), i * DIGEST_BYTES);
    return out;
  },
  injectInPlace(nodes, injected) {
    const count = nodes.length / DIGEST_BYTES;
    for (let i = 0; i < count; i++) nodes.set(hashNode(digestAt(nodes, i), digestAt(injected, i)), i * DIGEST_BYTES);
  },
};

/**
 * Commits the matrices (rows in stored order; LDEs are bit-reversed) with the wasm kernel where available,
 * on two threads after `startHashWorker()` (kernels/blake3-workers.ts, Node only).
 */
export function merkleCommit(matrices: Matrix[]): MerkleTree {
  return merkleCommitWith(matrices, fastTreeHasher() ?? referenceTreeHasher);
}

/**
 * Tree levels hashed in one pass over the rows and not kept (the hasher's subtreeDigests): 2^6-row subtrees, so
 * a 2^22-row tree keeps 4 MiB of digests instead of 128 MiB, and an opening rehashes 64 rows per queried block.
 */
export const FUSED_LEVELS = 6;

/** `fuseLevels`: the most levels hashed in one pass (fewer below a level where a smaller matrix is injected). */
export function merkleCommitWith(matrices: readonly Matrix[], hasher: TreeHasher, fuseLevels = FUSED_LEVELS): MerkleTree {
  if (matrices.length === 0) throw new RangeError('merkleCommit: no matrices to commit');
  const logHeights = matrices.map((m, i) => {
    if (m.values.length !== m.width * m.height) throw new RangeError(`merkleCommit: matrix ${i} has ${m.values.length} values for ${m.width}×${m.height}`);
    return log2Exact(m.height);
  });
  const { logMax, byLevel } = groupByLevel(logHeights);
  const pick = (l: number) => byLevel[l].map((m) => matrices[m]);
  // Fused levels must not receive injections, except the top one (injected after the pass, as any level).
  let storedFrom = Math.min(fuseLevels, logMax);
  for (let l = 1; l < storedFrom; l++) if (byLevel[l].length > 0) storedFrom = l;
  const inject = (digests: Uint8Array, l: number) => {
    if (l > 0 && byLevel[l].length > 0) hasher.injectInPlace(digests, hasher.leafDigests(pick(l), 1 << (logMax - l)));
  };
  let current = storedFrom === 0 ? hasher.leafDigests(pick(0), 1 << logMax) : hasher.subtreeDigests(pick(0), 1 << logMax, storedFrom);
  inject(current, storedFrom);
  const levels: Uint8Array[] = [current];
  for (let l = storedFrom + 1; l <= logMax; l++) {
    current = hasher.compressPairs(current);
    inject(current, l);
    levels.push(current);
  }
  return { root: digestAt(current, 0), matrices: [...matrices], logMaxHeight: logMax, storedFrom, levels };
}

/** Rows [r0, r0 + count) of a matrix, as a matrix. */
function rowSlice(m: Matrix, r0: number, count: number): Matrix {
  const values = new Uint32Array(m.width * count);
  for (let c = 0; c < m.width; c++) values.set(m.values.subarray(c * m.height + r0, c * m.height + r0 + count), c * count);
  return { width: m.width, height: count, values };
}

/**
 * The unstored levels 1 … storedFrom − 1 of subtree `block` (rows [block·2^s, (block + 1)·2^s), s = storedFrom),
 * rebuilt from the tallest matrices' rows (no smaller matrix is injected there), once per block per opening.
 */
function subtreeOf(tree: MerkleTree, block: number, cache: Map<number, MerkleTree>): MerkleTree {
  let sub = cache.get(block);
  if (sub === undefined) {
    const size = 1 << tree.storedFrom;
    const tallest = tree.matrices.filter((m) => m.height === 1 << tree.logMaxHeight);
    sub = merkleCommitWith(tallest.map((m) => rowSlice(m, block * size, size)), fastTreeHasher() ?? referenceTreeHasher, 1);
    cache.set(block, sub);
  }
  return sub;
}

/** The digest at (level, position), recomputing leaf digests and fused levels from the rows. */
function nodeDigest(tree: MerkleTree, level: number, position: number, cache: Map<number, MerkleTree>): Digest {
  if (level >= tree.storedFrom) return digestAt(tree.levels[level - tree.storedFrom], position);
  if (level > 0) {
    const shift = tree.storedFrom - level;
    return digestAt(subtreeOf(tree, position >> shift, cache).levels[level - 1], position & ((1 << shift) - 1));
  }
  const tallest = tree.matrices.filter((m) => m.height === 1 << tree.logMaxHeight);
  return hashLeaf(concatRow(tallest, position, new Uint32Array(tallest.reduce((s, m) => s + m.width, 0))));
}

function openRows(tree: MerkleTree, index: number): Uint32Array[] {
  return tree.matrices.map((m) => {
    const r = index >> (tree.logMaxHeight - log2Exact(m.height));
    return concatRow([m], r, new Uint32Array(m.width));
  });
}

function checkIndex(tree: MerkleTree, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= 1 << tree.logMaxHeight) {
    throw new RangeError(`merkle opening: index ${index} is outside [0, ${1 << tree.logMaxHeight})`);
  }
}

export function merkleOpen(tree: MerkleTree, index: number): MerkleOpening {
  checkIndex(tree, index);
  const siblings: Digest[] = [];
  const cache = new Map<number, MerkleTree>();
  for (let l = 0; l < tree.logMaxHeight; l++) siblings.push(nodeDigest(tree, l, (index >> l) ^ 1, cache));
  return { rows: openRows(tree, index), siblings };
}

/** Sorted distinct values. */
/** Sorted distinct values (query indices, leaf positions). */
export const sortedUnique = (xs: readonly number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

export function merkleOpenMany(tree: MerkleTree, indices: number[]): MerkleMultiOpening {
  indices.forEach((i) => checkIndex(tree, i));
  const nodes: Digest[] = [];
  const cache = new Map<number, MerkleTree>();
  let known = sortedUnique(indices);
  for (let l = 0; l < tree.logMaxHeight; l++) {
    for (let k = 0; k < known.length; k++) {
      const pos = known[k];
      if ((pos & 1) === 0 && known[k + 1] === pos + 1) k++; // both children known: the verifier computes the parent
      else nodes.push(nodeDigest(tree, l, pos ^ 1, cache));
    }
    known = sortedUnique(known.map((p) => p >> 1));
  }
  return { rows: indices.map((i) => openRows(tree, i)), nodes };
}

// ---- verification: everything here comes from the proof except root, dims and indices ----

const shapeError = (msg: string) => new VerifyError('opening-shape-mismatch', msg);

function checkedLayout(dims: readonly MatrixDims[]): { logMax: number; byLevel: number[][] } {
  if (dims.length === 0) throw shapeError('merkle verify: no matrix dimensions given');
  const logHeights = dims.map(({ width, height }, m) => {
    if (!Number.isInteger(width) || width < 0) throw shapeError(`merkle verify: matrix ${m} has invalid width ${width}`);
    if (!isPowerOfTwo(height) || height > 2 ** 30) throw shapeError(`merkle verify: matrix ${m} height ${height} is not a power of two ≤ 2^30`);
    return log2Exact(height);
  });
  return groupByLevel(logHeights);
}

/** Opened rows must match the committed widths and be canonical field elements (the arithmetic assumes < p). */
function checkRows(dims: readonly MatrixDims[], rows: readonly Uint32Array[], what: string): void {
  if (!Array.isArray(rows) || rows.length !== dims.length) {
    throw shapeError(`${what}: expected ${dims.length} rows, got ${Array.isArray(rows) ? rows.length : typeof rows}`);
  }
  rows.forEach((row, m) => {
    if (!(row instanceof Uint32Array) || row.length !== dims[m].width) {
      throw shapeError(`${what}: row of matrix ${m} has ${row?.length} values, expected ${dims[m].width}`);
    }
    for (let c = 0; c < row.length; c++) {
      if (row[c] >= P) throw shapeError(`${what}: matrix ${m} column ${c} holds ${row[c]} ≥ p`);
    }
  });
}

function checkDigest(d: unknown, what: string): asserts d is Digest {
  if (!(d instanceof Uint8Array) || d.length !== DIGEST_BYTES) throw shapeError(`${what} is not a ${DIGEST_BYTES}-byte digest`);
}

function checkVerifyIndex(index: number, logMax: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** logMax) {
    throw shapeError(`merkle verify: index ${index} is outside [0, ${2 ** logMax})`);
  }
}

function concatOpened(rows: readonly Uint32Array[], matrixIds: readonly number[]): Uint32Array {
  const out = new Uint32Array(matrixIds.reduce((s, m) => s + rows[m].length, 0));
  let o = 0;
  for (const m of matrixIds) {
    out.set(rows[m], o);
    o += rows[m].length;
  }
  return out;
}

export function merkleVerify(root: Digest, dims: MatrixDims[], index: number, opening: MerkleOpening): void {
  const { logMax, byLevel } = checkedLayout(dims);
  checkVerifyIndex(index, logMax);
  checkRows(dims, opening.rows, `merkle opening at ${index}`);
  if (!Array.isArray(opening.siblings) || opening.siblings.length !== logMax) {
    throw shapeError(`merkle opening at ${index}: expected ${logMax} siblings, got ${opening.siblings?.length}`);
  }
  let node = hashLeaf(concatOpened(opening.rows, byLevel[0]));
  for (let l = 1; l <= logMax; l++) {
    const sibling = opening.siblings[l - 1];
    checkDigest(sibling, `merkle opening at ${index}: sibling ${l - 1}`);
    node = ((index >> (l - 1)) & 1) === 0 ? hashNode(node, sibling) : hashNode(sibling, node);
    if (byLevel[l].length > 0) node = hashNode(node, hashLeaf(concatOpened(opening.rows, byLevel[l])));
  }
  if (!digestEquals(node, root)) throw new VerifyError('merkle-path-mismatch', `merkle opening at ${index} does not match the root`);
}

/**
 * Several queries' rows may be the same committed row (equal indices, or indices that agree above level l
 * for a smaller matrix). The verifier hashes one copy, so every other copy must be identical; otherwise a
 * prover could answer one query with a committed row and another with anything.
 */
function checkSameRows(rows: readonly Uint32Array[][], queries: readonly number[], matrixIds: readonly number[], where: string): void {
  const first = rows[queries[0]];
  for (let k = 1; k < queries.length; k++) {
    const other = rows[queries[k]];
    for (const m of matrixIds) {
      for (let c = 0; c < first[m].length; c++) {
        if (first[m][c] !== other[m][c]) {
          throw new VerifyError('merkle-path-mismatch', `${where}: queries ${queries[0]} and ${queries[k]} open different rows of matrix ${m}`);
        }
      }
    }
  }
}

export function merkleVerifyMany(root: Digest, dims: MatrixDims[], indices: number[], opening: MerkleMultiOpening): void {
  const { logMax, byLevel } = checkedLayout(dims);
  if (indices.length === 0) throw shapeError('merkle verify: no indices (an empty opening proves nothing)');
  indices.forEach((i) => checkVerifyIndex(i, logMax));
  if (!Array.isArray(opening.rows) || opening.rows.length !== indices.length) {
    throw shapeError(`merkle multi-opening: expected rows for ${indices.length} indices, got ${opening.rows?.length}`);
  }
  opening.rows.forEach((rows, q) => checkRows(dims, rows, `merkle multi-opening, index ${indices[q]}`));
  if (!Array.isArray(opening.nodes)) throw shapeError('merkle multi-opening: nodes missing');

  // known[k]: a position at the current level, the queries below it, and its digest; sorted by position.
  const queriesAt = new Map<number, number[]>();
  indices.forEach((i, q) => queriesAt.set(i, [...(queriesAt.get(i) ?? []), q]));
  let known = sortedUnique(indices).map((pos) => {
    const queries = queriesAt.get(pos)!;
    checkSameRows(opening.rows, queries, dims.map((_, m) => m), `merkle multi-opening at ${pos}`);
    return { pos, queries, digest: hashLeaf(concatOpened(opening.rows[queries[0]], byLevel[0])) };
  });
  let cursor = 0;
  const nextNode = (): Digest => {
    if (cursor >= opening.nodes.length) throw shapeError(`merkle multi-opening: only ${opening.nodes.length} nodes given`);
    const d = opening.nodes[cursor];
    checkDigest(d, `merkle multi-opening: node ${cursor}`);
    cursor++;
    return d;
  };
  for (let l = 1; l <= logMax; l++) {
    const parents: typeof known = [];
    for (let k = 0; k < known.length; k++) {
      const { pos, queries, digest } = known[k];
      let parent: { pos: number; queries: number[]; digest: Digest };
      if ((pos & 1) === 0 && known[k + 1]?.pos === pos + 1) {
        const right = known[++k];
        parent = { pos: pos >> 1, queries: queries.concat(right.queries), digest: hashNode(digest, right.digest) };
      } else {
        const sibling = nextNode();
        parent = { pos: pos >> 1, queries, digest: (pos & 1) === 0 ? hashNode(digest, sibling) : hashNode(sibling, digest) };
      }
      if (byLevel[l].length > 0) {
        checkSameRows(opening.rows, parent.queries, byLevel[l], `merkle multi-opening level ${l}, position ${parent.pos}`);
        parent.digest = hashNode(parent.digest, hashLeaf(concatOpened(opening.rows[parent.queries[0]], byLevel[l])));
      }
      parents.push(parent);
    }
    known = parents;
  }
  if (cursor !== opening.nodes.length) {
    throw shapeError(`merkle multi-opening: ${opening.nodes.length - cursor} unused nodes (expected ${cursor})`);
  }
  if (!digestEquals(known[0].digest, root)) throw new VerifyError('merkle-path-mismatch', 'merkle multi-opening does not match the root');
}
