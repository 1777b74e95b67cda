/**
 * BabyBear and F_p^4 = F_p[x]/(x^4 − 11) kernels over lanes of typed arrays (structure of arrays: coordinate c of
 * extension lane i at offset c·S + i). A sum of products is reduced once, by babybear.mul's float-quotient trick
 * applied to the whole sum (reduceSum): an F_p^4 product is 4 reductions, ~9× faster than 16 reduced products
 * summed with `%` (measured). Fix-ups are branch-free: on field data a `s >= P ? s − P : s` mispredicts, and
 * the extension additions of a LogUp quotient ran ~10× slower with it (measured).
 */
import { inv as extInv } from '../field/ext4.ts';

const P = 0x78000001;
const P_INV = 1 / P;
const W = 11;

/**
 * How many products a·b·w (a, b canonical, integer weight 1 ≤ w ≤ 2W) one reduceSum may take: the exact sum
 * s < 64·22·p² < 2^72 and the double's error |f − s| ≤ (2·64 + 2)·2^-53·s < 2^27 ≤ p/8, which reduceSum needs.
 */
export const MAX_SUM_TERMS = 64;

/**
 * s mod p, given f ≈ s as a double (|f − s| < p/8, 0 ≤ s < 2^72) and lo ≡ s (mod 2^32). The quotient
 * q = ⌊f/p⌋ is ⌊s/p⌋ or one off, so s − q·p, computed mod 2^32, lies in (−p/8, 9p/8) ⊂ int32; two branch-free
 * fix-ups make it canonical. `| 0` on q ≥ 2^31 wraps mod 2^32, which is all Math.imul needs.
 */
export function reduceSum(f: number, lo: number): number {
  const q = (f * P_INV) | 0;
  let r = (lo - Math.imul(q, P)) | 0;
  r += (r >> 31) & P;
  r -= P;
  return r + ((r >> 31) & P);
}

function mul(a: number, b: number): number {
  const q = (a * b * P_INV) | 0;
  let r = (Math.imul(a, b) - Math.imul(q, P)) | 0;
  r += (r >> 31) & P;
  r -= P;
  return r + ((r >> 31) & P);
}

/** out[i] = a[i]·b[i]. */
export function mulBaseLanes(a: Uint32Array, b: Uint32Array, out: Uint32Array, len: number): void {
  for (let i = 0; i < len; i++) out[i] = mul(a[i], b[i]);
}

/** out = e·s for an extension operand e and a base operand s. */
export function mulExtBaseLanes(e: Uint32Array, s: Uint32Array, out: Uint32Array, len: number, S: number): void {
  for (let c = 0; c < 4; c++) {
    const o = c * S;
    for (let i = 0; i < len; i++) out[o + i] = mul(e[o + i], s[i]);
  }
}

/** out = a·b in F_p^4 (out may alias a or b: each lane reads all its coordinates before writing). */
export function mulExtLanes(a: Uint32Array, b: Uint32Array, out: Uint32Array, len: number, S: number): void {
  const S2 = 2 * S, S3 = 3 * S;
  for (let i = 0; i < len; i++) {
    const a0 = a[i], a1 = a[S + i], a2 = a[S2 + i], a3 = a[S3 + i];
    const b0 = b[i], b1 = b[S + i], b2 = b[S2 + i], b3 = b[S3 + i];
    // c0 = a0b0 + W(a1b3 + a2b2 + a3b1), c1 = a0b1 + a1b0 + W(a2b3 + a3b2), c2 = a0b2 + a1b1 + a2b0 + W·a3b3, c3 = Σ a_i b_{3−i}
    const r0 = reduceSum(a0 * b0 + W * (a1 * b3 + a2 * b2 + a3 * b1),
      Math.imul(a0, b0) + Math.imul(W, Math.imul(a1, b3) + Math.imul(a2, b2) + Math.imul(a3, b1)));
    const r1 = reduceSum(a0 * b1 + a1 * b0 + W * (a2 * b3 + a3 * b2),
      Math.imul(a0, b1) + Math.imul(a1, b0) + Math.imul(W, Math.imul(a2, b3) + Math.imul(a3, b2)));
    const r2 = reduceSum(a0 * b2 + a1 * b1 + a2 * b0 + W * (a3 * b3),
      Math.imul(a0, b2) + Math.imul(a1, b1) + Math.imul(a2, b0) + Math.imul(W, Math.imul(a3, b3)));
    const r3 = reduceSum(a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0,
      Math.imul(a0, b3) + Math.imul(a1, b2) + Math.imul(a2, b1) + Math.imul(a3, b0));
    out[i] = r0;
    out[S + i] = r1;
    out[S2 + i] = r2;
    out[S3 + i] = r3;
  }
}

/** out = a + b or a − b over `lanes` coordinates (1 for base, 4 for extension; both operands of that kind). */
export function addLanes(a: Uint32Array, b: Uint32Array, out: Uint32Array, len: number, S: number, lanes: number): void {
  for (let c = 0; c < lanes; c++) {
    const o = c * S;
    for (let i = 0; i < len; i++) {
      const s = a[o + i] + b[o + i] - P; // in (−p, p): branch-free fix-up
      out[o + i] = s + ((s >> 31) & P);
    }
  }
}

export function subLanes(a: Uint32Array, b: Uint32Array, out: Uint32Array, len: number, S: number, lanes: number): void {
  for (let c = 0; c < lanes; c++) {
    const o = c * S;
    for (let i = 0; i < len; i++) {
      const d = a[o + i] - b[o + i];
      out[o + i] = d + ((d >> 31) & P);
    }
  }
}

export function negLanes(a: Uint32Array, out: Uint32Array, len: number, S: number, lanes: number): void {
  for (let c = 0; c < lanes; c++) {
    const o = c * S;
    for (let i = 0; i < len; i++) {
      const d = -a[o + i];
      out[o + i] = d + ((d >> 31) & P);
    }
  }
}

/** Mixed operands, out extension: out = e ± s (eFirst) or s ± e, a base s adding to coordinate 0 only. */
export function addSubMixedLanes(e: Uint32Array, s: Uint32Array, eFirst: boolean, isSub: boolean, out: Uint32Array, len: number, S: number): void {
  if (!isSub) addLanes(e, s, out, len, S, 1);
  else if (eFirst) subLanes(e, s, out, len, S, 1);
  else subLanes(s, e, out, len, S, 1);
  const tail = e.subarray(S, 4 * S);
  const outTail = out.subarray(S, 4 * S);
  if (isSub && !eFirst) negLanes(tail, outTail, len, S, 3);
  else for (let c = 0; c < 3; c++) outTail.set(tail.subarray(c * S, c * S + len), c * S);
}

/**
 * out = c + Σ_t coefs_t·bases_t lane-wise: extension coefficients (4 words each) times base lanes, plus an
 * extension constant; one unreduced sum per coordinate, so at most MAX_SUM_TERMS − 1 terms.
 */
export function affineLanes(bases: readonly Uint32Array[], coefs: Uint32Array, constant: Uint32Array, out: Uint32Array, len: number, S: number): void {
  const T = bases.length;
  const k0 = constant[0], k1 = constant[1], k2 = constant[2], k3 = constant[3];
  const S2 = 2 * S, S3 = 3 * S;
  for (let i = 0; i < len; i++) {
    let f0 = k0, f1 = k1, f2 = k2, f3 = k3;
    let l0 = k0, l1 = k1, l2 = k2, l3 = k3;
    for (let t = 0; t < T; t++) {
      const x = bases[t][i];
      const o = 4 * t;
      const c0 = coefs[o], c1 = coefs[o + 1], c2 = coefs[o + 2], c3 = coefs[o + 3];
      f0 += x * c0; f1 += x * c1; f2 += x * c2; f3 += x * c3;
      l0 = (l0 + Math.imul(x, c0)) | 0; l1 = (l1 + Math.imul(x, c1)) | 0;
      l2 = (l2 + Math.imul(x, c2)) | 0; l3 = (l3 + Math.imul(x, c3)) | 0;
    }
    out[i] = reduceSum(f0, l0);
    out[S + i] = reduceSum(f1, l1);
    out[S2 + i] = reduceSum(f2, l2);
    out[S3 + i] = reduceSum(f3, l3);
  }
}

/**
 * In place: lane i ← 1/lane i for i < count (Montgomery's trick: one F_p^4 inversion, 3 products per lane).
 * `prefix` is scratch of the same shape. Returns false, leaving x unspecified, if some lane is zero.
 * (Inverting base norms b0² − W·b2² instead, with a base-field Montgomery chain, ran 1.5× slower here: measured.)
 */
export function extBatchInverseLanes(x: Uint32Array, count: number, S: number, prefix: Uint32Array): boolean {
  const S2 = 2 * S, S3 = 3 * S;
  let c0 = 1, c1 = 0, c2 = 0, c3 = 0;
  for (let i = 0; i < count; i++) {
    prefix[i] = c0; prefix[S + i] = c1; prefix[S2 + i] = c2; prefix[S3 + i] = c3;
    const b0 = x[i], b1 = x[S + i], b2 = x[S2 + i], b3 = x[S3 + i];
    const n0 = reduceSum(c0 * b0 + W * (c1 * b3 + c2 * b2 + c3 * b1),
      Math.imul(c0, b0) + Math.imul(W, Math.imul(c1, b3) + Math.imul(c2, b2) + Math.imul(c3, b1)));
    const n1 = reduceSum(c0 * b1 + c1 * b0 + W * (c2 * b3 + c3 * b2),
      Math.imul(c0, b1) + Math.imul(c1, b0) + Math.imul(W, Math.imul(c2, b3) + Math.imul(c3, b2)));
    const n2 = reduceSum(c0 * b2 + c1 * b1 + c2 * b0 + W * (c3 * b3),
      Math.imul(c0, b2) + Math.imul(c1, b1) + Math.imul(c2, b0) + Math.imul(W, Math.imul(c3, b3)));
    const n3 = reduceSum(c0 * b3 + c1 * b2 + c2 * b1 + c3 * b0,
      Math.imul(c0, b3) + Math.imul(c1, b2) + Math.imul(c2, b1) + Math.imul(c3, b0));
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
  }
  if (c0 === 0 && c1 === 0 && c2 === 0 && c3 === 0) return false;
  const inv = extInv([c0, c1, c2, c3]);
  let v0 = inv[0], v1 = inv[1], v2 = inv[2], v3 = inv[3]; // 1/(x_0 … x_i)
  for (let i = count - 1; i >= 0; i--) {
    const p0 = prefix[i], p1 = prefix[S + i], p2 = prefix[S2 + i], p3 = prefix[S3 + i];
    const b0 = x[i], b1 = x[S + i], b2 = x[S2 + i], b3 = x[S3 + i];
    // 1/x_i = (x_0 … x_{i−1})·(1/(x_0 … x_i))
    x[i] = reduceSum(p0 * v0 + W * (p1 * v3 + p2 * v2 + p3 * v1),
      Math.imul(p0, v0) + Math.imul(W, Math.imul(p1, v3) + Math.imul(p2, v2) + Math.imul(p3, v1)));
    x[S + i] = reduceSum(p0 * v1 + p1 * v0 + W * (p2 * v3 + p3 * v2),
      Math.imul(p0, v1) + Math.imul(p1, v0) + Math.imul(W, Math.imul(p2, v3) + Math.imul(p3, v2)));
    x[S2 + i] = reduceSum(p0 * v2 + p1 * v1 + p2 * v0 + W * (p3 * v3),
      Math.imul(p0, v2) + Math.imul(p1, v1) + Math.imul(p2, v0) + Math.imul(W, Math.imul(p3, v3)));
    x[S3 + i] = reduceSum(p0 * v3 + p1 * v2 + p2 * v1 + p3 * v0,
      Math.imul(p0, v3) + Math.imul(p1, v2) + Math.imul(p2, v1) + Math.imul(p3, v0));
    // 1/(x_0 … x_{i−1}) = x_i·(1/(x_0 … x_i))
    const n0 = reduceSum(v0 * b0 + W * (v1 * b3 + v2 * b2 + v3 * b1),
      Math.imul(v0, b0) + Math.imul(W, Math.imul(v1, b3) + Math.imul(v2, b2) + Math.imul(v3, b1)));
    const n1 = reduceSum(v0 * b1 + v1 * b0 + W * (v2 * b3 + v3 * b2),
      Math.imul(v0, b1) + Math.imul(v1, b0) + Math.imul(W, Math.imul(v2, b3) + Math.imul(v3, b2)));
    const n2 = reduceSum(v0 * b2 + v1 * b1 + v2 * b0 + W * (v3 * b3),
      Math.imul(v0, b2) + Math.imul(v1, b1) + Math.imul(v2, b0) + Math.imul(W, Math.imul(v3, b3)));
    const n3 = reduceSum(v0 * b3 + v1 * b2 + v2 * b1 + v3 * b0,
      Math.imul(v0, b3) + Math.imul(v1, b2) + Math.imul(v2, b1) + Math.imul(v3, b0));
    v0 = n0; v1 = n1; v2 = n2; v3 = n3;
  }
  return true;
}
