/**
 * The proof object and its canonical, versioned binary encoding (codec.ts). The reader takes every count
 * from the verifying key and parameters, bounds what it must read before allocating, rejects
 * non-canonical field elements and trailing bytes: one proof, one encoding.
 */
import { ByteReader, ByteWriter, DecodeError } from './codec.ts';
import type { Ext4 } from './field/ext4.ts';
import { TWO_ADICITY } from './field/babybear.ts';
import { DIGEST_BYTES, type Digest } from './hash.ts';
import { MIN_LOG_HEIGHT, type VerifyingKey } from './keys.ts';
import { readPcsProof, writePcsProof, type OpenedValues, type PcsProof } from './pcs.ts';
import { auxTables, roundDims, roundShapes } from './protocol.ts';

/** "ZKCP" little-endian. */
export const PROOF_MAGIC = 0x50434b5a;
export const PROOF_VERSION = 1;

export interface Proof {
  /** The verifying key the prover used; compared first for a clear error (the transcript binds it anyway). */
  readonly vkDigest: Digest;
  readonly logHeights: readonly number[];
  readonly mainRoot: Digest;
  /** Present iff some table has interactions. */
  readonly auxRoot: Digest | null;
  /**
   * Per table with interactions (table order), one claimed sum per LogUp repetition; the number of
   * repetitions is the verifying key's `params.lookupRepetitions`.
   */
  readonly claimedSums: readonly (readonly Ext4[])[];
  readonly quotientRoot: Digest;
  /** Per PCS round ([prep], main, [aux], quotient): [matrix][point][column]. */
  readonly openedValues: readonly OpenedValues[];
  readonly pcsProof: PcsProof;
}

export function writeProof(proof: Proof): Uint8Array {
  const w = new ByteWriter();
  w.u32(PROOF_MAGIC).u32(PROOF_VERSION);
  w.bytes(proof.vkDigest);
  for (const h of proof.logHeights) w.u32(h);
  w.bytes(proof.mainRoot);
  if (proof.auxRoot !== null) w.bytes(proof.auxRoot);
  for (const sums of proof.claimedSums) for (const s of sums) w.ext(s);
  w.bytes(proof.quotientRoot);
  for (const round of proof.openedValues) for (const mat of round) for (const point of mat) for (const v of point) w.ext(v);
  writePcsProof(w, proof.pcsProof);
  return w.finish();
}

/** Strict decoding against the verifying key (which also fixes the parameters). Throws DecodeError. */
export function readProof(bytes: Uint8Array, vk: VerifyingKey): Proof {
  const r = new ByteReader(bytes);
  const magic = r.u32('proof magic');
  if (magic !== PROOF_MAGIC) throw new DecodeError('invalid-value', `not a zkc STARK proof (magic 0x${magic.toString(16)})`);
  const version = r.u32('proof version');
  if (version !== PROOF_VERSION) throw new DecodeError('invalid-value', `unsupported proof version ${version} (expected ${PROOF_VERSION})`);
  const vkDigest = r.bytes(DIGEST_BYTES, 'verifying key digest');
  // Heights only need a sanity bound here (they size the PCS proof); the verifier checks them against the key.
  const maxLog = TWO_ADICITY - vk.params.logBlowup;
  const logHeights = vk.tables.map((t) => r.u32InRange(MIN_LOG_HEIGHT, maxLog, `${t.name} log height`));
  const mainRoot = r.bytes(DIGEST_BYTES, 'main root');
  const aux = auxTables(vk);
  const auxRoot = aux.length > 0 ? r.bytes(DIGEST_BYTES, 'aux root') : null;
  // R per aux table, R fixed by the key (never read from the proof).
  const claimedSums = aux.map((t) =>
    Array.from({ length: vk.params.lookupRepetitions }, (_, rep) => r.ext(`${vk.tables[t].name} claimed sum ${rep}`)));
  const quotientRoot = r.bytes(DIGEST_BYTES, 'quotient root');
  const shapes = roundShapes(vk);
  const openedValues = shapes.map((s, round) =>
    s.widths.map((width, m) =>
      Array.from({ length: s.numPoints }, (_, p) =>
        Array.from({ length: width }, () => r.ext(`opened value (round ${round}, matrix ${m}, point ${p})`)))));
  const pcsProof = readPcsProof(r, {
    params: vk.params,
    rounds: shapes.map((s) => ({ dims: roundDims(s, logHeights) })),
  });
  r.finish('proof');
  return { vkDigest, logHeights, mainRoot, auxRoot, claimedSums, quotientRoot, openedValues, pcsProof };
}
