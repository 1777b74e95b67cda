// The prover's quotient against the verifier's out-of-domain identity, without the PCS: trace and quotient
// polynomials are evaluated at ζ directly from their coefficients.
import { describe, expect, it } from 'vitest';
import { buildTableSystem, type TableSystem } from '../../src/stark/constraint-system.ts';
import { evaluateQuotient } from '../../src/stark/builders/quotient.ts';
import { combineConstraints, evaluateAtPoint } from '../../src/stark/builders/ood.ts';
import { quotientDomain, selectorsAt, traceNextRows, traceSelectors } from '../../src/stark/builders/selectors.ts';
import { generateAuxTrace } from '../../src/stark/lookup.ts';
import { cosetInterpolate, cosetLde, intt } from '../../src/stark/ntt.ts';
import { localAndNext, recombineExt } from '../../src/stark/protocol.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { log2Exact, type Matrix } from '../../src/stark/matrix.ts';
import { benchmarkSystem, fibonacciSystem, preprocessedSumSystem, rangeCheckSystem, type TestSystem } from '../helpers/test-airs.ts';

/** Each column's polynomial (interpolated on H_n) evaluated at x. */
function evalColumns(m: Matrix | null | undefined, x: Ext4): Ext4[] {
  if (!m) return [];
  return Array.from({ length: m.width }, (_, c) => {
    const coeffs = m.values.slice(c * m.height, (c + 1) * m.height);
    intt(coeffs);
    let acc: Ext4 = ext.ZERO;
    for (let i = coeffs.length - 1; i >= 0; i--) acc = ext.addBase(ext.mul(acc, x), coeffs[i]);
    return acc;
  });
}

function evalCoeffs(coeffs: Uint32Array, x: Ext4): Ext4 {
  let acc: Ext4 = ext.ZERO;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = ext.addBase(ext.mul(acc, x), coeffs[i]);
  return acc;
}

function oodHolds(sys: TestSystem, t: number, system: TableSystem): boolean {
  const logBlowup = 2;
  const trace = sys.traces[t];
  const logN = log2Exact(trace.height);
  const n = trace.height;
  const pool: Ext4[] = [[3, 1, 4, 1], [5, 9, 2, 6], [2, 7, 1, 8], [2, 8, 1, 8]];
  const challenges = pool.slice(0, 2 * system.lookupRepetitions);
  const prep = sys.preprocessed[t] ?? null;
  const { aux, claimedSums } = generateAuxTrace(system.interactions, system.groups, system.lookupRepetitions, {
    length: n, main: trace, prep, aux: null, nextRow: traceNextRows(n), selectors: traceSelectors(logN),
    publicValues: sys.publicValues[t], challenges, claimedSums: [],
  });
  const dom = quotientDomain(logN, system.logQuotientChunks);
  const alpha: Ext4 = [7, 7, 8, 9];
  const evals = evaluateQuotient(system.program, {
    length: dom.length, main: cosetLde(trace, logBlowup), prep: prep && cosetLde(prep, logBlowup),
    aux: system.auxWidth ? cosetLde(aux, logBlowup) : null, nextRow: dom.nextRow, selectors: dom.selectors,
    publicValues: sys.publicValues[t], challenges, claimedSums,
  }, alpha, dom.zhInverse);
  const coeffs = cosetInterpolate(evals);
  const zeta: Ext4 = [123, 456, 789, 1011];
  const [z, zNext] = localAndNext(zeta, logN);
  const window = (m: Matrix | null) => ({ local: evalColumns(m, z), next: evalColumns(m, zNext) });
  const auxWin = system.auxWidth ? window(aux) : { local: [], next: [] };
  const { zh, selectors } = selectorsAt(zeta, logN);
  const values = evaluateAtPoint(system.program, {
    main: window(trace), prep: window(prep),
    aux: { local: recombineExt(auxWin.local, system.auxWidth), next: recombineExt(auxWin.next, system.auxWidth) },
    selectors, publicValues: sys.publicValues[t], challenges, claimedSums,
  });
  const Q = recombineExt([0, 1, 2, 3].map((c) => evalCoeffs(coeffs.values.subarray(c * dom.length, (c + 1) * dom.length), zeta)), 1)[0];
  // the quotient has degree < (d − 1)·n only for an honest trace
  return ext.equals(combineConstraints(values, alpha), ext.mul(zh, Q));
}

describe('quotient vs out-of-domain identity', () => {
  it.each([
    ['fibonacci', fibonacciSystem(3), 0, 1],
    ['benchmark', benchmarkSystem(3), 0, 1],
    ['range16', rangeCheckSystem(3), 0, 1],
    ['byte table', rangeCheckSystem(3), 1, 1],
    ['range16', rangeCheckSystem(3), 0, 2],
    ['byte table', rangeCheckSystem(3), 1, 2],
    ['preprocessed', preprocessedSumSystem(3), 0, 1],
  ] as const)('holds for the honest %s trace (%i, %i LogUp repetitions)', (_, sys, t, R) => {
    expect(oodHolds(sys, t, buildTableSystem(sys.airs[t], R))).toBe(true);
  });

  it('fails for a corrupted cell', () => {
    const sys = benchmarkSystem(3);
    sys.traces[0].values[3] ^= 1;
    expect(oodHolds(sys, 0, buildTableSystem(sys.airs[0], 1))).toBe(false);
  });
});
