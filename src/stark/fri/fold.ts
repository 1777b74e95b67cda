/**
 * FRI folding over bit-reversed codewords on H_N (docs/stark.md: FRI ignores the coset shift).
 * Binary fold of the pair at 2j, 2j+1 (x = ω_N^bitrev_{N/2}(j), the pair holds f(x), f(−x)):
 *   f'(x²) = (f(x) + f(−x))/2 + β·(f(x) − f(−x))/(2x).
 * An arity-2^k fold is k binary folds with β, β², β⁴, …, i.e. Σ_t β^t·f_t for f = Σ_t X^t·f_t(X^{2^k}).
 * Codewords are packed extension elements: entry i is words [4i, 4i+4).
 */
import { MONTGOMERY_R, P, mul, inv, twoAdicGenerator } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { bitReverse } from '../matrix.ts';
import { foldCoefficientsWithKernel, foldWithKernel } from '../kernels/ext4-wasm.ts';

const INV_TWO = (P + 1) / 2;
const W = ext.W;

/** Module-local literal P and a local copy of babybear.mul, so that they inline into foldOnceInto (canonical inputs). */
const P_LOCAL = 0x78000001;
if (P_LOCAL !== P) throw new Error('fold: P out of sync with babybear.ts');
const P_INV = 1 / P_LOCAL;

function mulMod(a: number, b: number): number {
  const q = (a * b * P_INV) | 0;
  let r = (Math.imul(a, b) - Math.imul(q, P_LOCAL)) | 0;
  r += (r >> 31) & P_LOCAL;
  r -= P_LOCAL;
  return r + ((r >> 31) & P_LOCAL);
}

/** x mod p for an integer 0 ≤ x < 2^53 (packed.ts reduceWide). */
function reduce(x: number): number {
  const r = x - Math.floor(x * P_INV) * P_LOCAL;
  return r < 0 ? r + P_LOCAL : r >= P_LOCAL ? r - P_LOCAL : r;
}


/**
 * [ω_N^{−bitrev_{N/2}(j)} / 2 for j < N/2]: the 1/(2x) of every pair of a size-N codeword. The table of size N
 * serves every smaller codeword as its prefix (bitrev_{N/2}(j) = 2·bitrev_{N/4}(j) for j < N/4 and
 * ω_N^2 = ω_{N/2}), so one table, grown on demand, serves every fold.
 */
let halfInverseXsTable: Uint32Array = new Uint32Array(0);
/** The same table times 2^32 mod p, for the SIMD kernel's Montgomery products; each is built when first needed. */
let halfInverseXsMont: Uint32Array = new Uint32Array(0);

/** The table for 2^logN, times `factor`, written in bit-reversed order (bitrev is an involution: no temporary). */
function buildHalfInverseXs(logN: number, factor: number): Uint32Array {
  const half = 1 << (logN - 1);
  const omegaInv = inv(twoAdicGenerator(logN));
  const out = new Uint32Array(half);
  const bits = logN - 1;
  let x = mulMod(INV_TWO, factor);
  for (let t = 0; t < half; t++) {
    out[bitReverse(t, bits)] = x;
    x = mulMod(x, omegaInv);
  }
  return out;
}

function halfInverseXs(logN: number): Uint32Array {
  if (halfInverseXsTable.length < 1 << (logN - 1)) halfInverseXsTable = buildHalfInverseXs(logN, 1);
  return halfInverseXsTable;
}

function halfInverseXsMontgomery(logN: number): Uint32Array {
  if (halfInverseXsMont.length < 1 << (logN - 1)) halfInverseXsMont = buildHalfInverseXs(logN, MONTGOMERY_R);
  return halfInverseXsMont;
}

/**
 * One binary fold of a packed codeword of size 2^logN into out (2^(logN−1) entries), in plain TS: the reference
 * for the SIMD kernel and its fallback. out may alias values: pair j is read (words 8j..8j+7) before entry j
 * (words 4j..4j+3) is written, and no later pair reads below 8j + 8.
 */
export function foldOnceInto(values: Uint32Array, logN: number, beta: Ext4, out: Uint32Array): void {
  const half = 1 << (logN - 1);
  if (values.length < 8 * half || out.length < 4 * half) throw new RangeError(`foldOnce: expected ${8 * half} words in and ${4 * half} out`);
  const s = halfInverseXs(logN);
  const [b0, b1, b2, b3] = beta;
  // W·β_k once, so that each output limb is a plain sum of four products (< 5p < 2^34 before reduce)
  const wb1 = mulMod(W, b1), wb2 = mulMod(W, b2), wb3 = mulMod(W, b3);
  for (let j = 0; j < half; j++) {
    const a = 8 * j; // f(x) at words [a, a+4), f(−x) at [a+4, a+8)
    const sj = s[j];
    const v0 = values[a], v1 = values[a + 1], v2 = values[a + 2], v3 = values[a + 3];
    const w0 = values[a + 4], w1 = values[a + 5], w2 = values[a + 6], w3 = values[a + 7];
    // t = (f(x) − f(−x))/(2x); 2e = f(x) + f(−x) < 2p, halved below: (r + p)/2 for odd r, p being odd
    let d0 = v0 - w0, d1 = v1 - w1, d2 = v2 - w2, d3 = v3 - w3;
    d0 += d0 < 0 ? P_LOCAL : 0;
    d1 += d1 < 0 ? P_LOCAL : 0;
    d2 += d2 < 0 ? P_LOCAL : 0;
    d3 += d3 < 0 ? P_LOCAL : 0;
    const t0 = mulMod(d0, sj), t1 = mulMod(d1, sj), t2 = mulMod(d2, sj), t3 = mulMod(d3, sj);
    let e0 = v0 + w0, e1 = v1 + w1, e2 = v2 + w2, e3 = v3 + w3;
    e0 -= e0 >= P_LOCAL ? P_LOCAL : 0;
    e1 -= e1 >= P_LOCAL ? P_LOCAL : 0;
    e2 -= e2 >= P_LOCAL ? P_LOCAL : 0;
    e3 -= e3 >= P_LOCAL ? P_LOCAL : 0;
    e0 = (e0 & 1) === 0 ? e0 / 2 : (e0 + P_LOCAL) / 2;
    e1 = (e1 & 1) === 0 ? e1 / 2 : (e1 + P_LOCAL) / 2;
    e2 = (e2 & 1) === 0 ? e2 / 2 : (e2 + P_LOCAL) / 2;
    e3 = (e3 & 1) === 0 ? e3 / 2 : (e3 + P_LOCAL) / 2;
    // out = e + β·t
    const o = 4 * j;
    out[o] = reduce(e0 + mulMod(b0, t0) + mulMod(wb1, t3) + mulMod(wb2, t2) + mulMod(wb3, t1));
    out[o + 1] = reduce(e1 + mulMod(b0, t1) + mulMod(b1, t0) + mulMod(wb2, t3) + mulMod(wb3, t2));
    out[o + 2] = reduce(e2 + mulMod(b0, t2) + mulMod(b1, t1) + mulMod(b2, t0) + mulMod(wb3, t3));
    out[o + 3] = reduce(e3 + mulMod(b0, t3) + mulMod(b1, t2) + mulMod(b2, t1) + mulMod(b3, t0));
  }
}

/**
 * Folds a packed codeword of size 2^logN by arity 2^logArity with one β, using `work` (≥ 4·2^(logN−1) words,
 * which may hold `values` itself at offset 0): the first binary fold writes work, the others fold it in place.
 * Returns the folded codeword, a prefix view of work.
 */
export function foldCodewordInto(values: Uint32Array, logN: number, logArity: number, beta: Ext4, work: Uint32Array): Uint32Array {
  const size = 4 << (logN - logArity);
  if (logArity < 1 || logArity > logN) throw new RangeError(`foldCodeword: arity 2^${logArity} for a codeword of 2^${logN}`);
  if (logArity <= 4) {
    const betas = [beta];
    for (let r = 1; r < logArity; r++) betas.push(ext.square(betas[r - 1]));
    if (foldWithKernel(values, logN, logArity, betas, halfInverseXsMontgomery(logN), work)) return work.subarray(0, size);
  }
  let b = beta;
  foldOnceInto(values, logN, b, work);
  for (let r = 1; r < logArity; r++) {
    b = ext.square(b);
    foldOnceInto(work, logN - r, b, work);
  }
  return work.subarray(0, size);
}

/**
 * The same fold on coefficients: with f = Σ_t X^t·f_t(X^arity), folding by β gives Σ_t β^t·f_t (the binary folds
 * with β, β², β⁴, … in one), so coefficient k of the result is Σ_t β^t·a_{k·arity + t}. coeffs: m coefficients
 * as four limb columns (natural order); out: m/arity, same layout. Cheaper than folding the codeword when the
 * prover has the coefficients (the reduced opening does).
 */
export function foldCoefficients(coeffs: Uint32Array, m: number, logArity: number, beta: Ext4, out: Uint32Array): void {
  if (foldCoefficientsWithKernel(coeffs, m, logArity, beta, out)) return;
  const arity = 1 << logArity;
  const count = m >> logArity;
  for (let k = 0; k < count; k++) {
    let acc: Ext4 = ext.ZERO;
    for (let t = arity - 1; t >= 0; t--) {
      const i = k * arity + t;
      acc = ext.add(ext.mul(acc, beta), [coeffs[i], coeffs[m + i], coeffs[2 * m + i], coeffs[3 * m + i]]);
    }
    for (let l = 0; l < 4; l++) out[l * count + k] = acc[l];
  }
}

/** Folds a whole packed codeword of size 2^logN by arity 2^logArity with one β; returns a new array. */
export function foldCodeword(values: Uint32Array, logN: number, logArity: number, beta: Ext4): Uint32Array {
  return foldCodewordInto(values, logN, logArity, beta, new Uint32Array(4 << (logN - 1))).slice();
}

/**
 * Verifier side: folds the 2^logArity entries of coset `leafIndex` (entries leafIndex·2^logArity + t of a
 * size-2^logN codeword) into entry `leafIndex` of the folded codeword. Must equal foldCodeword's result.
 */
export function foldCoset(coset: readonly Ext4[], leafIndex: number, logN: number, logArity: number, beta: Ext4): Ext4 {
  let entries = coset.slice();
  let b = beta;
  for (let r = 0; r < logArity; r++) {
    const logSize = logN - r; // size of the codeword being folded in this binary step
    const halfCount = entries.length >> 1;
    const next: Ext4[] = new Array(halfCount);
    for (let u = 0; u < halfCount; u++) {
      const j = (leafIndex << (logArity - r - 1)) + u; // pair index within the size-2^logSize codeword
      const x = powOmega(logSize, bitReverse(j, logSize - 1));
      const fx = entries[2 * u];
      const fmx = entries[2 * u + 1];
      const evenPart = ext.mulBase(ext.add(fx, fmx), INV_TWO);
      const oddPart = ext.mulBase(ext.sub(fx, fmx), inv(mul(2, x)));
      next[u] = ext.add(evenPart, ext.mul(b, oddPart));
    }
    entries = next;
    b = ext.square(b);
  }
  return entries[0];
}

/** ω_{2^logN}^e. */
export function powOmega(logN: number, e: number): number {
  let result = 1;
  let base = twoAdicGenerator(logN);
  while (e > 0) {
    if (e & 1) result = mul(result, base);
    base = mul(base, base);
    e >>>= 1;
  }
  return result;
}
