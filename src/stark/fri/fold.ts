/**
 * FRI folding over bit-reversed codewords on H_N (docs/stark.md: FRI ignores the coset shift).
 * Binary fold of the pair at 2j, 2j+1 (x = ω_N^bitrev_{N/2}(j), the pair holds f(x), f(−x)):
 *   f'(x²) = (f(x) + f(−x))/2 + β·(f(x) − f(−x))/(2x).
 * An arity-2^k fold is k binary folds with β, β², β⁴, …, i.e. Σ_t β^t·f_t for f = Σ_t X^t·f_t(X^{2^k}).
 * Codewords are packed extension elements: entry i is words [4i, 4i+4).
 */
import { P, mul, inv, twoAdicGenerator } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { bitReverse } from '../matrix.ts';
import { mulFast } from '../ntt-reference.ts';
import { reduceWide } from './packed.ts';

const INV_TWO = (P + 1) / 2;

/** s/2 mod p for 0 ≤ s < 2p: p is odd, so an odd residue r halves as (r + p)/2. */
function halve(s: number): number {
  const r = s >= P ? s - P : s;
  return (r & 1) === 0 ? r / 2 : (r + P) / 2;
}

/** [ω_N^{−bitrev_{N/2}(j)} / 2 for j < N/2]: the 1/(2x) of every pair of a size-N codeword. */
function halfInverseXs(logN: number): Uint32Array {
  const half = 1 << (logN - 1);
  const omegaInv = inv(twoAdicGenerator(logN));
  const pows = new Uint32Array(half);
  let x = INV_TWO;
  for (let t = 0; t < half; t++) {
    pows[t] = x;
    x = mulFast(x, omegaInv);
  }
  const out = new Uint32Array(half);
  const bits = logN - 1;
  for (let j = 0; j < half; j++) out[j] = pows[bitReverse(j, bits)];
  return out;
}

/** One binary fold of a packed codeword of size 2^logN; returns the folded codeword (size 2^(logN−1)). */
export function foldOnce(values: Uint32Array, logN: number, beta: Ext4): Uint32Array {
  const half = 1 << (logN - 1);
  if (values.length !== 8 * half) throw new RangeError(`foldOnce: expected ${8 * half} words, got ${values.length}`);
  const s = halfInverseXs(logN);
  const out = new Uint32Array(4 * half);
  const [b0, b1, b2, b3] = beta;
  const W = ext.W;
  for (let j = 0; j < half; j++) {
    const a = 8 * j; // f(x) at words [a, a+4), f(−x) at [a+4, a+8)
    const sj = s[j];
    // t = (f(x) − f(−x))/(2x) and e = (f(x) + f(−x))/2, limb by limb; inputs < p keep the sums < 2p
    let d0 = values[a] - values[a + 4], d1 = values[a + 1] - values[a + 5];
    let d2 = values[a + 2] - values[a + 6], d3 = values[a + 3] - values[a + 7];
    d0 += d0 < 0 ? P : 0;
    d1 += d1 < 0 ? P : 0;
    d2 += d2 < 0 ? P : 0;
    d3 += d3 < 0 ? P : 0;
    const t0 = mulFast(d0, sj), t1 = mulFast(d1, sj), t2 = mulFast(d2, sj), t3 = mulFast(d3, sj);
    const e0 = halve(values[a] + values[a + 4]), e1 = halve(values[a + 1] + values[a + 5]);
    const e2 = halve(values[a + 2] + values[a + 6]), e3 = halve(values[a + 3] + values[a + 7]);
    // out = e + β·t
    const o = 4 * j;
    out[o] = reduceWide(e0 + mulFast(b0, t0) + W * (mulFast(b1, t3) + mulFast(b2, t2) + mulFast(b3, t1)));
    out[o + 1] = reduceWide(e1 + mulFast(b0, t1) + mulFast(b1, t0) + W * (mulFast(b2, t3) + mulFast(b3, t2)));
    out[o + 2] = reduceWide(e2 + mulFast(b0, t2) + mulFast(b1, t1) + mulFast(b2, t0) + W * mulFast(b3, t3));
    out[o + 3] = reduceWide(e3 + mulFast(b0, t3) + mulFast(b1, t2) + mulFast(b2, t1) + mulFast(b3, t0));
  }
  return out;
}

/** Folds a whole packed codeword of size 2^logN by arity 2^logArity with one β. */
export function foldCodeword(values: Uint32Array, logN: number, logArity: number, beta: Ext4): Uint32Array {
  let current = values;
  let b = beta;
  for (let r = 0; r < logArity; r++) {
    current = foldOnce(current, logN - r, b);
    b = ext.square(b);
  }
  return current;
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
