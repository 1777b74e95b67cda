/**
 * Canonical little-endian byte encoding shared by proofs and receipts.
 * The reader distinguishes its three failure modes (as Winterfell's DeserializationError does) and every
 * length it reads is bounded by the caller before anything is allocated.
 */
import { P } from './field/babybear.ts';
import type { Ext4 } from './field/ext4.ts';

export type DecodeErrorCode = 'unexpected-eof' | 'invalid-value' | 'unconsumed-bytes';

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export class ByteWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(x: number): this {
    this.reserve(1);
    this.buf[this.len++] = x & 0xff;
    return this;
  }

  u32(x: number): this {
    this.reserve(4);
    const b = this.buf;
    let o = this.len;
    b[o++] = x & 0xff;
    b[o++] = (x >>> 8) & 0xff;
    b[o++] = (x >>> 16) & 0xff;
    b[o++] = (x >>> 24) & 0xff;
    this.len = o;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  field(x: number): this {
    return this.u32(x);
  }

  ext(e: Ext4): this {
    for (let i = 0; i < 4; i++) this.u32(e[i]);
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class ByteReader {
  private pos = 0;

  constructor(private readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n) {
      throw new DecodeError('unexpected-eof', `unexpected end of data reading ${what} at byte ${this.pos}`);
    }
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const d = this.data;
    const o = this.pos;
    this.pos += 4;
    return (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;
  }

  /** A u32 that must lie in [min, max]; the bound is checked before any allocation depends on it. */
  u32InRange(min: number, max: number, what: string): number {
    const x = this.u32(what);
    if (x < min || x > max) throw new DecodeError('invalid-value', `${what}: ${x} is outside [${min}, ${max}]`);
    return x;
  }

  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A field element; non-canonical encodings (≥ p) are rejected so that every element has one encoding. */
  field(what = 'field element'): number {
    const x = this.u32(what);
    if (x >= P) throw new DecodeError('invalid-value', `${what}: ${x} is not a canonical field element (≥ p)`);
    return x;
  }

  ext(what = 'extension element'): Ext4 {
    return [this.field(what), this.field(what), this.field(what), this.field(what)];
  }

  /** Call after the last field: trailing bytes would let two encodings decode to one object. */
  finish(what = 'data'): void {
    if (this.remaining !== 0) {
      throw new DecodeError('unconsumed-bytes', `${what}: ${this.remaining} trailing bytes after byte ${this.pos}`);
    }
  }
}
