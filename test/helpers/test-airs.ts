// Small AIRs with honest trace generators, for the STARK's tests and benchmarks. Each `*System` returns
// everything `setup` and `prove` need: AIRs, preprocessed matrices, traces and public values.
import type { Air, AirBuilder } from '../../src/stark/air.ts';
import { add, mul } from '../../src/stark/field/babybear.ts';
import { fromRows, matrix, type Matrix } from '../../src/stark/matrix.ts';
import { TEST_PARAMS_INSECURE, type StarkParams } from '../../src/stark/params.ts';
import { setup } from '../../src/stark/keys.ts';
import { prove } from '../../src/stark/prover.ts';

export interface TestSystem {
  airs: Air[];
  preprocessed: (Matrix | undefined)[];
  traces: Matrix[];
  publicValues: number[][];
}

/** Columns a, b; public values [a_0, b_0, b_{n−1}]: a' = b, b' = a + b. */
export const fibonacciAir: Air = {
  name: 'fibonacci',
  mainWidth: 2,
  preprocessedWidth: 0,
  numPublicValues: 3,
  eval(b: AirBuilder) {
    const { local, next } = b.main();
    const [a0, b0, result] = b.publicValues();
    b.whenFirstRow().assertEq(local[0], a0);
    b.whenFirstRow().assertEq(local[1], b0);
    b.whenTransition().assertEq(next[0], local[1]);
    b.whenTransition().assertEq(next[1], local[0].add(local[1]));
    b.whenLastRow().assertEq(local[1], result);
  },
};

export function fibonacciSystem(logN: number, a0 = 0, b0 = 1): TestSystem {
  const n = 1 << logN;
  const rows: number[][] = [];
  let [a, b] = [a0, b0];
  for (let i = 0; i < n; i++) {
    rows.push([a, b]);
    [a, b] = [b, add(a, b)];
  }
  return { airs: [fibonacciAir], preprocessed: [undefined], traces: [fromRows(rows)], publicValues: [[a0, b0, rows[n - 1][1]]] };
}

export const BYTE_BUS = 1;
export const PAIR_BUS = 2;

/** Columns v, lo, hi with v = lo + 256·hi; lo and hi are looked up in the byte table. */
export const range16Air: Air = {
  name: 'range16',
  mainWidth: 3,
  preprocessedWidth: 0,
  numPublicValues: 0,
  eval(b) {
    const [v, lo, hi] = b.main().local;
    b.assertEq(v, lo.add(hi.mul(256)));
    b.send(BYTE_BUS, [lo], 1);
    b.send(BYTE_BUS, [hi], 1);
  },
};

/** Preprocessed column: 0..255; main column: how many times each byte is looked up. */
export const byteTableAir: Air = {
  name: 'bytes',
  mainWidth: 1,
  preprocessedWidth: 1,
  numPublicValues: 0,
  eval(b) {
    const [value] = b.preprocessed().local;
    const [multiplicity] = b.main().local;
    b.receive(BYTE_BUS, [value], multiplicity);
  },
};

export function byteTablePreprocessed(): Matrix {
  return matrix(1, 256, Uint32Array.from({ length: 256 }, (_, i) => i));
}

/** `values` are split into bytes honestly; a value ≥ 2^16 yields a `hi` that is not a byte. */
export function rangeCheckSystem(logN: number, values?: number[]): TestSystem {
  const n = 1 << logN;
  const vs = values ?? Array.from({ length: n }, (_, i) => (i * 40503 + 17) & 0xffff);
  if (vs.length !== n) throw new RangeError(`expected ${n} values`);
  const counts = new Uint32Array(256);
  const rows = vs.map((v) => {
    const [lo, hi] = [v & 0xff, Math.floor(v / 256)];
    counts[lo] += 1;
    if (hi < 256) counts[hi] += 1;
    return [v, lo, hi];
  });
  return {
    airs: [range16Air, byteTableAir],
    preprocessed: [undefined, byteTablePreprocessed()],
    traces: [fromRows(rows), matrix(1, 256, counts)],
    publicValues: [[], []],
  };
}

/** Table A holds (x, x²) and sends each row; table B receives the same rows in another order. */
export const permSourceAir: Air = {
  name: 'perm-source',
  mainWidth: 2,
  preprocessedWidth: 0,
  numPublicValues: 0,
  eval(b) {
    const [x, y] = b.main().local;
    b.assertEq(y, x.mul(x));
    b.send(PAIR_BUS, [x, y], 1);
  },
};

export const permSinkAir: Air = {
  name: 'perm-sink',
  mainWidth: 2,
  preprocessedWidth: 0,
  numPublicValues: 0,
  eval(b) {
    const [x, y] = b.main().local;
    b.receive(PAIR_BUS, [x, y], 1);
  },
};

export function permutationSystem(logN: number): TestSystem {
  const n = 1 << logN;
  const rows = Array.from({ length: n }, (_, i) => {
    const x = (i * 7919 + 3) % 65521;
    return [x, mul(x, x)];
  });
  const shuffled = rows.map((_, i) => rows[(i * 5 + 3) % n]); // 5 is odd: a permutation of Z_n
  return {
    airs: [permSourceAir, permSinkAir],
    preprocessed: [undefined, undefined],
    traces: [fromRows(rows), fromRows(shuffled)],
    publicValues: [[], []],
  };
}

/** Preprocessed k; main acc: acc_0 = 0, acc' = acc + k·k, and the last acc + k·k is public. */
export const preprocessedSumAir: Air = {
  name: 'prep-sum',
  mainWidth: 1,
  preprocessedWidth: 1,
  numPublicValues: 1,
  eval(b) {
    const [k] = b.preprocessed().local;
    const { local, next } = b.main();
    const [total] = b.publicValues();
    b.whenFirstRow().assertZero(local[0]);
    b.whenTransition().assertEq(next[0], local[0].add(k.mul(k)));
    b.whenLastRow().assertEq(total, local[0].add(k.mul(k)));
  },
};

export function preprocessedSumSystem(logN: number, seed = 1): TestSystem {
  const n = 1 << logN;
  const ks = Array.from({ length: n }, (_, i) => (i * 2654435761 + seed) % 1000003);
  const acc: number[] = [];
  let s = 0;
  for (const k of ks) {
    acc.push(s);
    s = add(s, mul(k, k));
  }
  return {
    airs: [preprocessedSumAir],
    preprocessed: [matrix(1, n, Uint32Array.from(ks))],
    traces: [matrix(1, n, Uint32Array.from(acc))],
    publicValues: [[s]],
  };
}

/**
 * The benchmark AIR: 16 columns x_0..x_7, y_0..y_7 with degree-3 constraints.
 * y_i = x_i²·x_{i+1} (every row), x_i' = x_i·x_{i+1} + y_i (transitions), x_i = i + 1 on the first row.
 */
export const benchmarkAir: Air = {
  name: 'bench16',
  mainWidth: 16,
  preprocessedWidth: 0,
  numPublicValues: 0,
  eval(b) {
    const { local, next } = b.main();
    for (let i = 0; i < 8; i++) {
      const [x, xNext, y] = [local[i], local[(i + 1) % 8], local[8 + i]];
      b.assertEq(y, x.mul(x).mul(xNext));
      b.whenTransition().assertEq(next[i], x.mul(xNext).add(y));
      b.whenFirstRow().assertEq(x, i + 1);
    }
  },
};

export function benchmarkSystem(logN: number): TestSystem {
  const n = 1 << logN;
  const t = matrix(16, n);
  const v = t.values;
  const [m, a] = [mul, add]; // local aliases: this loop runs 16·n times
  const x = Uint32Array.from({ length: 8 }, (_, i) => i + 1);
  const y = new Uint32Array(8);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < 8; i++) y[i] = m(m(x[i], x[i]), x[(i + 1) & 7]);
    for (let i = 0; i < 8; i++) {
      v[i * n + r] = x[i];
      v[(8 + i) * n + r] = y[i];
    }
    const x0 = x[0];
    for (let i = 0; i < 8; i++) x[i] = a(m(x[i], i === 7 ? x0 : x[i + 1]), y[i]);
  }
  return { airs: [benchmarkAir], preprocessed: [undefined], traces: [t], publicValues: [[]] };
}

/** Setup and an honest (or, with a corrupted trace, malicious) proof; the prover itself checks nothing. */
export function proveSystem(sys: TestSystem, params: StarkParams = TEST_PARAMS_INSECURE) {
  const { provingKey, verifyingKey } = setup(sys.airs, sys.preprocessed, params);
  const proof = prove(provingKey, sys.traces, sys.publicValues);
  return { provingKey, verifyingKey, proof };
}

/** TEST_PARAMS_INSECURE with two LogUp repetitions (PROVEN_PARAMS' count): as insecure, as fast. */
export const TEST_PARAMS_TWO_REPETITIONS: StarkParams = Object.freeze({ ...TEST_PARAMS_INSECURE, lookupRepetitions: 2 });

/** TEST parameters are insecure by design: tests that exercise soundness logic lower the minimum explicitly. */
export const TEST_VERIFY_OPTIONS = { minSecurityBits: 0 } as const;
