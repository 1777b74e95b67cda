/**
 * Fiat–Shamir transcript over BLAKE3 (the order of absorptions is fixed in docs/stark.md, "Transcript").
 * Every absorption is a frame u32 len(label) ‖ label ‖ u8 type ‖ u32 len(data) ‖ data fed to one running
 * BLAKE3 state, so the sequence of frames is uniquely decodable: no two different histories hash alike.
 * A challenge first absorbs its own frame (label, type, shape), then reads words from
 * BLAKE3_keyed(seed, u32le(j)), j = 0, 1, …, where seed = BLAKE3(all frames so far).
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { P } from './field/babybear.ts';
import type { Ext4 } from './field/ext4.ts';
import { DIGEST_BYTES } from './hash.ts';
import type { Digest } from './hash.ts';
import { CHUNK_END, CHUNK_START, KEYED_HASH, ROOT, compress, wordsFromBytes } from './kernels/blake3-js.ts';

const TYPE = {
  protocol: 0,
  bytes: 1,
  u32s: 2,
  field: 3,
  fields: 4,
  ext: 5,
  exts: 6,
  digest: 7,
  sampleField: 16,
  sampleExt: 17,
  sampleBits: 18,
  sampleIndices: 19,
  grind: 20,
  nonce: 21,
} as const;

/** BLAKE3 of one block of at most 64 bytes, keyed, as the root: the flags of a one-block keyed hash. */
const ONE_BLOCK_KEYED = CHUNK_START | CHUNK_END | ROOT | KEYED_HASH;
/**
 * With a u32 nonce, all 2^32 nonces fail with probability (1 − 2^-b)^(2^32) ≈ e^(−2^(32−b)): e^-256 at
 * b = 24, but e^-4 at b = 30. Grinding beyond 24 bits would need a wider nonce (and hours in JS anyway).
 */
export const MAX_POW_BITS = 24;
/** Indices and bit draws come from one u32 word each; 30 keeps `1 << bits` a positive int32. */
const MAX_SAMPLE_BITS = 30;

const utf8 = new TextEncoder();

function u32le(xs: ArrayLike<number>, what: string): Uint8Array {
  const out = new Uint8Array(4 * xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RangeError(`${what}: element ${i} (${x}) is not a u32`);
    out[4 * i] = x & 0xff;
    out[4 * i + 1] = (x >>> 8) & 0xff;
    out[4 * i + 2] = (x >>> 16) & 0xff;
    out[4 * i + 3] = (x >>> 24) & 0xff;
  }
  return out;
}

function checkCanonical(x: number, what: string): void {
  if (!Number.isInteger(x) || x < 0 || x >= P) throw new RangeError(`${what}: ${x} is not a canonical field element`);
}

function checkBits(bits: number, max: number, what: string): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new RangeError(`${what} must be an integer in [0, ${max}], got ${bits}`);
}

/** First word of BLAKE3_keyed(seed, u32le(j)): one compression in plain JS. */
const block = new Uint32Array(16);
const out8 = new Uint32Array(8);
function drawBlock(seed: Uint32Array, j: number, out: Uint32Array): void {
  block[0] = j;
  compress(seed, block, 0, 4, ONE_BLOCK_KEYED, out);
}

/** True iff the top `powBits` bits of the first word of BLAKE3_keyed(seed, u32le(nonce)) are zero. */
function powValid(seed: Uint32Array, powBits: number, nonce: number): boolean {
  if (powBits === 0) return true;
  drawBlock(seed, nonce, out8);
  return out8[0] >>> (32 - powBits) === 0;
}

export class Transcript {
  private readonly state = blake3.create();

  constructor(protocolLabel: string) {
    this.frame('protocol', TYPE.protocol, utf8.encode(protocolLabel));
  }

  private frame(label: string, type: number, data: Uint8Array): void {
    const labelBytes = utf8.encode(label);
    const header = new Uint8Array(4 + labelBytes.length + 1 + 4);
    const view = new DataView(header.buffer);
    view.setUint32(0, labelBytes.length, true);
    header.set(labelBytes, 4);
    header[4 + labelBytes.length] = type;
    view.setUint32(5 + labelBytes.length, data.length, true);
    this.state.update(header);
    this.state.update(data);
  }

  absorbBytes(label: string, bytes: Uint8Array): void {
    this.frame(label, TYPE.bytes, bytes);
  }

  absorbU32s(label: string, xs: ArrayLike<number>): void {
    this.frame(label, TYPE.u32s, u32le(xs, label));
  }

  absorbField(label: string, x: number): void {
    checkCanonical(x, label);
    this.frame(label, TYPE.field, u32le([x], label));
  }

  absorbFields(label: string, xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) checkCanonical(xs[i], `${label}[${i}]`);
    this.frame(label, TYPE.fields, u32le(xs, label));
  }

  absorbExt(label: string, e: Ext4): void {
    e.forEach((x, i) => checkCanonical(x, `${label}[${i}]`));
    this.frame(label, TYPE.ext, u32le(e, label));
  }

  absorbExts(label: string, es: readonly Ext4[]): void {
    const flat = es.flatMap((e) => [...e]);
    flat.forEach((x, i) => checkCanonical(x, `${label}[${i >> 2}][${i & 3}]`));
    this.frame(label, TYPE.exts, u32le(flat, label));
  }

  absorbDigest(label: string, d: Digest): void {
    if (d.length !== DIGEST_BYTES) throw new RangeError(`${label}: a digest is ${DIGEST_BYTES} bytes, got ${d.length}`);
    this.frame(label, TYPE.digest, d);
  }

  /** Absorbs the challenge's own frame, then returns seed = BLAKE3(every frame so far). */
  private seed(label: string, type: number, shape: number[]): Uint32Array {
    this.frame(label, type, u32le(shape, label));
    return wordsFromBytes(this.state.clone().digest());
  }

  /** A stream of uniform u32 words from the seed. */
  private words(label: string, type: number, shape: number[]): () => number {
    const seed = this.seed(label, type, shape);
    const buf = new Uint32Array(8);
    let j = 0;
    let pos = 8;
    return () => {
      if (pos === 8) {
        drawBlock(seed, j++, buf);
        pos = 0;
      }
      return buf[pos++];
    };
  }

  /**
   * Uniform in [0, p): 31-bit draws, rejected when ≥ p (acceptance p/2^31 ≈ 0.94), so no modulo bias.
   * The expected number of words is 1.07; 2^32 straight rejections would have probability < 2^-128.
   */
  private static fieldFrom(next: () => number): number {
    for (;;) {
      const x = next() & 0x7fffffff;
      if (x < P) return x;
    }
  }

  sampleField(label: string): number {
    return Transcript.fieldFrom(this.words(label, TYPE.sampleField, []));
  }

  /** Four independent field draws: uniform over the 2^124-element extension. */
  sampleExt(label: string): Ext4 {
    const next = this.words(label, TYPE.sampleExt, []);
    return [Transcript.fieldFrom(next), Transcript.fieldFrom(next), Transcript.fieldFrom(next), Transcript.fieldFrom(next)];
  }

  /** Uniform in [0, 2^bits): the low bits of a uniform word. */
  sampleBits(label: string, bits: number): number {
    checkBits(bits, MAX_SAMPLE_BITS, 'sampleBits: bits');
    return this.words(label, TYPE.sampleBits, [bits])() & ((1 << bits) - 1);
  }

  /** `count` independent uniform indices in [0, 2^bits), duplicates possible. */
  sampleIndices(label: string, count: number, bits: number): number[] {
    checkBits(bits, MAX_SAMPLE_BITS, 'sampleIndices: bits');
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`sampleIndices: count must be a non-negative integer, got ${count}`);
    const next = this.words(label, TYPE.sampleIndices, [count, bits]);
    const mask = (1 << bits) - 1;
    return Array.from({ length: count }, () => next() & mask);
  }

  /**
   * Proof of work before the query indices (docs/security.md): the nonce makes the top `powBits` bits of
   * BLAKE3_keyed(seed, u32le(nonce)) zero, seed = BLAKE3(transcript so far). Every attempt by a cheating
   * prover to re-draw the queries (a new commitment, then a new seed) costs 2^powBits hashes, which adds
   * powBits bits to the conjectured security. The nonce is absorbed, so the queries depend on it.
   */
  grind(label: string, powBits: number): number {
    checkBits(powBits, MAX_POW_BITS, 'grind: powBits');
    const seed = this.seed(label, TYPE.grind, [powBits]);
    for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
      if (powValid(seed, powBits, nonce)) {
        this.frame(label, TYPE.nonce, u32le([nonce], label));
        return nonce;
      }
    }
    // Unreachable in practice: probability ≈ e^-256 for powBits ≤ MAX_POW_BITS.
    throw new Error(`grind: no nonce found for ${powBits} bits`);
  }

  /** Verifier side of `grind`: same frames, then true iff the nonce is a u32 meeting the target. */
  checkGrind(label: string, powBits: number, nonce: number): boolean {
    checkBits(powBits, MAX_POW_BITS, 'checkGrind: powBits');
    const seed = this.seed(label, TYPE.grind, [powBits]);
    if (!Number.isInteger(nonce) || nonce < 0 || nonce > 0xffffffff) return false;
    this.frame(label, TYPE.nonce, u32le([nonce], label));
    return powValid(seed, powBits, nonce);
  }
}
