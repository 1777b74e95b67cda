// The wasm SIMD quotient evaluator (kernels/quotient-wasm.ts) against the TS path (builders/quotient.ts), on every
// position of random LDE-like inputs salted with edge values (0, 1, p − 1): domains of one short chunk, of many
// chunks, with gathered and contiguous "next" rows; AIRs with public values, preprocessed columns, negations,
// invariant subexpressions and root counts that are and are not multiples of 4; LogUp AIRs (range check,
// permutation; 1 and 2 repetitions) and a program with every extension-valued node kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Air } from '../../src/stark/air.ts';
import { buildTableSystem } from '../../src/stark/constraint-system.ts';
import { Expr, flatten, logupChallenge, OP_MUL, SEL_FIRST_ROW, SEL_TRANSITION, type FlatProgram } from '../../src/stark/expr.ts';
import { planFor, KIND_AFFINE, KIND_SKIPPED } from '../../src/stark/builders/chunk-plan.ts';
import { quotientDomain } from '../../src/stark/builders/selectors.ts';
import { evaluateQuotient, evaluateQuotientTs } from '../../src/stark/builders/quotient.ts';
import type { RowEnv } from '../../src/stark/builders/rows.ts';
import { P } from '../../src/stark/field/babybear.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { matrix, type Matrix } from '../../src/stark/matrix.ts';
import { quotientHelperChunks, quotientKernelApplies } from '../../src/stark/kernels/quotient-wasm.ts';
import { quotientWorkerRunning, startQuotientWorker, stopQuotientWorker } from '../../src/stark/kernels/quotient-workers.ts';
import { benchmarkAir, byteTableAir, fibonacciAir, permSinkAir, permSourceAir, preprocessedSumAir, range16Air } from '../helpers/test-airs.ts';
import { randomField, xorshift } from '../helpers/random-matrices.ts';

const SEED = 0x51d3;
const next = xorshift(SEED);
console.log(`quotient kernel tests: seed ${SEED}`);

/** A random element, one time in four an edge value. */
function salted(): number {
  const r = next();
  if ((r & 3) !== 0) return randomField(next);
  return [0, 1, P - 1, P - 2][(r >>> 2) & 3];
}

/** Every node kind the kernel runs: constants 0, 1, p − 1, negation, invariant products, prep "next" rows, 5 roots. */
const edgeAir: Air = {
  name: 'edge',
  mainWidth: 3,
  preprocessedWidth: 2,
  numPublicValues: 2,
  eval(b) {
    const { local, next: nxt } = b.main();
    const prep = b.preprocessed();
    const [u, v] = b.publicValues();
    b.assertZero(local[0].neg().mul(local[1]).add(P - 1));
    b.assertEq(local[2].mul(u.mul(v).add(3)), prep.next[1].sub(nxt[0]).neg());
    b.whenTransition().assertEq(nxt[2], local[0].mul(prep.local[0]));
    b.whenFirstRow().assertEq(local[1], u);
    b.whenLastRow().assertZero(local[2].sub(local[2]).add(prep.local[1].mul(v)));
  },
};

function randomMatrix(width: number, height: number, fill?: number): Matrix {
  return matrix(width, height, Uint32Array.from({ length: width * height }, () => fill ?? salted()));
}

interface Shape {
  readonly name: string;
  readonly program: FlatProgram;
  readonly mainWidth: number;
  readonly prepWidth: number;
  /** Extension columns (4 base columns each). */
  readonly auxWidth: number;
  readonly numPublicValues: number;
  readonly repetitions: number;
}

function shapeOf(air: Air, repetitions = 1): Shape {
  const system = buildTableSystem(air, repetitions);
  return {
    name: `${air.name} R=${repetitions}`, program: system.program, mainWidth: system.mainWidth, prepWidth: system.prepWidth,
    auxWidth: system.auxWidth, numPublicValues: system.numPublicValues, repetitions,
  };
}

function compare(air: Air | Shape, logN: number, logChunks: number, fill?: number): void {
  const shape = 'program' in air ? air : shapeOf(air);
  const dom = quotientDomain(logN, logChunks);
  const element = (): number => fill ?? salted();
  const ext = (): Ext4 => [element(), element(), element(), element()];
  const env: RowEnv = {
    length: dom.length,
    main: randomMatrix(shape.mainWidth, 2 * dom.length, fill),
    prep: shape.prepWidth ? randomMatrix(shape.prepWidth, 2 * dom.length, fill) : null,
    aux: shape.auxWidth ? randomMatrix(4 * shape.auxWidth, 2 * dom.length, fill) : null,
    nextRow: dom.nextRow, selectors: dom.selectors,
    publicValues: Array.from({ length: shape.numPublicValues }, salted),
    challenges: Array.from({ length: 2 * shape.repetitions }, ext),
    claimedSums: Array.from({ length: shape.repetitions }, ext),
  };
  const alpha: Ext4 = [salted(), salted(), salted(), salted()];
  const zhInverse = Uint32Array.from(dom.zhInverse, (z, i) => (i % 5 === 0 ? salted() : z));
  expect(quotientKernelApplies(shape.program, dom.length)).toBe(true);
  const got = evaluateQuotient(shape.program, env, alpha, zhInverse);
  const want = evaluateQuotientTs(shape.program, env, alpha, zhInverse);
  const i = got.values.findIndex((x, j) => x !== want.values[j]);
  if (i >= 0) expect.fail(`${shape.name} 2^${logN}·2^${logChunks}: coordinate ${Math.floor(i / dom.length)} differs at position ${i % dom.length}`);
}

/**
 * Every extension node kind the kernel runs, outside LogUp's own shapes: extension negation, mixed sums and
 * differences both ways, extension × base both ways, extension × extension (aux, aux "next", invariant), invariant
 * extension subexpressions, affine forms with negated terms and constants (one with more than 4 terms), extension
 * and base roots, an invariant extension root, and a base root reading an extension-free subtree.
 */
function extEdgeShape(): Shape {
  const v = (source: 'main' | 'aux' | 'challenge' | 'claimedSum' | 'public' | 'selector', i: number, next = false) => Expr.variable(source, i, next);
  const [x, y, z] = [v('main', 0), v('main', 1), v('main', 2, true)];
  const [a0, a1, a1n] = [v('aux', 0), v('aux', 1), v('aux', 1, true)];
  const [alpha, gamma, sum] = [v('challenge', logupChallenge(0, 'alpha')), v('challenge', logupChallenge(0, 'gamma')), v('claimedSum', 0)];
  const message = alpha.sub(x.add(gamma.mul(y)).add(gamma.mul(gamma).mul(z))); // affine, invariant coefficients
  const wide = sum.add(alpha.mul(x)).sub(y.mul(gamma)).add(z.mul(alpha.mul(gamma))).sub(x.mul(sum)).add(y).sub(3).add(v('public', 0)); // > 4 terms
  const roots = [
    a0.mul(message).sub(1).neg(), // ext × ext (affine operand), ext − base, ext negation
    x.sub(a1).mul(y.add(a0)), // base − ext, base + ext, ext × ext
    a1n.mul(x).add(y.mul(a0)).sub(a1.mul(a1n)), // ext × base both ways, aux "next"
    wide.mul(a1).sub(v('selector', SEL_FIRST_ROW).mul(a0.sub(sum))), // affine root operand, base × ext
    v('selector', SEL_TRANSITION).mul(a1.neg().sub(x.neg())), // ext − base with negations
    alpha.mul(gamma).sub(sum.mul(2)), // invariant extension root
    x.mul(y).sub(z), // base root
    wide, // an affine root
  ];
  return { name: 'ext-edge', program: flatten(roots), mainWidth: 3, prepWidth: 0, auxWidth: 2, numPublicValues: 1, repetitions: 1 };
}

describe('quotient kernel (wasm SIMD) = TS path', () => {
  it.each([
    ['benchmark', benchmarkAir], ['fibonacci', fibonacciAir], ['preprocessed sum', preprocessedSumAir], ['edge', edgeAir],
  ] as const)('%s, every position', (_, air) => {
    for (const [logN, logChunks] of [[1, 1], [2, 1], [4, 2], [9, 1], [11, 1]] as const) compare(air, logN, logChunks);
  });

  it('all-zero and all-(p − 1) columns', () => {
    for (const fill of [0, 1, P - 1]) {
      compare(edgeAir, 10, 1, fill);
      compare(benchmarkAir, 10, 1, fill);
    }
  });

  const lookupShapes = [
    shapeOf(range16Air, 1), shapeOf(range16Air, 2), shapeOf(byteTableAir, 1), shapeOf(byteTableAir, 2),
    shapeOf(permSourceAir, 1), shapeOf(permSinkAir, 2), extEdgeShape(),
  ];

  it('the extension test programs use affine forms, skipped nodes and extension products', () => {
    for (const shape of [shapeOf(range16Air, 2), extEdgeShape()]) {
      const plan = planFor(shape.program);
      const nodes = shape.program.nodes;
      expect(plan.kind.includes(KIND_AFFINE)).toBe(true);
      expect(nodes.some((n, j) => plan.kind[j] !== KIND_SKIPPED && n.op === OP_MUL && nodes[n.a].isExt && nodes[n.b].isExt)).toBe(true);
    }
    expect(planFor(extEdgeShape().program).kind.includes(KIND_SKIPPED)).toBe(true);
  });

  it.each(lookupShapes.map((s) => [s.name, s] as const))('LogUp / extension program %s, every position', (_, shape) => {
    for (const [logN, logChunks] of [[1, 1], [2, 1], [4, 2], [9, 1], [11, 1]] as const) compare(shape, logN, logChunks);
  });

  it('LogUp programs on all-0, all-1 and all-(p − 1) inputs', () => {
    for (const fill of [0, 1, P - 1]) for (const shape of lookupShapes) compare(shape, 10, 1, fill);
  });

  it('leaves odd lengths to the TS path', () => {
    expect(quotientKernelApplies(buildTableSystem(range16Air, 1).program, 1024)).toBe(true);
    expect(quotientKernelApplies(buildTableSystem(benchmarkAir, 1).program, 2)).toBe(false);
  });
});

describe('quotient kernel with the helper thread = TS path', () => {
  beforeAll(async () => {
    await startQuotientWorker();
  });
  afterAll(async () => {
    await stopQuotientWorker();
  });

  it.each([
    ['benchmark', benchmarkAir, 13], ['edge', edgeAir, 12], ['fibonacci', fibonacciAir, 14],
    ['range16 R=1', shapeOf(range16Air, 1), 13], ['range16 R=2', shapeOf(range16Air, 2), 13],
    ['bytes R=2', shapeOf(byteTableAir, 2), 12], ['perm-source R=1', shapeOf(permSourceAir, 1), 13],
    ['ext-edge', extEdgeShape(), 12],
  ] as const)('%s: the helper evaluates some chunks, every position equal', (_, air, logN) => {
    expect(quotientWorkerRunning()).toBe(true);
    const before = quotientHelperChunks();
    compare(air, logN, 1);
    expect(quotientHelperChunks()).toBeGreaterThan(before);
  });

  it('stops cleanly, after which the main thread evaluates alone', async () => {
    await stopQuotientWorker();
    expect(quotientWorkerRunning()).toBe(false);
    const before = quotientHelperChunks();
    compare(benchmarkAir, 12, 1);
    expect(quotientHelperChunks()).toBe(before);
  });
});
