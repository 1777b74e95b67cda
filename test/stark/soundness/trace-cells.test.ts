// Malicious prover = the real prover on a corrupted trace: one cell changed (first row, a middle row, the
// last row; main and preprocessed columns). The verifier must reject at the out-of-domain check.
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import { prove } from '../../../src/stark/prover.ts';
import { pcsCommit } from '../../../src/stark/pcs.ts';
import { TEST_PARAMS_INSECURE } from '../../../src/stark/params.ts';
import { add } from '../../../src/stark/field/babybear.ts';
import type { Matrix } from '../../../src/stark/matrix.ts';
import {
  TEST_VERIFY_OPTIONS, benchmarkSystem, fibonacciSystem, preprocessedSumSystem, proveSystem, type TestSystem,
} from '../../helpers/test-airs.ts';
import { rejectionCode } from './reject.ts';

function bump(m: Matrix, row: number, col: number): void {
  m.values[col * m.height + row] = add(m.values[col * m.height + row], 1);
}

describe('one corrupted main-trace cell', () => {
  const cases: [string, () => TestSystem, number, number][] = [
    ['fibonacci, first row', () => fibonacciSystem(4), 0, 0],
    ['fibonacci, middle row', () => fibonacciSystem(4), 7, 1],
    ['fibonacci, last row', () => fibonacciSystem(4), 15, 1],
    ['benchmark, first row (degree-3 column)', () => benchmarkSystem(4), 0, 9],
    ['benchmark, middle row', () => benchmarkSystem(4), 8, 3],
    ['benchmark, last row', () => benchmarkSystem(4), 15, 15],
    ['preprocessed sum, middle row', () => preprocessedSumSystem(4), 5, 0],
  ];
  it.each(cases)('%s → ood-constraint-mismatch', (_, make, row, col) => {
    const sys = make();
    bump(sys.traces[0], row, col);
    const { verifyingKey, proof } = proveSystem(sys);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});

describe('one corrupted preprocessed cell', () => {
  it('with the trace made consistent and the honest key in the transcript → merkle-path-mismatch', () => {
    // The cheater keeps the honest verifying key (so the transcript matches) but commits other
    // preprocessed data and a trace consistent with it: only the preprocessed root can catch this.
    const honest = preprocessedSumSystem(4);
    const { provingKey, verifyingKey } = proveSystem(honest);
    const forged = preprocessedSumSystem(4);
    const prep = forged.preprocessed[0]!;
    bump(prep, 6, 0);
    const k = Array.from(prep.values);
    let s = 0;
    const acc = k.map((ki) => {
      const cur = s;
      s = add(s, Number((BigInt(ki) * BigInt(ki)) % 2013265921n));
      return cur;
    });
    forged.traces[0].values.set(acc);
    forged.publicValues[0] = [s];
    const cheatingKey = { ...provingKey, preprocessed: pcsCommit([prep], TEST_PARAMS_INSECURE), preprocessedMatrices: [prep] };
    const proof = prove(cheatingKey, forged.traces, forged.publicValues);
    expect(rejectionCode(() => verify(verifyingKey, proof, forged.publicValues, TEST_VERIFY_OPTIONS))).toBe('merkle-path-mismatch');
  });

  it('with the honest trace → ood-constraint-mismatch', () => {
    const sys = preprocessedSumSystem(4);
    const { provingKey, verifyingKey } = proveSystem(sys);
    const prep = sys.preprocessed[0]!;
    bump(prep, 9, 0);
    const cheatingKey = { ...provingKey, preprocessed: pcsCommit([prep], TEST_PARAMS_INSECURE), preprocessedMatrices: [prep] };
    const proof = prove(cheatingKey, sys.traces, sys.publicValues);
    expect(rejectionCode(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS))).toBe('ood-constraint-mismatch');
  });
});
