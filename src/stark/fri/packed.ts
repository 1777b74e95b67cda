/**
 * Arithmetic over packed extension arrays (element i at words [4i, 4i + 4)), products inlined so that hot
 * loops allocate no tuple per element. The plain-TS references of the SIMD kernel (kernels/ext4-wasm.ts).
 */
import { P as FIELD_P, inv } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';

/** A module-local literal: V8 does not constant-fold imported bindings (ntt-reference.ts). */
const P = 0x78000001;
if (P !== FIELD_P) throw new Error('packed: P out of sync with babybear.ts');

const W = 11;
if (W !== ext.W) throw new Error('packed: W out of sync with ext4.ts');
const P_INV = 1 / P;

/** babybear.mul, copied so that it inlines into the loops below (imported, it often did not: measured). */
function mulFast(a: number, b: number): number {
  const q = (a * b * P_INV) | 0;
  let r = (Math.imul(a, b) - Math.imul(q, P)) | 0;
  r += (r >> 31) & P;
  r -= P;
  return r + ((r >> 31) & P);
}

/**
 * 1/(x_i − z) for base x_i and a fixed extension z, packed. With a = x − z only a0 varies, so the norm
 * route of ext4.inv costs ~17 base products per element plus one shared base batch inversion, instead of
 * three extension products (48) for a generic batch inversion:
 *   b = a·ā (ā = a(−X)) has b0 = a0² + W·a2² − 2W·a1·a3, b2 = 2·a0·a2 − a1² − W·a3², b1 = b3 = 0;
 *   N(a) = b0² − W·b2² ∈ F_p, and 1/a = ā·(b0 − b2·X²)/N(a).
 * Throws if some x_i = z (then N(a) = 0).
 */
export function inverseDifferences(
  xs: Uint32Array,
  z: Ext4,
  out: Uint32Array = new Uint32Array(4 * xs.length),
  temporaries: Uint32Array = new Uint32Array(4 * xs.length), // pass 1's per-element values (4 words each)
): Uint32Array {
  const n = xs.length;
  const z0 = z[0];
  const a1 = z[1] === 0 ? 0 : P - z[1], a2 = z[2] === 0 ? 0 : P - z[2], a3 = z[3] === 0 ? 0 : P - z[3];
  const k0 = reduceWide(W * mulFast(a2, a2) + 2 * W * (P - mulFast(a1, a3)));
  const k2 = reduceWide(mulFast(a1, a1) + W * mulFast(a3, a3));
  const twoA2 = reduceWide(2 * a2), wA2 = mulFast(W, a2), wA3 = mulFast(W, a3);
  // pass 1: b0, b2 and the norm of every a = x_i − z, with prefix products of the norms (batch inversion)
  if (out.length !== 4 * n) throw new RangeError(`inverseDifferences: output has ${out.length} words, expected ${4 * n}`);
  if (temporaries.length < 4 * n) throw new RangeError(`inverseDifferences: ${temporaries.length} scratch words, expected ≥ ${4 * n}`);
  const b0s = temporaries.subarray(0, n);
  const b2s = temporaries.subarray(n, 2 * n);
  const norms = temporaries.subarray(2 * n, 3 * n);
  const prefix = temporaries.subarray(3 * n, 4 * n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    let a0 = xs[i] - z0;
    a0 += a0 < 0 ? P : 0;
    const b0 = reduceWide(mulFast(a0, a0) + k0);
    const b2 = reduceWide(mulFast(twoA2, a0) + P - k2);
    const norm = reduceWide(mulFast(b0, b0) + W * (P - mulFast(b2, b2)));
    if (norm === 0) throw new RangeError(`inverseDifferences: point ${i} equals z`);
    b0s[i] = b0;
    b2s[i] = b2;
    norms[i] = norm;
    prefix[i] = acc;
    acc = mulFast(acc, norm);
  }
  // pass 2 (backwards): 1/N(a) from the running inverse, then 1/a = ā·(b0 − b2·X²)/N(a) with ā = (a0, −a1, a2, −a3)
  let accInv = inv(acc);
  for (let i = n - 1; i >= 0; i--) {
    const s = mulFast(prefix[i], accInv);
    accInv = mulFast(accInv, norms[i]);
    let a0 = xs[i] - z0;
    a0 += a0 < 0 ? P : 0;
    const b0 = b0s[i], b2 = b2s[i];
    const o = 4 * i;
    out[o] = mulFast(reduceWide(mulFast(a0, b0) + P - mulFast(wA2, b2)), s);
    out[o + 1] = mulFast(reduceWide(mulFast(wA3, b2) + P - mulFast(a1, b0)), s);
    out[o + 2] = mulFast(reduceWide(mulFast(a2, b0) + P - mulFast(a0, b2)), s);
    out[o + 3] = mulFast(reduceWide(mulFast(a1, b2) + P - mulFast(a3, b0)), s);
  }
  return out;
}

/**
 * x mod p for an integer 0 ≤ x < 2^53, in doubles: the quotient estimate is off by at most one.
 * Lets a hot loop sum several products (each < p) and reduce once instead of once per addition.
 */
export function reduceWide(x: number): number {
  const r = x - Math.floor(x * P_INV) * P;
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/** acc += factor·values, element-wise. Sums stay below 35p < 2^36 before reduceWide. */
export function addScaledExt(acc: Uint32Array, values: Uint32Array, factor: Ext4): void {
  const [f0, f1, f2, f3] = factor;
  for (let o = 0; o < acc.length; o += 4) {
    const v0 = values[o], v1 = values[o + 1], v2 = values[o + 2], v3 = values[o + 3];
    acc[o] = reduceWide(acc[o] + mulFast(f0, v0) + W * (mulFast(f1, v3) + mulFast(f2, v2) + mulFast(f3, v1)));
    acc[o + 1] = reduceWide(acc[o + 1] + mulFast(f0, v1) + mulFast(f1, v0) + W * (mulFast(f2, v3) + mulFast(f3, v2)));
    acc[o + 2] = reduceWide(acc[o + 2] + mulFast(f0, v2) + mulFast(f1, v1) + mulFast(f2, v0) + W * mulFast(f3, v3));
    acc[o + 3] = reduceWide(acc[o + 3] + mulFast(f0, v3) + mulFast(f1, v2) + mulFast(f2, v1) + mulFast(f3, v0));
  }
}

/** acc_i += (a_i − y)·b_i, element-wise (a, b, acc packed; y one element). */
export function addProductOfDifference(acc: Uint32Array, a: Uint32Array, y: Ext4, b: Uint32Array): void {
  const [y0, y1, y2, y3] = y;
  for (let o = 0; o < acc.length; o += 4) {
    let a0 = a[o] - y0, a1 = a[o + 1] - y1, a2 = a[o + 2] - y2, a3 = a[o + 3] - y3;
    a0 += a0 < 0 ? P : 0;
    a1 += a1 < 0 ? P : 0;
    a2 += a2 < 0 ? P : 0;
    a3 += a3 < 0 ? P : 0;
    const b0 = b[o], b1 = b[o + 1], b2 = b[o + 2], b3 = b[o + 3];
    acc[o] = reduceWide(acc[o] + mulFast(a0, b0) + W * (mulFast(a1, b3) + mulFast(a2, b2) + mulFast(a3, b1)));
    acc[o + 1] = reduceWide(acc[o + 1] + mulFast(a0, b1) + mulFast(a1, b0) + W * (mulFast(a2, b3) + mulFast(a3, b2)));
    acc[o + 2] = reduceWide(acc[o + 2] + mulFast(a0, b2) + mulFast(a1, b1) + mulFast(a2, b0) + W * mulFast(a3, b3));
    acc[o + 3] = reduceWide(acc[o + 3] + mulFast(a0, b3) + mulFast(a1, b2) + mulFast(a2, b1) + mulFast(a3, b0));
  }
}

/** acc_i += coeff·f_i for a base column f and an extension coefficient. */
export function addScaledBase(acc: Uint32Array, column: Uint32Array, coeff: Ext4): void {
  const [r0, r1, r2, r3] = coeff;
  for (let i = 0, o = 0; i < column.length; i++, o += 4) {
    const f = column[i];
    const s0 = acc[o] + mulFast(r0, f), s1 = acc[o + 1] + mulFast(r1, f);
    const s2 = acc[o + 2] + mulFast(r2, f), s3 = acc[o + 3] + mulFast(r3, f);
    acc[o] = s0 >= P ? s0 - P : s0;
    acc[o + 1] = s1 >= P ? s1 - P : s1;
    acc[o + 2] = s2 >= P ? s2 - P : s2;
    acc[o + 3] = s3 >= P ? s3 - P : s3;
  }
}
