// The AIR layer without the protocol: symbolic degrees, the debug checker, LogUp's auxiliary trace and the
// vectorized quotient evaluator against the verifier's per-point evaluator.
import { describe, expect, it } from 'vitest';
import { buildTableSystem, programDigest } from '../../src/stark/constraint-system.ts';
import { debugCheck, type DebugTable } from '../../src/stark/builders/debug.ts';
import { forEachChunk, type RowEnv } from '../../src/stark/builders/rows.ts';
import { traceNextRows, traceSelectors, quotientDomain } from '../../src/stark/builders/selectors.ts';
import { evaluateQuotient } from '../../src/stark/builders/quotient.ts';
import { combineConstraints, evaluateAtPoint } from '../../src/stark/builders/ood.ts';
import { generateAuxTrace, packInteractions } from '../../src/stark/lookup.ts';
import { Expr, OP_VAR, SOURCES, flatten } from '../../src/stark/expr.ts';
import { InputError } from '../../src/stark/errors.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { log2Exact, matrix, type Matrix } from '../../src/stark/matrix.ts';
import type { Air } from '../../src/stark/air.ts';
import { recordAir } from '../../src/stark/builders/symbolic.ts';
import {
  benchmarkSystem, fibonacciSystem, permutationSystem, preprocessedSumSystem, rangeCheckSystem, type TestSystem,
} from '../helpers/test-airs.ts';

function debugTables(sys: TestSystem): DebugTable[] {
  return sys.airs.map((air, i) => ({
    system: buildTableSystem(air, 1),
    main: sys.traces[i],
    prep: sys.preprocessed[i],
    publicValues: sys.publicValues[i],
  }));
}

/** A deterministic pseudo-random generator (xorshift32), seeded; the seed is printed by the caller. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s % 2013265921;
  };
}

describe('symbolic analysis', () => {
  it('computes degrees and quotient chunks', () => {
    const fib = buildTableSystem(fibonacciSystem(3).airs[0], 1);
    expect(fib.maxDegree).toBe(2);
    expect(fib.logQuotientChunks).toBe(0);
    expect(fib.numUserConstraints).toBe(5);
    const bench = buildTableSystem(benchmarkSystem(3).airs[0], 1);
    expect(bench.maxDegree).toBe(3);
    expect(bench.logQuotientChunks).toBe(1);
    const range = buildTableSystem(rangeCheckSystem(3).airs[0], 1);
    // two degree-1 interactions pack into one column: h·d1·d2 has degree 3
    expect(range.groups).toEqual([[0, 1]]);
    expect(range.auxWidth).toBe(2);
  });

  it('rejects constraints of degree above 3', () => {
    const air: Air = {
      name: 'too-high', mainWidth: 1, preprocessedWidth: 0, numPublicValues: 0,
      eval(b) { const [x] = b.main().local; b.whenTransition().assertZero(x.mul(x).mul(x)); },
    };
    expect(() => buildTableSystem(air, 1)).toThrow(expect.objectContaining({ code: 'constraint-degree-too-high' }));
  });

  it('gives different AIRs different constraint digests and equal AIRs equal ones', () => {
    const a = buildTableSystem(fibonacciSystem(3).airs[0], 1);
    const b = buildTableSystem(fibonacciSystem(3).airs[0], 1);
    const c = buildTableSystem(benchmarkSystem(3).airs[0], 1);
    expect(a.constraintDigest).toEqual(b.constraintDigest);
    expect(a.constraintDigest).not.toEqual(c.constraintDigest);
  });

  it('refuses an AIR that states nothing, with a typed error', () => {
    const air: Air = { name: 'x', mainWidth: 1, preprocessedWidth: 0, numPublicValues: 0, eval() {} };
    expect(() => buildTableSystem(air, 1)).toThrow(InputError);
  });
});

describe('debug checker', () => {
  const honest: [string, TestSystem][] = [
    ['fibonacci', fibonacciSystem(4)],
    ['range check', rangeCheckSystem(5)],
    ['permutation', permutationSystem(4)],
    ['preprocessed', preprocessedSumSystem(4)],
    ['benchmark', benchmarkSystem(4)],
  ];
  it.each(honest)('accepts the honest %s trace', (_, sys) => {
    const report = debugCheck(debugTables(sys));
    expect(report.failures).toEqual([]);
    expect(report.imbalances).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('reports every failing row and constraint of a corrupted cell', () => {
    const sys = fibonacciSystem(4);
    sys.traces[0].values[5] += 1; // a at row 5
    const report = debugCheck(debugTables(sys));
    expect(report.ok).toBe(false);
    // row 4: a' = b fails; row 5: b' = a + b fails
    expect(report.failures.map((f) => [f.row, f.constraint])).toEqual([[4, 2], [5, 3]]);
  });

  it('reports a looked-up value that is not in the table', () => {
    const sys = rangeCheckSystem(3, [1, 2, 3, 4, 5, 6, 7, 300 * 256 + 1]);
    const report = debugCheck(debugTables(sys));
    expect(report.failures).toEqual([]);
    expect(report.imbalances).toEqual([{ bus: 1, fields: [300], multiplicity: 1 }]);
  });
});

function traceEnv(sys: TestSystem, t: number, aux: Matrix | null, challenges: Ext4[], claimedSums: Ext4[]): RowEnv {
  const n = sys.traces[t].height;
  return {
    length: n, main: sys.traces[t], prep: sys.preprocessed[t] ?? null, aux,
    nextRow: traceNextRows(n), selectors: traceSelectors(log2Exact(n)),
    publicValues: sys.publicValues[t], challenges, claimedSums,
  };
}

describe('LogUp auxiliary trace', () => {
  // [α_0, γ_0, α_1, γ_1]: the second repetition's pair is only read with 2 repetitions.
  const challenges: Ext4[] = [[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20]];
  it.each([
    ['range check', rangeCheckSystem(5), 1],
    ['permutation', permutationSystem(4), 1],
    ['range check', rangeCheckSystem(5), 2],
    ['permutation', permutationSystem(4), 2],
  ] as const)('satisfies every constraint on the trace and balances (%s, %i repetitions)', (_, sys, R) => {
    const totals: Ext4[] = Array.from({ length: R }, () => ext.ZERO);
    sys.airs.forEach((air, t) => {
      const system = buildTableSystem(air, R);
      const { aux, claimedSums } = generateAuxTrace(system.interactions, system.groups, R, traceEnv(sys, t, null, challenges, []));
      expect(claimedSums.length).toBe(system.interactions.length > 0 ? R : 0);
      claimedSums.forEach((s, r) => (totals[r] = ext.add(totals[r], s)));
      forEachChunk(system.program, traceEnv(sys, t, aux, challenges, claimedSums), ({ len, nodeValues, chunkSize }) => {
        system.program.roots.forEach((r, k) => {
          const lanes = system.program.nodes[r].isExt ? 4 : 1;
          for (let c = 0; c < lanes; c++) {
            for (let i = 0; i < len; i++) expect(nodeValues[r][c * chunkSize + i], `constraint ${k} row ${i}`).toBe(0);
          }
        });
      });
    });
    totals.forEach((total) => expect(total).toEqual(ext.ZERO));
  });

  it('does not balance in any repetition when a multiplicity is off by one', () => {
    const sys = rangeCheckSystem(5);
    sys.traces[1].values[7] += 1;
    const totals: Ext4[] = [ext.ZERO, ext.ZERO];
    sys.airs.forEach((air, t) => {
      const system = buildTableSystem(air, 2);
      generateAuxTrace(system.interactions, system.groups, 2, traceEnv(sys, t, null, challenges, [])).claimedSums
        .forEach((s, r) => (totals[r] = ext.add(totals[r], s)));
    });
    expect(totals[0]).not.toEqual(ext.ZERO);
    expect(totals[1]).not.toEqual(ext.ZERO);
  });

  it('builds one block of constraints per repetition, on its own challenges, columns and claimed sum', () => {
    const [one, two] = [1, 2].map((R) => buildTableSystem(rangeCheckSystem(3).airs[0], R));
    const block = one.groups.length + 1;
    expect(two.auxWidth).toBe(2 * block);
    const lookupCount = one.constraints.length - one.numUserConstraints;
    expect(two.constraints.length - two.numUserConstraints).toBe(2 * lookupCount);
    const used = (sys: typeof one, source: string) =>
      [...new Set(sys.program.nodes.filter((n) => n.op === OP_VAR && SOURCES[n.source] === source).map((n) => n.value))].sort();
    expect(used(one, 'challenge')).toEqual([0, 1]);
    expect(used(two, 'challenge')).toEqual([0, 1, 2, 3]);
    expect(used(two, 'claimedSum')).toEqual([0, 1]);
    expect(used(two, 'aux')).toEqual(Array.from({ length: 2 * block }, (_, i) => i));
    // Repetition 0 is exactly the single-repetition system; the digest still tells the two apart.
    expect(programDigest(flatten(two.constraints.slice(0, one.constraints.length)))).toEqual(one.constraintDigest);
    expect(two.constraintDigest).not.toEqual(one.constraintDigest);
  });
});

/** 70 degree-≤3 constraints over 3 columns, plus an interaction: exercises every accumulation path. */
function manyConstraintsSystem(): TestSystem {
  const air: Air = {
    name: 'many', mainWidth: 3, preprocessedWidth: 0, numPublicValues: 1,
    eval(b) {
      const { local, next } = b.main();
      const [pv] = b.publicValues();
      for (let i = 0; i < 70; i++) {
        const [x, y] = [local[i % 3], next[(i + 1) % 3]];
        if (i % 3 === 0) b.assertZero(x.mul(y).mul(i + 1).sub(pv));
        else if (i % 3 === 1) b.whenTransition().assertEq(x.mul(y), i);
        else b.assertBool(x.add(i));
      }
      b.send(3, [local[0], next[1]], local[2]);
    },
  };
  return { airs: [air], preprocessed: [undefined], traces: [matrix(3, 16)], publicValues: [[5]] };
}

function manyInteractionsSystem(): TestSystem {
  const air: Air = {
    name: 'sends', mainWidth: 4, preprocessedWidth: 0, numPublicValues: 0,
    eval(b) {
      const { local, next } = b.main();
      for (let i = 0; i < 20; i++) b.send(i % 3, [local[i % 4], next[(i + 1) % 4].add(i)], local[3]);
    },
  };
  return { airs: [air], preprocessed: [undefined], traces: [matrix(4, 16)], publicValues: [[]] };
}

/** Row i of every column of m, as extension elements (aux: 4 base columns per element). */
function rowOf(m: Matrix | null, row: number, extColumns: boolean): Ext4[] {
  if (m === null) return [];
  const at = (c: number) => m.values[c * m.height + row];
  return extColumns
    ? Array.from({ length: m.width / 4 }, (_, j) => [at(4 * j), at(4 * j + 1), at(4 * j + 2), at(4 * j + 3)] as const)
    : Array.from({ length: m.width }, (_, c) => ext.fromBase(at(c)));
}

describe('vectorized evaluator (forEachChunk)', () => {
  it('evaluates fused affine forms (negations, base terms, constants, next rows) like the per-point evaluator', () => {
    const random = rng(777);
    console.info('affine-forms seed 777');
    const [main, ch] = [(i: number, next = false) => Expr.variable('main', i, next), (i: number) => Expr.variable('challenge', i)];
    const roots = [
      // γ·a + b − (−(α·c)) − 5 + α: terms with coefficient 1, a negation inside a subtraction, constants
      ch(1).mul(main(0)).add(main(1)).sub(ch(0).mul(main(2)).neg()).sub(5).add(ch(0)),
      // base − (γ·a'): a negated term from the next row; then multiplied, so the form is materialized
      main(0).sub(ch(1).mul(main(1, true))).mul(main(2)),
      // a form read both by another form and by a product (materialized and expanded)
      ch(0).sub(ch(1).mul(main(2))).add(Expr.variable('public', 0)),
    ];
    roots.push(roots[2].mul(roots[2]).add(roots[2].sub(main(1))));
    const program = flatten(roots);
    const n = 1500; // one full chunk and a partial one
    const trace = matrix(3, n, Uint32Array.from({ length: 3 * n }, random));
    const nextRow = traceNextRows(n);
    const env: RowEnv = {
      length: n, main: trace, prep: null, aux: null, nextRow, selectors: [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)],
      publicValues: [random()], challenges: [[random(), random(), random(), 2013265920], [random(), 0, random(), 1]], claimedSums: [],
    };
    let mismatches = 0;
    forEachChunk(program, env, ({ start, len, nodeValues, chunkSize }) => {
      for (let i = 0; i < len; i++) {
        const row = start + i;
        const window = { local: rowOf(trace, row, false), next: rowOf(trace, nextRow[row], false) };
        const expected = evaluateAtPoint(program, {
          main: window, prep: { local: [], next: [] }, aux: { local: [], next: [] },
          selectors: [ext.ZERO, ext.ZERO, ext.ZERO], publicValues: env.publicValues, challenges: env.challenges, claimedSums: [],
        });
        program.roots.forEach((r, k) => {
          const v = nodeValues[r];
          const got = [0, 1, 2, 3].map((c) => (program.nodes[r].isExt ? v[c * chunkSize + i] : c === 0 ? v[i] : 0));
          if (!ext.equals(got as unknown as Ext4, expected[k])) mismatches++;
        });
      }
    });
    expect(mismatches).toBe(0);
  });
});

describe('vectorized quotient evaluator', () => {
  it.each([
    ['range check', rangeCheckSystem(4), 0, 1],
    ['range check, 2 LogUp repetitions', rangeCheckSystem(4), 0, 2],
    ['benchmark', benchmarkSystem(4), 0, 1],
    ['benchmark, 2 chunks of rows', benchmarkSystem(10), 0, 1],
    ['preprocessed', preprocessedSumSystem(4), 0, 1],
    ['70 constraints (several unreduced-sum flushes)', manyConstraintsSystem(), 0, 1],
    ['20 interactions (LogUp-heavy)', manyInteractionsSystem(), 0, 1],
    ['20 interactions, 3 LogUp repetitions', manyInteractionsSystem(), 0, 3],
  ] as const)('matches the per-point evaluator at every position, random and edge inputs (%s)', (_, sys, t, R) => {
    const seed = 12345;
    console.info(`vectorized-vs-per-point seed ${seed}`);
    const random = rng(seed);
    // One value in 4 is 0 or p − 1, where unreduced sums and fix-ups are at their extremes.
    const next = () => {
      const x = random();
      return x % 4 !== 0 ? x : x % 8 === 0 ? 0 : 2013265920;
    };
    const system = buildTableSystem(sys.airs[t], R);
    const logN = log2Exact(sys.traces[t].height);
    const dom = quotientDomain(logN, 1);
    const rand = (w: number) => matrix(w, dom.length * 2, Uint32Array.from({ length: w * dom.length * 2 }, next));
    const env: RowEnv = {
      length: dom.length,
      main: rand(system.mainWidth), prep: system.prepWidth ? rand(system.prepWidth) : null,
      aux: system.auxWidth ? rand(4 * system.auxWidth) : null,
      nextRow: dom.nextRow, selectors: dom.selectors,
      publicValues: Array.from({ length: system.numPublicValues }, next),
      challenges: Array.from({ length: 2 * R }, (): Ext4 => [next(), next(), next(), next()]),
      claimedSums: Array.from({ length: R }, (): Ext4 => [next(), next(), next(), next()]),
    };
    const alpha: Ext4 = [next(), next(), next(), next()];
    const q = evaluateQuotient(system.program, env, alpha, dom.zhInverse);
    let mismatches = 0;
    for (let i = 0; i < dom.length; i++) {
      const window = (m: Matrix | null, extColumns = false) => ({ local: rowOf(m, i, extColumns), next: rowOf(m, dom.nextRow[i], extColumns) });
      const values = evaluateAtPoint(system.program, {
        main: window(env.main), prep: window(env.prep), aux: window(env.aux, true),
        selectors: [ext.fromBase(dom.selectors[0][i]), ext.fromBase(dom.selectors[1][i]), ext.fromBase(dom.selectors[2][i])],
        publicValues: env.publicValues, challenges: env.challenges, claimedSums: env.claimedSums,
      });
      const expected = ext.mulBase(combineConstraints(values, alpha), dom.zhInverse[i]);
      if (!ext.equals(expected, [0, 1, 2, 3].map((c) => q.values[c * dom.length + i]) as unknown as Ext4)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('expressions', () => {
  it('flattens shared subexpressions once', () => {
    const x = Expr.variable('main', 0);
    const y = Expr.variable('main', 1);
    const program = flatten([x.mul(y).add(1), x.mul(y).sub(1)]);
    // x, y, x·y, 1, x·y + 1, x·y − 1
    expect(program.nodes.length).toBe(6);
    expect(program.roots.length).toBe(2);
  });

  it('counts degrees, selectors as 1, and folds constants', () => {
    const x = Expr.variable('main', 0);
    const sel = Expr.variable('selector', 0);
    expect(sel.mul(x.mul(x)).degree).toBe(3);
    expect(x.mul(0).degree).toBe(0);
    expect(Expr.constant(-1).value).toBe(2013265920);
  });
});

describe('LogUp packing', () => {
  const x = Expr.variable('main', 0);
  const it1 = { bus: 1, fields: [x], multiplicity: Expr.constant(1) };
  const it2 = { bus: 1, fields: [x.mul(x)], multiplicity: Expr.constant(1) };
  const it3 = { bus: 1, fields: [x.mul(x).mul(x)], multiplicity: Expr.constant(1) };
  it('pairs degree-1 messages and keeps degree-2 messages alone', () => {
    expect(packInteractions('t', [it1, it1, it1], 3)).toEqual([[0, 1], [2]]);
    expect(packInteractions('t', [it2, it1, it1], 3)).toEqual([[0], [1, 2]]);
  });
  it('refuses a message whose constraint would exceed degree 3', () => {
    expect(() => packInteractions('t', [it3], 3)).toThrow(expect.objectContaining({ code: 'constraint-degree-too-high' }));
  });
});

describe('interaction multiplicities', () => {
  it('rejects a multiplicity scaled by the transition selector (not boolean on the trace)', () => {
    const air: Air = {
      name: 'transition-send',
      mainWidth: 1,
      preprocessedWidth: 0,
      numPublicValues: 0,
      eval(b) {
        b.whenTransition().send(7, [b.main().local[0]], 1);
      },
    };
    expect(() => recordAir(air)).toThrow(/transition selector/);
    try {
      recordAir(air);
    } catch (e) {
      expect((e as InputError).code).toBe('invalid-air');
    }
  });
});
