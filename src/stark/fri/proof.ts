/**
 * The FRI proof object and its canonical binary encoding (codec.ts). The reader takes every count it can
 * from the schedule the verifier computed itself; the few it reads (distinct leaves and nodes per layer)
 * are bounded by numQueries and the tree depth before anything is allocated.
 */
import type { ByteReader, ByteWriter } from '../codec.ts';
import type { Ext4 } from '../field/ext4.ts';
import { DIGEST_BYTES } from '../hash.ts';
import type { Digest } from '../hash.ts';
import type { FriParams } from './params.ts';
import type { FriSchedule } from './schedule.ts';

/** A layer's openings: one leaf row (the 2^logArity entries of a coset, 4 words each) per distinct leaf. */
export interface FriLayerOpening {
  /** Rows for the distinct queried leaf indices of this layer, in ascending leaf order. */
  readonly rows: Uint32Array[];
  /** Compact multi-opening nodes (merkle.ts, merkleOpenMany). */
  readonly nodes: Digest[];
}

export interface FriProof {
  readonly layerRoots: Digest[];
  /** Coefficients, lowest degree first; exactly schedule.finalPolyLen of them. */
  readonly finalPoly: Ext4[];
  readonly powNonce: number;
  readonly layerOpenings: FriLayerOpening[];
}

export function writeDigests(w: ByteWriter, digests: readonly Digest[]): void {
  w.u32(digests.length);
  for (const d of digests) w.bytes(d);
}

export function readDigests(r: ByteReader, max: number, what: string): Digest[] {
  const count = r.u32InRange(0, max, `${what} count`);
  const out: Digest[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = r.bytes(DIGEST_BYTES, what);
  return out;
}

export function writeFields(w: ByteWriter, xs: Uint32Array): void {
  for (let i = 0; i < xs.length; i++) w.field(xs[i]);
}

export function readFields(r: ByteReader, count: number, what: string): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = r.field(what);
  return out;
}

export function writeFriProof(w: ByteWriter, proof: FriProof): void {
  for (const root of proof.layerRoots) w.bytes(root);
  for (const c of proof.finalPoly) w.ext(c);
  w.u32(proof.powNonce);
  for (const layer of proof.layerOpenings) {
    w.u32(layer.rows.length);
    for (const row of layer.rows) writeFields(w, row);
    writeDigests(w, layer.nodes);
  }
}

export function readFriProof(r: ByteReader, schedule: FriSchedule, params: FriParams): FriProof {
  const { layers } = schedule;
  const layerRoots = layers.map((_, l) => r.bytes(DIGEST_BYTES, `FRI layer ${l} root`));
  const finalPoly: Ext4[] = [];
  for (let i = 0; i < schedule.finalPolyLen; i++) finalPoly.push(r.ext(`FRI final polynomial coefficient ${i}`));
  const powNonce = r.u32('FRI query PoW nonce');
  const layerOpenings = layers.map(({ logHeight, logArity }, l) => {
    const leafCount = 1 << (logHeight - logArity);
    const count = r.u32InRange(1, Math.min(params.numQueries, leafCount), `FRI layer ${l} opened leaves`);
    const rows: Uint32Array[] = [];
    for (let i = 0; i < count; i++) rows.push(readFields(r, 4 << logArity, `FRI layer ${l} row ${i}`));
    const nodes = readDigests(r, count * (logHeight - logArity), `FRI layer ${l} nodes`);
    return { rows, nodes };
  });
  return { layerRoots, finalPoly, powNonce, layerOpenings };
}
