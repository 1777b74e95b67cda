/**
 * O(n²) oracles for the NTT tests, built only from babybear.ts (independent of the transforms under test):
 * the DFT by its definition, Horner evaluation, and a seeded xorshift generator of field elements.
 */
import { P, add, mul, inv, pow, twoAdicGenerator } from '../../src/stark/field/babybear.ts';

/** out[k] = Σ_i a[i]·ω^(i·k) with ω = ω_n (or ω_n^-1 when inverse, then scaled by 1/n). */
export function naiveDft(a: ArrayLike<number>, inverse = false): Uint32Array {
  const n = a.length;
  const logN = 31 - Math.clz32(n);
  const root = twoAdicGenerator(logN);
  const w = inverse ? inv(root) : root;
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const wk = pow(w, k);
    let acc = 0;
    let x = 1;
    for (let i = 0; i < n; i++) {
      acc = add(acc, mul(a[i], x));
      x = mul(x, wk);
    }
    out[k] = inverse ? mul(acc, inv(n)) : acc;
  }
  return out;
}

/** Σ coeffs[i]·x^i. */
export function horner(coeffs: ArrayLike<number>, x: number): number {
  let acc = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = add(mul(acc, x), coeffs[i]);
  return acc;
}

/** xorshift32 over field elements; deterministic for a given seed. */
export function fieldRng(seed: number): { next(): number; array(n: number): Uint32Array } {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    for (;;) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      const x = s & 0x7fffffff; // rejection keeps the distribution uniform in [0, p)
      if (x < P) return x;
    }
  };
  return {
    next,
    array(n: number): Uint32Array {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = next();
      return out;
    },
  };
}

/** The seed for a test file: TEST_SEED from the environment or the given default, printed so failures can be replayed. */
export function testSeed(file: string, fallback: number): number {
  const env = process.env.TEST_SEED;
  const seed = env !== undefined ? Number(env) >>> 0 : fallback;
  console.log(`${file}: seed ${seed} (override with TEST_SEED=…)`);
  return seed;
}
