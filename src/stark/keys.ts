/**
 * Setup: from the AIRs (and fixed preprocessed columns) to a proving key and a verifying key.
 * The verifying key fixes everything the verifier must not take from a proof (SP1 GHSA-c873-wfhp-wx5m,
 * GHSA-6248-228x-mmvh; Jolt #436/#490): table order and names, widths, each table's constraint-set digest,
 * the preprocessed root and the heights it fixes, the bus registry, height bounds and the parameters.
 * Its digest is absorbed right after the parameters, which binds e.g. a program held in preprocessed columns.
 */
import type { Air } from './air.ts';
import { ByteWriter } from './codec.ts';
import { buildTableSystem, programDigest, type TableSystem } from './constraint-system.ts';
import { InputError, VerifyError } from './errors.ts';
import { digestEquals } from './hash.ts';
import { paramWords, validateParams, type StarkParams } from './params.ts';
import type { Digest } from './hash.ts';
import { registerBuses } from './lookup.ts';
import { isPowerOfTwo, log2Exact, type Matrix } from './matrix.ts';
import { pcsCommit, type PcsCommitment } from './pcs.ts';
import { blake3 } from '@noble/hashes/blake3.js';
import { P, TWO_ADICITY } from './field/babybear.ts';

/** Default bound on a table's log height when the caller gives none (2^24 rows; security is checked per proof). */
const DEFAULT_MAX_LOG_HEIGHT = 24;
/** Tables have at least 2 rows so that "next row" differs from "this row". */
export const MIN_LOG_HEIGHT = 1;
const VK_DIGEST_DOMAIN = 'zkc/stark/verifying-key/v1';

export interface TableKey {
  readonly name: string;
  readonly mainWidth: number;
  readonly prepWidth: number;
  /** Auxiliary extension columns (4 committed base columns each). */
  readonly auxWidth: number;
  readonly numPublicValues: number;
  readonly numInteractions: number;
  readonly constraintDigest: Digest;
  /** log2 of the height the preprocessed columns fix, or null for a table without them. */
  readonly fixedLogHeight: number | null;
  readonly maxLogHeight: number;
}

export interface VerifyingKey {
  readonly params: StarkParams;
  readonly tables: readonly TableKey[];
  /** The verifier's own constraint systems, derived from the AIRs (never read from a proof). */
  readonly systems: readonly TableSystem[];
  /** [bus, arity], ascending by bus. */
  readonly buses: readonly (readonly [number, number])[];
  /** Root of the preprocessed commitment, or null when no table has preprocessed columns. */
  readonly preprocessedRoot: Digest | null;
  readonly digest: Digest;
}

export interface ProvingKey {
  readonly vk: VerifyingKey;
  /** Commitment to the preprocessed matrices of tables with prepWidth > 0, in table order. */
  readonly preprocessed: PcsCommitment | null;
  readonly preprocessedMatrices: readonly (Matrix | undefined)[];
}

export interface SetupOptions {
  /** Upper bound on each table's log height (one number for all tables, or one per table). */
  maxLogHeight?: number | readonly number[];
}

function checkMaxLogHeight(x: number, params: StarkParams, what: string): number {
  if (!Number.isInteger(x) || x < MIN_LOG_HEIGHT || x + params.logBlowup > TWO_ADICITY) {
    throw new InputError('invalid-parameters', `${what}: max log height ${x} must be an integer in [${MIN_LOG_HEIGHT}, ${TWO_ADICITY - params.logBlowup}]`);
  }
  return x;
}

export function setup(
  airs: readonly Air[],
  preprocessed: readonly (Matrix | undefined)[],
  params: StarkParams,
  options: SetupOptions = {},
): { provingKey: ProvingKey; verifyingKey: VerifyingKey } {
  try {
    validateParams(params);
  } catch (e) {
    throw new InputError('invalid-parameters', e instanceof Error ? e.message : String(e));
  }
  if (airs.length === 0) throw new InputError('invalid-air', 'setup needs at least one AIR');
  if (preprocessed.length !== airs.length) {
    throw new InputError('trace-shape-mismatch', `expected ${airs.length} preprocessed entries (undefined for none), got ${preprocessed.length}`);
  }
  const names = new Set<string>();
  const busRegistry = new Map<number, number>();
  const systems = airs.map((air) => buildTableSystem(air, params.lookupRepetitions));
  const tables: TableKey[] = systems.map((sys, t) => {
    if (sys.mainWidth < 1) throw new InputError('invalid-air', `${sys.name}: a table needs at least one main column`);
    if (names.has(sys.name)) throw new InputError('invalid-air', `two tables are named ${sys.name}`);
    names.add(sys.name);
    registerBuses(sys.name, sys.interactions, busRegistry);
    const maxOpt = options.maxLogHeight;
    const maxLogHeight = checkMaxLogHeight(
      typeof maxOpt === 'number' ? maxOpt : (maxOpt?.[t] ?? DEFAULT_MAX_LOG_HEIGHT), params, sys.name);
    if (sys.logQuotientChunks > params.logBlowup) {
      throw new InputError('invalid-parameters', `${sys.name}: ${1 << sys.logQuotientChunks} quotient chunks need logBlowup ≥ ${sys.logQuotientChunks}`);
    }
    const prep = preprocessed[t];
    let fixedLogHeight: number | null = null;
    if (sys.prepWidth > 0) {
      if (prep === undefined || prep.width !== sys.prepWidth) {
        throw new InputError('trace-shape-mismatch', `${sys.name}: expected a preprocessed matrix of width ${sys.prepWidth}`);
      }
      if (!isPowerOfTwo(prep.height)) throw new InputError('trace-shape-mismatch', `${sys.name}: preprocessed height ${prep.height} is not a power of two`);
      fixedLogHeight = log2Exact(prep.height);
      if (fixedLogHeight < MIN_LOG_HEIGHT || fixedLogHeight > maxLogHeight) {
        throw new InputError('trace-shape-mismatch', `${sys.name}: preprocessed height 2^${fixedLogHeight} is outside [2^${MIN_LOG_HEIGHT}, 2^${maxLogHeight}]`);
      }
      if (prep.values.some((v) => v >= P)) throw new InputError('trace-shape-mismatch', `${sys.name}: preprocessed values must be canonical`);
    } else if (prep !== undefined) {
      throw new InputError('trace-shape-mismatch', `${sys.name}: has no preprocessed columns, but a matrix was given`);
    }
    return {
      name: sys.name,
      mainWidth: sys.mainWidth,
      prepWidth: sys.prepWidth,
      auxWidth: sys.auxWidth,
      numPublicValues: sys.numPublicValues,
      numInteractions: sys.interactions.length,
      constraintDigest: sys.constraintDigest,
      fixedLogHeight,
      maxLogHeight,
    };
  });
  const prepMatrices = systems.flatMap((s, t) => (s.prepWidth > 0 ? [preprocessed[t]!] : []));
  const prepCommitment = prepMatrices.length > 0 ? pcsCommit(prepMatrices, params) : null;
  const buses = [...busRegistry.entries()].sort((a, b) => a[0] - b[0]);
  const preprocessedRoot = prepCommitment?.root ?? null;
  const digest = verifyingKeyDigest({ params, tables, buses, preprocessedRoot });
  const verifyingKey: VerifyingKey = { params, tables, systems, buses, preprocessedRoot, digest };
  return { provingKey: { vk: verifyingKey, preprocessed: prepCommitment, preprocessedMatrices: [...preprocessed] }, verifyingKey };
}

/** BLAKE3 over a canonical encoding of everything the verifying key fixes. */
export function verifyingKeyDigest(vk: Pick<VerifyingKey, 'params' | 'tables' | 'buses' | 'preprocessedRoot'>): Digest {
  const w = new ByteWriter();
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    w.u32(b.length).bytes(b);
  };
  str(VK_DIGEST_DOMAIN);
  for (const x of paramWords(vk.params)) w.u32(x);
  w.u32(vk.tables.length);
  for (const t of vk.tables) {
    str(t.name);
    for (const x of [t.mainWidth, t.prepWidth, t.auxWidth, t.numPublicValues, t.numInteractions, t.maxLogHeight]) w.u32(x);
    w.u32(t.fixedLogHeight === null ? 0xffffffff : t.fixedLogHeight);
    w.bytes(t.constraintDigest);
  }
  w.u32(vk.buses.length);
  for (const [bus, arity] of vk.buses) w.u32(bus).u32(arity);
  w.u8(vk.preprocessedRoot === null ? 0 : 1);
  if (vk.preprocessedRoot !== null) w.bytes(vk.preprocessedRoot);
  return blake3(w.finish());
}

/**
 * The verifier's first check on the key it is handed: its digest (what a caller pins, e.g. as an image ID) is
 * the digest of its contents, and each table key describes the constraint system the verifier will run.
 * Without it, a key object carrying a trusted digest but another AIR (or weaker parameters) would verify
 * false claims under that digest (SP1 GHSA-6248-228x-mmvh). Cost: one BLAKE3 per table program.
 */
export function assertVerifyingKeyConsistent(vk: VerifyingKey): void {
  const mismatch = (msg: string) => new VerifyError('verifying-key-mismatch', `verifying key: ${msg}`);
  if (vk.systems.length !== vk.tables.length) throw mismatch(`${vk.tables.length} table keys but ${vk.systems.length} constraint systems`);
  vk.systems.forEach((sys, t) => {
    const key = vk.tables[t];
    if (!digestEquals(programDigest(sys.program), key.constraintDigest) || !digestEquals(sys.constraintDigest, key.constraintDigest)) {
      throw mismatch(`${key.name}: the constraint system is not the one the table key's digest names`);
    }
    const fields = ['name', 'mainWidth', 'prepWidth', 'auxWidth', 'numPublicValues'] as const;
    for (const f of fields) if (sys[f] !== key[f]) throw mismatch(`${key.name}: ${f} is ${String(key[f])} in the table key, ${String(sys[f])} in the constraint system`);
    // The proof's claimed-sum count and the verifier's balance checks follow vk.params: the constraints must too.
    if (sys.lookupRepetitions !== vk.params.lookupRepetitions) {
      throw mismatch(`${key.name}: the constraint system has ${sys.lookupRepetitions} LogUp repetitions, the parameters ${vk.params.lookupRepetitions}`);
    }
    if (sys.interactions.length !== key.numInteractions) throw mismatch(`${key.name}: ${key.numInteractions} interactions in the table key, ${sys.interactions.length} in the constraint system`);
  });
  if (!digestEquals(verifyingKeyDigest(vk), vk.digest)) throw mismatch('its digest is not the digest of its contents');
}
