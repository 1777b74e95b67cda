/**
 * Reference NTT and coset LDE in plain TypeScript: the oracle for the wasm kernel (`kernels/ntt-wasm.ts`)
 * and the fallback where WebAssembly SIMD is missing. Radix-2 Gentleman–Sande DIF (natural in, bit-reversed
 * out), so the bit-reversed LDE of docs/stark.md comes straight out of it; natural-order results pay one
 * explicit bit-reversal pass.
 */
import { P as FIELD_P, GENERATOR, TWO_ADICITY, inv, mul, twoAdicGenerator } from './field/babybear.ts';
import { matrix, log2Exact, bitReverse, type Matrix } from './matrix.ts';

/** babybear.P as a module-local literal: V8 does not constant-fold imported bindings (the DIF ran 2.5× slower, measured). */
const P = 0x78000001;
if (P !== FIELD_P) throw new Error('ntt-reference: P out of sync with babybear.ts');

/** babybear.mul (float quotient + Math.imul), under the name the transforms and their callers use. */
export const mulFast = mul;

/**
 * Twiddles in per-layer layout: table[len + j] = ω_{2·len}^j (j < len). The entries do not depend on the
 * transform size, so one table of size N serves every n ≤ N as its prefix; it is grown on demand.
 */
const twiddleTables: { forward: Uint32Array; inverse: Uint32Array } = {
  forward: new Uint32Array(0),
  inverse: new Uint32Array(0),
};

function twiddles(n: number, inverse: boolean): Uint32Array {
  const key = inverse ? 'inverse' : 'forward';
  if (twiddleTables[key].length < n) {
    const table = new Uint32Array(n);
    for (let len = 1; len < n; len <<= 1) {
      const root = twoAdicGenerator(log2Exact(2 * len));
      const w = inverse ? inv(root) : root;
      let x = 1;
      for (let j = 0; j < len; j++) {
        table[len + j] = x;
        x = mulFast(x, w);
      }
    }
    twiddleTables[key] = table;
  }
  return twiddleTables[key];
}

/** In-place DIF over ⟨ω_n⟩ (or ⟨ω_n^-1⟩): natural-order input, bit-reversed output. Butterfly (u + v, (u − v)·w). */
function dif(a: Uint32Array, inverse: boolean): void {
  const n = a.length;
  const tw = twiddles(n, inverse);
  for (let len = n >> 1; len >= 1; len >>= 1) {
    for (let start = 0; start < n; start += 2 * len) {
      for (let j = 0; j < len; j++) {
        const iu = start + j;
        const u = a[iu];
        const v = a[iu + len];
        const s = u + v;
        const d = u - v;
        a[iu] = s >= P ? s - P : s;
        a[iu + len] = mulFast(d < 0 ? d + P : d, tw[len + j]);
      }
    }
  }
}

/** In-place permutation x[i] ↔ x[bitrev(i)]. */
export function bitReversePermute(a: Uint32Array): void {
  const bits = log2Exact(a.length);
  for (let i = 0; i < a.length; i++) {
    const r = bitReverse(i, bits);
    if (i < r) {
      const t = a[i];
      a[i] = a[r];
      a[r] = t;
    }
  }
}

function scale(a: Uint32Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] = mulFast(a[i], c);
}

/** a[i] ← a[i]·c^i. */
function scaleByPowers(a: Uint32Array, c: number): void {
  let x = 1;
  for (let i = 0; i < a.length; i++) {
    a[i] = mulFast(a[i], x);
    x = mulFast(x, c);
  }
}

/** Validators shared with the wasm kernel so that both paths reject the same inputs with the same messages. */
export function checkLength(what: string, n: number): number {
  const log = log2Exact(n); // throws RangeError for 0 and non-powers of two
  if (log > TWO_ADICITY) throw new RangeError(`${what}: length 2^${log} exceeds the two-adicity 2^${TWO_ADICITY}`);
  return log;
}

export function checkShift(shift: number): void {
  if (!Number.isInteger(shift) || shift <= 0 || shift >= P) {
    throw new RangeError(`shift must be a non-zero canonical field element, got ${shift}`);
  }
}

export function checkLde(evals: Matrix, logBlowup: number, shift: number): number {
  const logN = checkLength('cosetLde', evals.height);
  if (!Number.isInteger(logBlowup) || logBlowup < 0 || logN + logBlowup > TWO_ADICITY) {
    throw new RangeError(`logBlowup must be an integer ≥ 0 with log2(height) + logBlowup ≤ ${TWO_ADICITY}, got ${logBlowup}`);
  }
  checkShift(shift);
  return logN;
}

export function checkLdeShape(evals: Matrix, logBlowup: number, lde: Matrix): void {
  const N = evals.height * 2 ** logBlowup;
  if (lde.width !== evals.width || lde.height !== N || lde.values.length !== lde.width * N) {
    throw new RangeError(`LDE output: expected ${evals.width}×${N}, got ${lde.width}×${lde.height}`);
  }
}

export function checkLdeFromCoeffs(coeffs: Matrix, logLdeHeight: number, shift: number): void {
  if (!Number.isInteger(logLdeHeight) || logLdeHeight < 0 || logLdeHeight > TWO_ADICITY) {
    throw new RangeError(`logLdeHeight must be an integer in [0, ${TWO_ADICITY}], got ${logLdeHeight}`);
  }
  checkShift(shift);
  const N = 2 ** logLdeHeight;
  if (coeffs.height > N) throw new RangeError(`coefficient height ${coeffs.height} exceeds LDE height ${N}`);
}

/** Coefficients (natural) → evaluations on H_n (natural), in place. */
export function referenceNtt(values: Uint32Array): void {
  checkLength('ntt', values.length);
  dif(values, false);
  bitReversePermute(values);
}

/** Evaluations on H_n (natural) → coefficients (natural), in place. */
export function referenceIntt(values: Uint32Array): void {
  checkLength('intt', values.length);
  dif(values, true);
  bitReversePermute(values);
  scale(values, inv(values.length));
}

/**
 * Coefficient columns (natural, height h ≤ N = 2^logLdeHeight) → evaluations on shift·H_N, rows bit-reversed:
 * row i = f(shift·ω_N^bitrev_N(i)). Zero-pads to N, substitutes X → shift·X, then one DIF per column.
 */
export function referenceCosetLdeFromCoeffs(coeffs: Matrix, logLdeHeight: number, shift = GENERATOR): Matrix {
  checkLdeFromCoeffs(coeffs, logLdeHeight, shift);
  const N = 2 ** logLdeHeight;
  const out = matrix(coeffs.width, N);
  for (let c = 0; c < coeffs.width; c++) {
    const col = out.values.subarray(c * N, (c + 1) * N);
    col.set(coeffs.values.subarray(c * coeffs.height, (c + 1) * coeffs.height));
    scaleByPowers(col.subarray(0, coeffs.height), shift);
    dif(col, false);
  }
  return out;
}

/** Evaluations on H_n (natural) → LDE on shift·H_{n·2^logBlowup}, rows bit-reversed. */
export function referenceCosetLde(evals: Matrix, logBlowup: number, shift = GENERATOR): Matrix {
  const logN = checkLde(evals, logBlowup, shift);
  const coeffs = matrix(evals.width, evals.height, evals.values.slice());
  for (let c = 0; c < evals.width; c++) referenceIntt(coeffs.values.subarray(c * evals.height, (c + 1) * evals.height));
  return referenceCosetLdeFromCoeffs(coeffs, logN + logBlowup, shift);
}

/** Evaluations on shift·H_n with rows bit-reversed → coefficients (natural order). Inverse of the LDE at blowup 1. */
export function referenceCosetInterpolate(evalsBitRev: Matrix, shift = GENERATOR): Matrix {
  const n = evalsBitRev.height;
  checkLength('cosetInterpolate', n);
  checkShift(shift);
  const out = matrix(evalsBitRev.width, n, evalsBitRev.values.slice());
  const shiftInv = inv(shift);
  for (let c = 0; c < out.width; c++) {
    const col = out.values.subarray(c * n, (c + 1) * n);
    bitReversePermute(col); // now f(shift·ω^i) in natural order = evaluations of g(X) = f(shift·X) on H_n
    dif(col, true);
    bitReversePermute(col);
    // coefficients of g are f_i·shift^i; fold 1/n into the first power
    let x = inv(n);
    for (let i = 0; i < n; i++) {
      col[i] = mulFast(col[i], x);
      x = mulFast(x, shiftInv);
    }
  }
  return out;
}
