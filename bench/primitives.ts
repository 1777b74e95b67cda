/**
 * STARK primitives: BabyBear multiplications, NTT 2^20 (reference TS vs wasm kernel), BLAKE3 Merkle
 * hashing, and the "floor" of a proof — the coset LDE plus Merkle commitment of its main trace —
 * measured in this same run so the prover's time can be read as a multiple of it.
 */
import { mul, P } from '../src/stark/field/babybear.ts';
import { matrix, type Matrix } from '../src/stark/matrix.ts';
import { ntt } from '../src/stark/ntt.ts';
import { pcsCommit, pcsRelease } from '../src/stark/pcs.ts';
import { DEFAULT_PARAMS } from '../src/stark/params.ts';
import { referenceNtt } from '../src/stark/ntt-reference.ts';
import { compressPairsWasm, leafJob, requireKernel, runJob } from '../src/stark/kernels/blake3-wasm.ts';
import { referenceTreeHasher, merkleCommit } from '../src/stark/merkle.ts';
import { bestOf, type BenchRow } from './table.ts';

function randomColumn(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % P;
  }
  return out;
}

function randomMatrix(width: number, logHeight: number): Matrix {
  const m = matrix(width, 1 << logHeight);
  for (let c = 0; c < width; c++) m.values.set(randomColumn(1 << logHeight, 0x9e3779b9 + c), c << logHeight);
  return m;
}

/**
 * The floor of a width × 2^logHeight trace's proof: its main-trace commitment (coset LDE + Merkle tree),
 * exactly as the prover's first round makes it (pcsCommit). Returns a timer of one warm commitment (pcsRelease
 * returns the buffers; the first call, which pays for fresh pages, is made here).
 */
export function floorTimer(width: number, logHeight: number, logBlowup: number): () => number {
  const trace = randomMatrix(width, logHeight);
  const params = { ...DEFAULT_PARAMS, logBlowup };
  const commit = () => pcsRelease(pcsCommit([trace], params));
  commit();
  return () => {
    const t0 = performance.now();
    commit();
    return performance.now() - t0;
  };
}

export async function runPrimitivesBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  const a = randomColumn(1 << 16, 1);
  const b = randomColumn(1 << 16, 2);
  let sink = 0;
  const mulMs = bestOf(5, () => {
    for (let r = 0; r < 16; r++) for (let i = 0; i < a.length; i++) sink ^= mul(a[i], b[i]);
  });
  rows.push({ part: 'primitives', metric: 'babybear mul (JS)', value: (16 * a.length) / mulMs / 1e3, unit: 'M/s', note: `sink ${sink & 1}` });

  const col = randomColumn(1 << 20, 3);
  const work = new Uint32Array(col.length);
  const refMs = bestOf(2, () => {
    work.set(col);
    referenceNtt(work);
  });
  const wasmMs = bestOf(5, () => {
    work.set(col);
    ntt(work);
  });
  rows.push(
    { part: 'primitives', metric: 'NTT 2^20, reference TS', value: refMs, unit: 'ms' },
    { part: 'primitives', metric: 'NTT 2^20, wasm SIMD', value: wasmMs, unit: 'ms', target: '≤ 8' },
  );

  const leaves = randomMatrix(16, 18);
  const leafBytes = 16 * 4 * (1 << 18);
  // One thread, digests into a reused buffer: fresh output pages cost ~12 µs per 4 KiB on this VM, as much as hashing them.
  const leafDigests = new Uint8Array(32 << 18);
  const leafMs = bestOf(3, () => runJob(requireKernel(), leafJob([leaves], 1 << 18, 0), leafDigests));
  const treeMs = bestOf(3, () => void merkleCommit([leaves]));
  const children = new Uint8Array(64 << 17).map((_, i) => i * 31);
  const nodeMs = bestOf(3, () => void compressPairsWasm(children));
  const refLeaves = randomMatrix(16, 14);
  const refLeafMs = bestOf(2, () => void referenceTreeHasher.leafDigests([refLeaves], 1 << 14));
  rows.push(
    { part: 'primitives', metric: 'BLAKE3 leaves 16 cols, wasm SIMD, one thread', value: leafBytes / leafMs / 1e3, unit: 'MB/s', target: '≥ 1000', note: 'incl. copy into wasm memory' },
    { part: 'primitives', metric: 'Merkle commit 16 × 2^18 (leaves + nodes)', value: leafBytes / treeMs / 1e3, unit: 'MB/s', note: 'row bytes / time, one thread' },
    { part: 'primitives', metric: 'BLAKE3 nodes, wasm SIMD', value: children.length / nodeMs / 1e3, unit: 'MB/s' },
    { part: 'primitives', metric: 'BLAKE3 leaves 16 cols, reference', value: (16 * 4 * (1 << 14)) / refLeafMs / 1e3, unit: 'MB/s' },
  );
  return rows;
}
