/**
 * BabyBear prime field, p = 15·2^27 + 1 = 2013265921.
 * Elements are plain `number`s in canonical form [0, p); arrays of them are `Uint32Array`s.
 * p < 2^31 keeps sums of two elements inside int32/uint32, and 2^27 | p − 1 gives NTTs up to 2^27.
 */

export const P = 0x78000001;
/** Multiplicative generator of F_p^* (31, as in Plonky3 and risc0). */
export const GENERATOR = 31;
export const TWO_ADICITY = 27;
/** 2^32 mod p: the wasm kernels keep x in Montgomery form x·2^32 mod p. */
export const MONTGOMERY_R = 268435454;
/** A primitive 2^27-th root of unity: GENERATOR^((p − 1) / 2^27). */
const TWO_ADIC_ROOT = 440564289;

export function add(a: number, b: number): number {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function sub(a: number, b: number): number {
  const d = a - b;
  return d < 0 ? d + P : d;
}

export function neg(a: number): number {
  return a === 0 ? 0 : P - a;
}

const P_INV = 1 / P;

/**
 * a·b mod p for canonical a, b, without bigint or `%`: the double a·b/p is within 2^-20 of the true quotient,
 * so q is ⌊ab/p⌋ or one off, and ab − qp computed mod 2^32 (Math.imul) lies in (−2^11, p + 2^11); two
 * branch-free fix-ups make it canonical. ~3 ns vs ~25 ns for two float `%` (measured). Canonical inputs only.
 */
export function mul(a: number, b: number): number {
  const q = (a * b * P_INV) | 0;
  let r = (Math.imul(a, b) - Math.imul(q, P)) | 0;
  r += (r >> 31) & P;
  r -= P;
  return r + ((r >> 31) & P);
}

export function square(a: number): number {
  return mul(a, a);
}

/** a^e for a non-negative integer exponent e < 2^53. */
export function pow(a: number, e: number): number {
  if (!Number.isSafeInteger(e) || e < 0) throw new RangeError(`exponent must be a safe non-negative integer, got ${e}`);
  let result = 1;
  let base = a;
  while (e > 0) {
    if (e % 2 === 1) result = mul(result, base);
    base = mul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

/** a^(p − 2) by Fermat; throws on 0, which has no inverse. */
export function inv(a: number): number {
  if (a === 0) throw new RangeError('inverse of zero');
  return pow(a, P - 2);
}

/** Reduce any integer (possibly negative, |x| < 2^53) to canonical form. */
export function reduce(x: number): number {
  const r = x % P;
  return r < 0 ? r + P : r + 0; // + 0 turns the −0 of x = −k·p into 0
}

export function isCanonical(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < P;
}

/**
 * Montgomery's batch inversion: n inverses for one field inversion and 3(n − 1) multiplications.
 * Throws if any element is zero.
 */
export function batchInverse(xs: Uint32Array): Uint32Array {
  const n = xs.length;
  const out = new Uint32Array(n);
  if (n === 0) return out;
  let acc = 1;
  for (let i = 0; i < n; i++) {
    if (xs[i] === 0) throw new RangeError(`batchInverse: element ${i} is zero`);
    out[i] = acc; // prefix product of xs[0..i)
    acc = mul(acc, xs[i]);
  }
  let accInv = inv(acc);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = mul(out[i], accInv);
    accInv = mul(accInv, xs[i]);
  }
  return out;
}

/** A primitive 2^logN-th root of unity, consistent across sizes: root(k)^2 = root(k − 1). */
export function twoAdicGenerator(logN: number): number {
  if (!Number.isInteger(logN) || logN < 0 || logN > TWO_ADICITY) {
    throw new RangeError(`logN must be an integer in [0, ${TWO_ADICITY}], got ${logN}`);
  }
  let g = TWO_ADIC_ROOT;
  for (let i = logN; i < TWO_ADICITY; i++) g = mul(g, g);
  return g;
}

/** [1, g, g^2, …, g^(n−1)] for a generator g. */
export function powers(g: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = 1;
  for (let i = 0; i < n; i++) {
    out[i] = x;
    x = mul(x, g);
  }
  return out;
}
