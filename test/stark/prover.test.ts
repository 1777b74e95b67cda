// Honest proofs of every test AIR: round trips through the binary encoding, determinism, mixed heights,
// and the prover's refusal of malformed inputs.
import { describe, expect, it } from 'vitest';
import { prove } from '../../src/stark/prover.ts';
import { verify } from '../../src/stark/verifier.ts';
import { readProof, writeProof } from '../../src/stark/proof.ts';
import { setup } from '../../src/stark/keys.ts';
import { DEFAULT_PARAMS, PROVEN_PARAMS, TEST_PARAMS_INSECURE } from '../../src/stark/params.ts';
import { InputError } from '../../src/stark/errors.ts';
import { matrix } from '../../src/stark/matrix.ts';
import type { Air } from '../../src/stark/air.ts';
import {
  TEST_PARAMS_TWO_REPETITIONS, TEST_VERIFY_OPTIONS, benchmarkSystem, fibonacciSystem, permutationSystem,
  preprocessedSumSystem, proveSystem, rangeCheckSystem, type TestSystem,
} from '../helpers/test-airs.ts';

const systems: [string, () => TestSystem][] = [
  ['fibonacci', () => fibonacciSystem(5)],
  ['range check (2^6 values into a 2^8 byte table)', () => rangeCheckSystem(6)],
  ['range check (2^9 values, taller than the byte table)', () => rangeCheckSystem(9)],
  ['permutation', () => permutationSystem(4)],
  ['preprocessed', () => preprocessedSumSystem(4)],
  ['benchmark AIR', () => benchmarkSystem(4)],
  ['smallest height (2 rows)', () => fibonacciSystem(1)],
];

describe('prove → encode → decode → verify', () => {
  it.each(systems)('%s', (_, make) => {
    const sys = make();
    const { verifyingKey, proof } = proveSystem(sys);
    const bytes = writeProof(proof);
    const decoded = readProof(bytes, verifyingKey);
    expect(writeProof(decoded)).toEqual(bytes);
    verify(verifyingKey, decoded, sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('proves several tables of different heights in one proof', () => {
    const fib = fibonacciSystem(3);
    const range = rangeCheckSystem(7);
    const prep = preprocessedSumSystem(5);
    const sys: TestSystem = {
      airs: [...fib.airs, ...range.airs, ...prep.airs],
      preprocessed: [...fib.preprocessed, ...range.preprocessed, ...prep.preprocessed],
      traces: [...fib.traces, ...range.traces, ...prep.traces],
      publicValues: [...fib.publicValues, ...range.publicValues, ...prep.publicValues],
    };
    const { verifyingKey, proof } = proveSystem(sys);
    expect(proof.logHeights).toEqual([3, 7, 8, 5]);
    verify(verifyingKey, readProof(writeProof(proof), verifyingKey), sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('is deterministic: the same inputs give byte-identical proofs', () => {
    const a = writeProof(proveSystem(rangeCheckSystem(5)).proof);
    const b = writeProof(proveSystem(rangeCheckSystem(5)).proof);
    expect(a).toEqual(b);
  });

  it.each([
    ['range check', () => rangeCheckSystem(6)],
    ['permutation', () => permutationSystem(4)],
    ['no interactions (fibonacci)', () => fibonacciSystem(4)],
  ] as const)('with 2 LogUp repetitions: %s', (_, make) => {
    const sys = make();
    const { verifyingKey, proof } = proveSystem(sys, TEST_PARAMS_TWO_REPETITIONS);
    // Two claimed sums per aux table, each repetition balancing on its own, on distinct challenges.
    const numAux = verifyingKey.tables.filter((t) => t.numInteractions > 0).length;
    expect(proof.claimedSums.length).toBe(numAux);
    for (const sums of proof.claimedSums) {
      expect(sums.length).toBe(2);
      expect(sums[0]).not.toEqual(sums[1]);
    }
    const bytes = writeProof(proof);
    const decoded = readProof(bytes, verifyingKey);
    expect(writeProof(decoded)).toEqual(bytes);
    verify(verifyingKey, decoded, sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('verifies at PROVEN_PARAMS (2 repetitions) and the default minimum security', () => {
    const sys = rangeCheckSystem(5);
    const { verifyingKey, proof } = proveSystem(sys, PROVEN_PARAMS);
    verify(verifyingKey, readProof(writeProof(proof), verifyingKey), sys.publicValues);
  });

  it('verifies at the default parameters and the default minimum security', () => {
    const sys = benchmarkSystem(6);
    const { verifyingKey, proof } = proveSystem(sys, DEFAULT_PARAMS);
    verify(verifyingKey, readProof(writeProof(proof), verifyingKey), sys.publicValues);
  });
});

describe('the prover refuses malformed inputs with InputError', () => {
  const sys = fibonacciSystem(3);
  const { provingKey } = setup(sys.airs, sys.preprocessed, TEST_PARAMS_INSECURE);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).code;
    }
    throw new Error('expected an InputError');
  };

  it('wrong number of traces', () => expect(code(() => prove(provingKey, [], []))).toBe('trace-shape-mismatch'));
  it('wrong width', () => expect(code(() => prove(provingKey, [matrix(3, 8)], sys.publicValues))).toBe('trace-shape-mismatch'));
  it('height not a power of two', () => expect(code(() => prove(provingKey, [matrix(2, 6)], sys.publicValues))).toBe('trace-shape-mismatch'));
  it('non-canonical trace value', () => {
    const t = matrix(2, 8);
    t.values[3] = 2013265921;
    expect(code(() => prove(provingKey, [t], sys.publicValues))).toBe('trace-shape-mismatch');
  });
  it('wrong public value count', () => expect(code(() => prove(provingKey, sys.traces, [[1, 2]]))).toBe('invalid-public-values'));
  it('other parameters than the keys were made for', () => {
    expect(code(() => prove(provingKey, sys.traces, sys.publicValues, DEFAULT_PARAMS))).toBe('invalid-parameters');
    // Only the number of LogUp repetitions differs, either way round.
    expect(code(() => prove(provingKey, sys.traces, sys.publicValues, TEST_PARAMS_TWO_REPETITIONS))).toBe('invalid-parameters');
    const two = setup(sys.airs, sys.preprocessed, TEST_PARAMS_TWO_REPETITIONS).provingKey;
    expect(code(() => prove(two, sys.traces, sys.publicValues, TEST_PARAMS_INSECURE))).toBe('invalid-parameters');
  });
  it('a number of LogUp repetitions outside 1..4 at setup', () => {
    for (const lookupRepetitions of [0, 5, 1.5, NaN]) {
      expect(code(() => setup(sys.airs, sys.preprocessed, { ...TEST_PARAMS_INSECURE, lookupRepetitions }))).toBe('invalid-parameters');
    }
  });
  it('a table height other than its preprocessed columns fix', () => {
    const prep = preprocessedSumSystem(4);
    const keys = setup(prep.airs, prep.preprocessed, TEST_PARAMS_INSECURE);
    expect(code(() => prove(keys.provingKey, [matrix(1, 32)], prep.publicValues))).toBe('trace-shape-mismatch');
  });
  it('a bus used with two arities', () => {
    const bad = { ...permutationSystem(3).airs[1], eval: (b: Parameters<TestSystem['airs'][0]['eval']>[0]) => b.receive(2, [b.main().local[0]], 1) };
    expect(code(() => setup([permutationSystem(3).airs[0], bad], [undefined, undefined], TEST_PARAMS_INSECURE))).toBe('bus-arity-mismatch');
  });
});

describe('selectors and next-row references inside interactions', () => {
  // A sends x_{n−1}·x_0 (a next-row reference wrapping around) only on its last row; B receives it on its
  // first row. Both multiplicities are selectors, so this only balances if the selectors' values agree on
  // the trace, on the quotient domain and at ζ.
  const source: Air = {
    name: 'wrap-source', mainWidth: 1, preprocessedWidth: 0, numPublicValues: 0,
    eval(b) {
      const { local, next } = b.main();
      b.send(5, [local[0].mul(next[0])], b.isLastRow);
    },
  };
  const sink: Air = {
    name: 'wrap-sink', mainWidth: 1, preprocessedWidth: 0, numPublicValues: 0,
    eval(b) {
      b.receive(5, [b.main().local[0]], b.isFirstRow);
    },
  };
  const xs = [3, 5, 7, 11, 13, 17, 19, 23];
  const make = (v: number): TestSystem => ({
    airs: [source, sink], preprocessed: [undefined, undefined],
    traces: [matrix(1, 8, Uint32Array.from(xs)), matrix(1, 4, Uint32Array.from([v, 1, 2, 3]))], publicValues: [[], []],
  });

  it('balances and verifies when B holds x_7·x_0', () => {
    const sys = make(23 * 3);
    const { verifyingKey, proof } = proveSystem(sys);
    verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS);
  });

  it('is rejected with bus-imbalance otherwise', () => {
    const sys = make(23 * 5);
    const { verifyingKey, proof } = proveSystem(sys);
    expect(() => verify(verifyingKey, proof, sys.publicValues, TEST_VERIFY_OPTIONS)).toThrow(expect.objectContaining({ code: 'bus-imbalance' }));
  });
});
