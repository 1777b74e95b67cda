/**
 * The prover's constraint evaluator: C(x) = Σ_k α^k·C_k(x) divided by Z_H(x) on every point of the quotient
 * domain s·H_{D·n} (the first D·n rows of the bit-reversed LDEs). The flat program is compiled to one
 * straight-line loop with `new Function` (no per-row interpretation, no allocation per row); the chunked
 * interpreter in rows.ts computes the same values and is used where code generation is not allowed.
 */
import * as ext from '../field/ext4.ts';
import type { Ext4 } from '../field/ext4.ts';
import { P } from '../field/babybear.ts';
import { OP_ADD, OP_CONST, OP_MUL, OP_NEG, OP_SUB, OP_VAR, SOURCES, type FlatProgram } from '../expr.ts';
import { mulFast } from '../ntt-reference.ts';
import { CHUNK_SIZE, forEachChunk, mulLanes, type RowEnv } from './rows.ts';

/** α^0 … α^{K−1}, packed 4 words each. */
export function alphaPowers(alpha: Ext4, count: number): Uint32Array {
  const out = new Uint32Array(4 * count);
  ext.powers(alpha, count).forEach((x, k) => out.set(x, 4 * k));
  return out;
}

/** Q(x) = C(x)/Z_H(x) per position, as 4 coordinate arrays. */
export type QuotientValues = [Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/**
 * Reference path: the chunked interpreter, then the α-combination lane by lane. Also the faster path for
 * small domains, where a freshly generated function would not run long enough to be optimized.
 */
export function evaluateQuotientInterpreted(program: FlatProgram, env: RowEnv, alpha: Ext4, zhInverse: Uint32Array): QuotientValues {
  const L = env.length;
  const out: QuotientValues = [new Uint32Array(L), new Uint32Array(L), new Uint32Array(L), new Uint32Array(L)];
  const ap = alphaPowers(alpha, program.roots.length);
  const m = mulFast;
  const alphaLanes = new Uint32Array(4 * CHUNK_SIZE);
  const term = new Uint32Array(4 * CHUNK_SIZE);
  forEachChunk(program, env, ({ start, len, nodeValues, chunkSize: S }) => {
    const acc = out.map((o) => o.subarray(start, start + len)); // zero-initialised
    program.roots.forEach((r, k) => {
      for (let c = 0; c < 4; c++) alphaLanes.fill(ap[4 * k + c], c * S, c * S + len);
      mulLanes(nodeValues[r], program.nodes[r].isExt, alphaLanes, true, term, len, S);
      for (let c = 0; c < 4; c++) {
        const o = acc[c];
        for (let i = 0; i < len; i++) {
          const x = o[i] + term[c * S + i];
          o[i] = x >= P ? x - P : x;
        }
      }
    });
    for (let c = 0; c < 4; c++) for (let i = 0; i < len; i++) acc[c][i] = m(acc[c][i], zhInverse[start + i]);
  });
  return out;
}

const BASE_TERMS_PER_FLUSH = 32;
/** Multiplications per generated function (see batchRoots). */
const BATCH_COST_BUDGET = 256;
/**
 * Below this many rows, interpret: TurboFan needs ~0.2–1 s per generated pass (measured on this 2-core
 * machine) while the interpreter is only ~2× slower per row, so compiling pays off on large domains only.
 */
const MIN_COMPILED_ROWS = 1 << 16;

type Compiled = (
  M: Uint32Array, MH: number, R: Uint32Array, RH: number, X: Uint32Array, XH: number,
  NX: Uint32Array, S0: Uint32Array, S1: Uint32Array, S2: Uint32Array,
  PUB: Uint32Array, CH: Uint32Array, CS: Uint32Array, AP: Uint32Array, ZI: Uint32Array,
  O0: Uint32Array, O1: Uint32Array, O2: Uint32Array, O3: Uint32Array, L: number,
) => void;

/**
 * Generates one pass over the domain for the roots `batch` (indices into program.roots): it evaluates only
 * the nodes those roots need, adds Σ α^k·C_k to O (the first pass starts from zero) and, in the last pass,
 * multiplies by 1/Z_H. Nodes that depend on no row (constants, public values, challenges, claimed sum) are
 * hoisted out of the loop. A base node k is the local `vk`; an extension node the locals vk_0..vk_3.
 */
function generate(program: FlatProgram, batch: readonly number[], first: boolean, last: boolean): string {
  const nodes = program.nodes;
  const needed = neededNodes(program, batch);
  const invariant = new Array<boolean>(nodes.length);
  const hoisted: string[] = [];
  const body: string[] = [];
  const name = (k: number, c: number) => (nodes[k].isExt ? `v${k}_${c}` : c === 0 ? `v${k}` : '0');
  const emit = (k: number, lines: string[]) => (invariant[k] ? hoisted : body).push(...lines);
  const src = (s: string) => SOURCES.indexOf(s as (typeof SOURCES)[number]);
  const colOffsets = new Set<string>();

  nodes.forEach((n, k) => {
    if (!needed[k]) return;
    const v = `v${k}`;
    switch (n.op) {
      case OP_CONST:
        invariant[k] = true;
        emit(k, [`const ${v} = ${n.value};`]);
        return;
      case OP_VAR: {
        const s = n.source;
        invariant[k] = s === src('public') || s === src('challenge') || s === src('claimedSum');
        const row = n.next ? 'nx' : 'i';
        if (s === src('public')) emit(k, [`const ${v} = PUB[${n.value}];`]);
        else if (s === src('challenge')) emit(k, [0, 1, 2, 3].map((c) => `const ${v}_${c} = CH[${4 * n.value + c}];`));
        else if (s === src('claimedSum')) emit(k, [0, 1, 2, 3].map((c) => `const ${v}_${c} = CS[${c}];`));
        else if (s === src('selector')) emit(k, [`const ${v} = S${n.value}[i];`]);
        else if (s === src('aux')) {
          emit(k, [0, 1, 2, 3].map((c) => {
            const col = 4 * n.value + c;
            colOffsets.add(`const oX${col} = ${col} * XH;`);
            return `const ${v}_${c} = X[oX${col} + ${row}];`;
          }));
        } else {
          const [arr, h] = s === src('main') ? ['M', 'MH'] : ['R', 'RH'];
          colOffsets.add(`const o${arr}${n.value} = ${n.value} * ${h};`);
          emit(k, [`const ${v} = ${arr}[o${arr}${n.value} + ${row}];`]);
        }
        return;
      }
      case OP_NEG:
        invariant[k] = invariant[n.a];
        emit(k, n.isExt ? [0, 1, 2, 3].map((c) => `const ${v}_${c} = ng(${name(n.a, c)});`) : [`const ${v} = ng(v${n.a});`]);
        return;
      case OP_ADD:
      case OP_SUB: {
        invariant[k] = invariant[n.a] && invariant[n.b];
        const f = n.op === OP_ADD ? 'ad' : 'sb';
        emit(k, n.isExt
          ? [0, 1, 2, 3].map((c) => `const ${v}_${c} = ${f}(${name(n.a, c)}, ${name(n.b, c)});`)
          : [`const ${v} = ${f}(v${n.a}, v${n.b});`]);
        return;
      }
      case OP_MUL: {
        invariant[k] = invariant[n.a] && invariant[n.b];
        const [a, b] = [nodes[n.a], nodes[n.b]];
        if (!n.isExt) emit(k, [`const ${v} = m(v${n.a}, v${n.b});`]);
        else if (!a.isExt || !b.isExt) {
          const [e, s] = a.isExt ? [n.a, n.b] : [n.b, n.a];
          emit(k, [0, 1, 2, 3].map((c) => `const ${v}_${c} = m(v${e}_${c}, v${s});`));
        } else emit(k, extMulLines(v, `v${n.a}`, `v${n.b}`));
        return;
      }
    }
    throw new RangeError(`unknown op ${n.op}`);
  });

  // Base constraints c·α^k use delayed reduction: α^k's coordinates split into 16-bit halves so that up to
  // BASE_TERMS_PER_FLUSH products accumulate exactly in doubles (c·hi < 2^46, c·lo < 2^47; 32 terms < 2^53).
  const acc: string[] = [
    first ? 'let c0 = 0, c1 = 0, c2 = 0, c3 = 0;' : 'let c0 = O0[i], c1 = O1[i], c2 = O2[i], c3 = O3[i];',
    'let h0 = 0, h1 = 0, h2 = 0, h3 = 0, l0 = 0, l1 = 0, l2 = 0, l3 = 0;',
  ];
  const flush = () => {
    for (let c = 0; c < 4; c++) acc.push(`c${c} = ad(c${c}, ((h${c} % P) * 65536 + l${c}) % P); h${c} = 0; l${c} = 0;`);
  };
  let pending = 0;
  for (const k of batch) {
    const r = program.roots[k];
    if (nodes[r].isExt) {
      for (let c = 0; c < 4; c++) hoisted.push(`const a${k}_${c} = AP[${4 * k + c}];`);
      acc.push(...extMulLines(`t${k}`, `v${r}`, `a${k}`));
      for (let c = 0; c < 4; c++) acc.push(`c${c} = ad(c${c}, t${k}_${c});`);
    } else {
      for (let c = 0; c < 4; c++) {
        hoisted.push(`const ah${k}_${c} = AP[${4 * k + c}] >>> 16, al${k}_${c} = AP[${4 * k + c}] & 0xffff;`);
        acc.push(`h${c} += v${r} * ah${k}_${c}; l${c} += v${r} * al${k}_${c};`);
      }
      if (++pending === BASE_TERMS_PER_FLUSH) {
        flush();
        pending = 0;
      }
    }
  }
  if (pending > 0) flush();
  return [
    `"use strict";`,
    `const P = ${P}, PI = 1 / P;`,
    // mulFast from ntt-reference.ts, inlined so V8 sees a local function.
    `function m(a, b) { const q = (a * b * PI) | 0; let r = (Math.imul(a, b) - Math.imul(q, P)) | 0; r += (r >> 31) & P; r -= P; return r + ((r >> 31) & P); }`,
    `function ad(a, b) { const s = a + b; return s >= P ? s - P : s; }`,
    `function sb(a, b) { const d = a - b; return d < 0 ? d + P : d; }`,
    `function ng(a) { return a === 0 ? 0 : P - a; }`,
    `return function quotient(M, MH, R, RH, X, XH, NX, S0, S1, S2, PUB, CH, CS, AP, ZI, O0, O1, O2, O3, L) {`,
    ...colOffsets,
    ...hoisted,
    `for (let i = 0; i < L; i++) {`,
    `const nx = NX[i];`,
    ...body,
    ...acc,
    last ? `const z = ZI[i]; O0[i] = m(c0, z); O1[i] = m(c1, z); O2[i] = m(c2, z); O3[i] = m(c3, z);` : `O0[i] = c0; O1[i] = c1; O2[i] = c2; O3[i] = c3;`,
    `}`,
    `};`,
  ].join('\n');
}

/** The nodes the given roots depend on (operands have smaller indices, so one backward sweep suffices). */
function neededNodes(program: FlatProgram, batch: readonly number[]): boolean[] {
  const needed = new Array<boolean>(program.nodes.length).fill(false);
  for (const k of batch) needed[program.roots[k]] = true;
  for (let k = program.nodes.length - 1; k >= 0; k--) {
    if (!needed[k]) continue;
    const n = program.nodes[k];
    if (n.a >= 0) needed[n.a] = true;
    if (n.b >= 0) needed[n.b] = true;
  }
  return needed;
}

/** Rough cost in field multiplications: what makes a generated function slow for TurboFan to compile. */
function nodeCost(program: FlatProgram, k: number): number {
  const n = program.nodes[k];
  if (n.op !== OP_MUL) return n.isExt ? 1 : 0.25;
  const [a, b] = [program.nodes[n.a], program.nodes[n.b]];
  return a.isExt && b.isExt ? 16 : n.isExt ? 4 : 1;
}

/**
 * Splits the roots into batches whose generated code stays small: TurboFan's compile time grows much
 * faster than linearly with function size (a 20-interaction LogUp table as one function: ~10 s, measured).
 */
function batchRoots(program: FlatProgram): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let covered = new Array<boolean>(program.nodes.length).fill(false);
  let cost = 0;
  program.roots.forEach((r, k) => {
    const need = neededNodes(program, [k]);
    let added = program.nodes[r].isExt ? 16 : 4;
    need.forEach((x, j) => {
      if (x && !covered[j]) added += nodeCost(program, j);
    });
    if (current.length > 0 && cost + added > BATCH_COST_BUDGET) {
      batches.push(current);
      current = [];
      covered = new Array<boolean>(program.nodes.length).fill(false);
      cost = 0;
      added = program.nodes[r].isExt ? 16 : 4;
      need.forEach((x, j) => {
        if (x) added += nodeCost(program, j);
      });
    }
    need.forEach((x, j) => {
      if (x) covered[j] = true;
    });
    current.push(k);
    cost += added;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

function extMulLines(out: string, a: string, b: string): string[] {
  const x = (i: number) => `${a}_${i}`;
  const y = (i: number) => `${b}_${i}`;
  return [
    `const ${out}_0 = ad(m(${x(0)}, ${y(0)}), m(11, ad(ad(m(${x(1)}, ${y(3)}), m(${x(2)}, ${y(2)})), m(${x(3)}, ${y(1)}))));`,
    `const ${out}_1 = ad(ad(m(${x(0)}, ${y(1)}), m(${x(1)}, ${y(0)})), m(11, ad(m(${x(2)}, ${y(3)}), m(${x(3)}, ${y(2)}))));`,
    `const ${out}_2 = ad(ad(ad(m(${x(0)}, ${y(2)}), m(${x(1)}, ${y(1)})), m(${x(2)}, ${y(0)})), m(11, m(${x(3)}, ${y(3)})));`,
    `const ${out}_3 = ad(ad(ad(m(${x(0)}, ${y(3)}), m(${x(1)}, ${y(2)})), m(${x(2)}, ${y(1)})), m(${x(3)}, ${y(0)}));`,
  ];
}

const compiledCache = new WeakMap<FlatProgram, Compiled[] | null>();

/** The compiled passes, or null where code generation is forbidden (e.g. a CSP without 'unsafe-eval'). */
export function compileQuotient(program: FlatProgram): Compiled[] | null {
  if (compiledCache.has(program)) return compiledCache.get(program)!;
  let passes: Compiled[] | null;
  try {
    const batches = batchRoots(program);
    passes = batches.map((batch, b) => new Function(generate(program, batch, b === 0, b === batches.length - 1))() as Compiled);
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    passes = null;
  }
  compiledCache.set(program, passes);
  return passes;
}

const EMPTY = new Uint32Array(0);

/** Compiled from MIN_COMPILED_ROWS rows on, where code generation is allowed; interpreted otherwise. */
export function evaluateQuotient(program: FlatProgram, env: RowEnv, alpha: Ext4, zhInverse: Uint32Array): QuotientValues {
  const compiled = env.length >= MIN_COMPILED_ROWS ? evaluateQuotientCompiled(program, env, alpha, zhInverse) : null;
  return compiled ?? evaluateQuotientInterpreted(program, env, alpha, zhInverse);
}

/** The compiled passes, or null where code generation is forbidden. */
export function evaluateQuotientCompiled(program: FlatProgram, env: RowEnv, alpha: Ext4, zhInverse: Uint32Array): QuotientValues | null {
  const passes = compileQuotient(program);
  if (passes === null) return null;
  const L = env.length;
  const out: QuotientValues = [new Uint32Array(L), new Uint32Array(L), new Uint32Array(L), new Uint32Array(L)];
  const challenges = new Uint32Array(4 * env.challenges.length);
  env.challenges.forEach((c, i) => challenges.set(c, 4 * i));
  const [S0, S1, S2] = env.selectors;
  const publicValues = Uint32Array.from(env.publicValues);
  const claimedSum = Uint32Array.from(env.claimedSum);
  const ap = alphaPowers(alpha, program.roots.length);
  for (const pass of passes) {
    pass(
      env.main?.values ?? EMPTY, env.main?.height ?? 0,
      env.prep?.values ?? EMPTY, env.prep?.height ?? 0,
      env.aux?.values ?? EMPTY, env.aux?.height ?? 0,
      env.nextRow, S0, S1, S2, publicValues, challenges, claimedSum, ap, zhInverse,
      out[0], out[1], out[2], out[3], L,
    );
  }
  return out;
}
