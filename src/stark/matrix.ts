/**
 * Column-major matrices of BabyBear elements: column c is values[c·height, (c+1)·height).
 * Column-major keeps each column contiguous for the NTT and lets a SIMD hasher load one message word
 * of four consecutive rows at once. An extension-field column is stored as 4 consecutive base columns.
 */

export interface Matrix {
  readonly width: number;
  readonly height: number;
  readonly values: Uint32Array;
}

export function matrix(width: number, height: number, values?: Uint32Array): Matrix {
  if (!Number.isInteger(width) || width < 0) throw new RangeError(`width must be a non-negative integer, got ${width}`);
  if (!Number.isInteger(height) || height < 0) throw new RangeError(`height must be a non-negative integer, got ${height}`);
  const size = width * height;
  if (values === undefined) values = new Uint32Array(size);
  else if (values.length !== size) throw new RangeError(`values: expected ${size} elements, got ${values.length}`);
  return { width, height, values };
}

export function column(m: Matrix, c: number): Uint32Array {
  return m.values.subarray(c * m.height, (c + 1) * m.height);
}

/** Row r as a fresh array (width elements). */
export function row(m: Matrix, r: number): Uint32Array {
  const out = new Uint32Array(m.width);
  for (let c = 0; c < m.width; c++) out[c] = m.values[c * m.height + r];
  return out;
}

/** Builds a matrix from row-major data (one array per row); convenient in tests. */
export function fromRows(rows: ArrayLike<number>[], width = rows[0]?.length ?? 0): Matrix {
  const m = matrix(width, rows.length);
  rows.forEach((r, i) => {
    if (r.length !== width) throw new RangeError(`row ${i}: expected ${width} elements, got ${r.length}`);
    for (let c = 0; c < width; c++) m.values[c * rows.length + i] = r[c];
  });
  return m;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function log2Exact(n: number): number {
  if (!isPowerOfTwo(n) || n > 2 ** 30) throw new RangeError(`expected a power of two ≤ 2^30, got ${n}`);
  return 31 - Math.clz32(n);
}

/** Reverses the low `bits` bits of i. */
export function bitReverse(i: number, bits: number): number {
  if (bits === 0) return 0;
  let r = i;
  r = ((r >>> 1) & 0x55555555) | ((r & 0x55555555) << 1);
  r = ((r >>> 2) & 0x33333333) | ((r & 0x33333333) << 2);
  r = ((r >>> 4) & 0x0f0f0f0f) | ((r & 0x0f0f0f0f) << 4);
  r = ((r >>> 8) & 0x00ff00ff) | ((r & 0x00ff00ff) << 8);
  r = ((r >>> 16) | (r << 16)) >>> 0;
  return r >>> (32 - bits);
}
