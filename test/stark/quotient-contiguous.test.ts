// The quotient evaluator on a domain large enough that most chunks read their "next" rows as one contiguous run
// (rows.ts contiguousNext), against the per-point evaluator at positions spread over every chunk; also a
// LogUp system, whose extension roots go through the other accumulation path.
import { describe, expect, it } from 'vitest';
import { buildTableSystem } from '../../src/stark/constraint-system.ts';
import { quotientDomain } from '../../src/stark/builders/selectors.ts';
import { evaluateQuotient } from '../../src/stark/builders/quotient.ts';
import { combineConstraints, evaluateAtPoint } from '../../src/stark/builders/ood.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { matrix, type Matrix } from '../../src/stark/matrix.ts';
import type { RowEnv } from '../../src/stark/builders/rows.ts';
import { benchmarkSystem, rangeCheckSystem } from '../helpers/test-airs.ts';

function rowOf(m: Matrix | null, row: number, extColumns: boolean): Ext4[] {
  if (m === null) return [];
  const at = (c: number) => m.values[c * m.height + row];
  return extColumns
    ? Array.from({ length: m.width / 4 }, (_, j) => [at(4 * j), at(4 * j + 1), at(4 * j + 2), at(4 * j + 3)] as Ext4)
    : Array.from({ length: m.width }, (_, c) => ext.fromBase(at(c)));
}

describe('quotient evaluator, contiguous next rows', () => {
  it.each([
    ['benchmark 2^12', benchmarkSystem(12)],
    ['range check 2^12 (LogUp)', rangeCheckSystem(12)],
  ] as const)('matches the per-point evaluator in every chunk (%s)', (_, sys) => {
    let seed = 0x9e3779b9;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const x = seed % 2013265921;
      return seed % 7 === 0 ? 2013265920 : x;
    };
    const system = buildTableSystem(sys.airs[0], 1);
    const dom = quotientDomain(12, 1);
    const rand = (w: number) => matrix(w, dom.length * 2, Uint32Array.from({ length: w * dom.length * 2 }, next));
    const env: RowEnv = {
      length: dom.length,
      main: rand(system.mainWidth), prep: system.prepWidth ? rand(system.prepWidth) : null,
      aux: system.auxWidth ? rand(4 * system.auxWidth) : null,
      nextRow: dom.nextRow, selectors: dom.selectors,
      publicValues: Array.from({ length: system.numPublicValues }, next),
      challenges: [[next(), next(), next(), next()], [next(), next(), next(), next()]],
      claimedSums: [[next(), next(), next(), next()]],
    };
    const alpha: Ext4 = [next(), next(), next(), next()];
    const q = evaluateQuotient(system.program, env, alpha, dom.zhInverse);
    let mismatches = 0;
    let checked = 0;
    for (let i = 0; i < dom.length; i += 61) {
      checked++;
      const window = (m: Matrix | null, extColumns = false) => ({ local: rowOf(m, i, extColumns), next: rowOf(m, dom.nextRow[i], extColumns) });
      const values = evaluateAtPoint(system.program, {
        main: window(env.main), prep: window(env.prep), aux: window(env.aux, true),
        selectors: [ext.fromBase(dom.selectors[0][i]), ext.fromBase(dom.selectors[1][i]), ext.fromBase(dom.selectors[2][i])],
        publicValues: env.publicValues, challenges: env.challenges, claimedSums: env.claimedSums,
      });
      const expected = ext.mulBase(combineConstraints(values, alpha), dom.zhInverse[i]);
      if (!ext.equals(expected, [0, 1, 2, 3].map((c) => q.values[c * dom.length + i]) as unknown as Ext4)) mismatches++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(mismatches).toBe(0);
  });
});
