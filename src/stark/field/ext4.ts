/**
 * Degree-4 extension of BabyBear, F_p[x] / (x^4 − W) with W = 11 (as in Plonky3 and risc0).
 * x^4 − 11 is irreducible because 11 is not a square mod p and p ≡ 1 (mod 4).
 * |F_p^4| ≈ 2^124: challenges and out-of-domain points are drawn here.
 * An element is a tuple of 4 canonical base elements, coefficient of x^0 first.
 */
import { P, add as fAdd, sub as fSub, mul as fMul, neg as fNeg, inv as fInv, isCanonical } from './babybear.ts';

export type Ext4 = readonly [number, number, number, number];

export const W = 11;
export const ZERO: Ext4 = [0, 0, 0, 0];
export const ONE: Ext4 = [1, 0, 0, 0];

export function fromBase(a: number): Ext4 {
  return [a, 0, 0, 0];
}

export function isBase(a: Ext4): boolean {
  return a[1] === 0 && a[2] === 0 && a[3] === 0;
}

export function equals(a: Ext4, b: Ext4): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function isZero(a: Ext4): boolean {
  return a[0] === 0 && a[1] === 0 && a[2] === 0 && a[3] === 0;
}

export function isCanonicalExt(a: readonly number[]): boolean {
  // Indexed: every() would skip the holes of a sparse array.
  return a.length === 4 && isCanonical(a[0]) && isCanonical(a[1]) && isCanonical(a[2]) && isCanonical(a[3]);
}

export function add(a: Ext4, b: Ext4): Ext4 {
  return [fAdd(a[0], b[0]), fAdd(a[1], b[1]), fAdd(a[2], b[2]), fAdd(a[3], b[3])];
}

export function sub(a: Ext4, b: Ext4): Ext4 {
  return [fSub(a[0], b[0]), fSub(a[1], b[1]), fSub(a[2], b[2]), fSub(a[3], b[3])];
}

export function neg(a: Ext4): Ext4 {
  return [fNeg(a[0]), fNeg(a[1]), fNeg(a[2]), fNeg(a[3])];
}

export function mulBase(a: Ext4, b: number): Ext4 {
  return [fMul(a[0], b), fMul(a[1], b), fMul(a[2], b), fMul(a[3], b)];
}

export function addBase(a: Ext4, b: number): Ext4 {
  return [fAdd(a[0], b), a[1], a[2], a[3]];
}

/** Schoolbook product, folding x^4 = W. Each coefficient is a sum of four products, reduced one by one. */
export function mul(a: Ext4, b: Ext4): Ext4 {
  const [a0, a1, a2, a3] = a;
  const [b0, b1, b2, b3] = b;
  const c0 = fAdd(fMul(a0, b0), fMul(W, fAdd(fAdd(fMul(a1, b3), fMul(a2, b2)), fMul(a3, b1))));
  const c1 = fAdd(fAdd(fMul(a0, b1), fMul(a1, b0)), fMul(W, fAdd(fMul(a2, b3), fMul(a3, b2))));
  const c2 = fAdd(fAdd(fAdd(fMul(a0, b2), fMul(a1, b1)), fMul(a2, b0)), fMul(W, fMul(a3, b3)));
  const c3 = fAdd(fAdd(fAdd(fMul(a0, b3), fMul(a1, b2)), fMul(a2, b1)), fMul(a3, b0));
  return [c0, c1, c2, c3];
}

export function square(a: Ext4): Ext4 {
  return mul(a, a);
}

export function pow(a: Ext4, e: number): Ext4 {
  if (!Number.isSafeInteger(e) || e < 0) throw new RangeError(`exponent must be a safe non-negative integer, got ${e}`);
  let result: Ext4 = ONE;
  let base = a;
  while (e > 0) {
    if (e % 2 === 1) result = mul(result, base);
    base = mul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * Inverse via the norm: with a' = a(−x) (negate odd coefficients), a·a' is a polynomial in x^2,
 * and (b0 + b2 x^2)(b0 − b2 x^2) = b0^2 − W b2^2 lies in the base field.
 */
export function inv(a: Ext4): Ext4 {
  if (isZero(a)) throw new RangeError('inverse of zero');
  const conj: Ext4 = [a[0], fNeg(a[1]), a[2], fNeg(a[3])];
  const b = mul(a, conj); // b[1] = b[3] = 0
  const conj2: Ext4 = [b[0], 0, fNeg(b[2]), 0];
  const norm = mul(b, conj2)[0];
  return mulBase(mul(conj, conj2), fInv(norm));
}

export function div(a: Ext4, b: Ext4): Ext4 {
  return mul(a, inv(b));
}

/** [1, g, …, g^(n−1)]. */
export function powers(g: Ext4, n: number): Ext4[] {
  const out: Ext4[] = new Array(n);
  let x: Ext4 = ONE;
  for (let i = 0; i < n; i++) {
    out[i] = x;
    x = mul(x, g);
  }
  return out;
}

/** Reads element i of a packed array (4 words per element). */
export function load(arr: Uint32Array, i: number): Ext4 {
  const o = 4 * i;
  return [arr[o], arr[o + 1], arr[o + 2], arr[o + 3]];
}

/** Writes element i of a packed array (4 words per element). */
export function store(arr: Uint32Array, i: number, a: Ext4): void {
  const o = 4 * i;
  arr[o] = a[0];
  arr[o + 1] = a[1];
  arr[o + 2] = a[2];
  arr[o + 3] = a[3];
}

export { P };
