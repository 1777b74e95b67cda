/**
 * Selector values (docs/stark.md "Domains"), the same polynomials on every domain:
 * isFirstRow = L_0(X) = Z_H(X) / (n·(X − 1)), isLastRow = L_{n−1}(X) = ω^{−1}·Z_H(X) / (n·(X − ω^{−1})),
 * isTransition = X − ω^{−1}, with Z_H(X) = X^n − 1 and ω = ω_n. Using the true polynomial values everywhere
 * (not 0/1 shortcuts off the trace) keeps the trace, the quotient domain and the point ζ consistent.
 */
import { GENERATOR, P as FIELD_P, batchInverse, inv, mul, pow, sub, twoAdicGenerator } from '../field/babybear.ts';
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';

// Module-level alias: the quotient-domain loops below run over D·n points (imported bindings can cost a getter per call under tsx).
const mulF = mul;

export type Selectors = [Uint32Array, Uint32Array, Uint32Array];

/** On the trace domain H_n, row i at ω^i. */
export function traceSelectors(logN: number): Selectors {
  const n = 1 << logN;
  const first = new Uint32Array(n);
  const last = new Uint32Array(n);
  const transition = new Uint32Array(n);
  first[0] = 1;
  last[n - 1] = 1;
  const omega = twoAdicGenerator(logN);
  const omegaInv = inv(omega);
  let x = 1;
  for (let i = 0; i < n; i++) {
    transition[i] = sub(x, omegaInv);
    x = mul(x, omega);
  }
  return [first, last, transition];
}

/** next[i] = i + 1 mod n on the trace domain. */
export function traceNextRows(n: number): Uint32Array {
  const next = new Uint32Array(n);
  for (let i = 0; i < n; i++) next[i] = i + 1 === n ? 0 : i + 1;
  return next;
}

/**
 * The quotient domain s·H_L (L = D·n) in bit-reversed order, i.e. the first L rows of the LDE:
 * position i holds x = s·ω_L^{bitrev_L(i)}. Its "next row" is x·ω_n = s·ω_L^{bitrev_L(i) + D}.
 */
export interface QuotientDomain {
  readonly length: number;
  readonly nextRow: Uint32Array;
  readonly selectors: Selectors;
  /** 1 / Z_H(x) at each position (Z_H takes only D distinct values on s·H_L). */
  readonly zhInverse: Uint32Array;
}

/**
 * Domains of recent proofs, by (log n, log D): read-only tables that depend on the shape only (like NTT twiddles),
 * so a prover proving again skips ~0.5 s of batch inversions and bit reversals at L = 2^21 (measured). Bounded:
 * the oldest entry goes first.
 */
const domainCache = new Map<string, QuotientDomain>();
const DOMAIN_CACHE_ENTRIES = 4;

/** quotientDomain, memoized across calls (the arrays are shared: callers must not write to them). */
export function cachedQuotientDomain(logN: number, logChunks: number): QuotientDomain {
  const key = `${logN}/${logChunks}`;
  let dom = domainCache.get(key);
  if (dom === undefined) {
    dom = quotientDomain(logN, logChunks);
    if (domainCache.size >= DOMAIN_CACHE_ENTRIES) domainCache.delete(domainCache.keys().next().value!);
    domainCache.set(key, dom);
  }
  return dom;
}

export function quotientDomain(logN: number, logChunks: number): QuotientDomain {
  const logL = logN + logChunks;
  const L = 1 << logL;
  const D = 1 << logChunks;
  const n = 1 << logN;
  const omegaInv = inv(twoAdicGenerator(logN));
  // Z_H(x) = s^n·ω_D^j − 1 at x = s·ω_L^j depends on j mod D only.
  const sn = pow(GENERATOR, n);
  const omegaD = twoAdicGenerator(logChunks);
  const zhByResidue = new Uint32Array(D);
  for (let r = 0; r < D; r++) zhByResidue[r] = sub(mul(sn, pow(omegaD, r)), 1);
  const zhInvByResidue = batchInverse(zhByResidue); // non-zero: s ∉ H_n since 31 is a generator of F_p^*
  // Points by position, built by doubling: position pos + 2^k (pos < 2^k) holds position pos's point times
  // ω_L^(L/2^(k+1)). Sequential, where indexing by bitrev(j) scattered over L-word arrays (cache and TLB
  // misses: several times slower at L = 2^21, measured).
  const xs = new Uint32Array(L);
  xs[0] = GENERATOR;
  for (let k = 0; k < logL; k++) {
    const g = twoAdicGenerator(k + 1); // ω_L^(L/2^(k+1))
    const half = 1 << k;
    for (let pos = 0; pos < half; pos++) xs[half + pos] = mulF(xs[pos], g);
  }
  const nextRow = new Uint32Array(L);
  const zhInverse = new Uint32Array(L);
  const xMinusOne = new Uint32Array(L);
  const xMinusOmegaInv = new Uint32Array(L);
  const shift = 32 - logL;
  for (let pos = 0; pos < L; pos++) {
    const j = logL === 0 ? 0 : reverseBits(pos) >>> shift;
    nextRow[pos] = logL === 0 ? 0 : reverseBits((j + D) & (L - 1)) >>> shift;
    zhInverse[pos] = zhInvByResidue[j & (D - 1)];
    const x = xs[pos]; // ≥ 1: coset points are non-zero
    xMinusOne[pos] = x - 1;
    const d = x - omegaInv;
    xMinusOmegaInv[pos] = d + ((d >> 31) & FIELD_P);
  }
  const invA = batchInverse(xMinusOne); // non-zero: the coset is disjoint from H_n
  const invB = batchInverse(xMinusOmegaInv);
  const nInv = inv(n);
  const lastScale = mul(omegaInv, nInv);
  const first = new Uint32Array(L);
  const last = new Uint32Array(L);
  for (let pos = 0; pos < L; pos++) {
    // Z_H = 1/zhInverse would cost an inversion; Z_H·nInv and Z_H·lastScale per residue are two products.
    const zh = zhByResidue[reverseBits(pos) >>> shift & (D - 1)];
    first[pos] = mulF(mulF(zh, invA[pos]), nInv);
    last[pos] = mulF(mulF(zh, invB[pos]), lastScale);
  }
  return { length: L, nextRow, selectors: [first, last, xMinusOmegaInv], zhInverse };
}

/** The 32-bit reversal of i (matrix.ts's bitReverse without the width argument, inlined in the loops above). */
function reverseBits(i: number): number {
  let r = i;
  r = ((r >>> 1) & 0x55555555) | ((r & 0x55555555) << 1);
  r = ((r >>> 2) & 0x33333333) | ((r & 0x33333333) << 2);
  r = ((r >>> 4) & 0x0f0f0f0f) | ((r & 0x0f0f0f0f) << 4);
  r = ((r >>> 8) & 0x00ff00ff) | ((r & 0x00ff00ff) << 8);
  return ((r >>> 16) | (r << 16)) >>> 0;
}

/** Z_H(ζ) and the selectors at an out-of-domain point ζ (ζ^n ≠ 1, so no division by zero). */
export function selectorsAt(zeta: Ext4, logN: number): { zh: Ext4; selectors: [Ext4, Ext4, Ext4] } {
  const n = 1 << logN;
  const omegaInv = inv(twoAdicGenerator(logN));
  const zh = ext.sub(ext.pow(zeta, n), ext.ONE);
  const nInv = inv(n);
  const first = ext.mulBase(ext.div(zh, ext.sub(zeta, ext.ONE)), nInv);
  const zetaMinusOmegaInv = ext.sub(zeta, ext.fromBase(omegaInv));
  const last = ext.mulBase(ext.div(zh, zetaMinusOmegaInv), mul(omegaInv, nInv));
  return { zh, selectors: [first, last, zetaMinusOmegaInv] };
}
