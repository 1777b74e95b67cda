// The structure-of-arrays field kernels against the scalar field (itself checked against BigInt in field.test.ts),
// on random lanes mixed with the extreme values 0, 1, p − 1, where unreduced sums and fix-ups are at their limits.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import {
  MAX_SUM_TERMS, addLanes, addSubMixedLanes, extBatchInverseLanes, mulBaseLanes, mulExtBaseLanes, mulExtLanes,
  negLanes, reduceSum, subLanes,
} from '../../src/stark/builders/lanes.ts';
import { fieldRng, testSeed } from '../helpers/naive-dft.ts';

const rng = fieldRng(testSeed('field-lanes.test.ts', 1));
const P = 0x78000001;
const p = BigInt(P);
const S = 64; // lane stride
const LEN = 61; // lanes in use: < S, as for a domain's last, partial chunk

/** Random canonical values, one in three replaced by 0, 1 or p − 1. */
function value(): number {
  const x = rng.next();
  return x % 3 !== 0 ? x : [0, 1, P - 1][x % 9 === 0 ? 0 : x % 9 === 3 ? 1 : 2];
}
const baseLanes = (): Uint32Array => Uint32Array.from({ length: S }, value);
const extLanes = (): Uint32Array => Uint32Array.from({ length: 4 * S }, value);
const lane = (x: Uint32Array, i: number): Ext4 => [x[i], x[S + i], x[2 * S + i], x[3 * S + i]];

function expectLanes(out: Uint32Array, ext: boolean, expected: (i: number) => Ext4): void {
  let wrong = 0;
  for (let i = 0; i < LEN; i++) {
    const got: Ext4 = ext ? lane(out, i) : [out[i], 0, 0, 0];
    if (!E.equals(got, expected(i))) wrong++;
  }
  expect(wrong).toBe(0);
}

describe('reduceSum', () => {
  it('reduces sums of up to MAX_SUM_TERMS weighted products exactly, at the extreme of its bound', () => {
    let wrong = 0;
    for (let t = 0; t < 4000; t++) {
      const terms = t % 2 === 0 ? MAX_SUM_TERMS : 1 + (t % MAX_SUM_TERMS);
      let approx = 0;
      let low = 0;
      let exact = 0n;
      for (let j = 0; j < terms; j++) {
        // Operands up to p (a negation written P − 0) and weights up to 2W, as the kernels use them.
        const a = t % 5 === 0 ? P : t % 5 === 1 ? P - 1 : value();
        const b = t % 7 === 0 ? P - 1 : value();
        const w = t % 3 === 0 ? 22 : 1 + (j % 22);
        approx += w * (a * b);
        low = (low + Math.imul(w, Math.imul(a, b))) | 0;
        exact += BigInt(w) * BigInt(a) * BigInt(b);
      }
      if (BigInt(reduceSum(approx, low)) !== exact % p) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe('lane kernels', () => {
  it('base and extension products match the scalar field', () => {
    for (let rep = 0; rep < 20; rep++) {
      const [a, b, ea, eb] = [baseLanes(), baseLanes(), extLanes(), extLanes()];
      const out = new Uint32Array(4 * S);
      mulBaseLanes(a, b, out, LEN);
      expectLanes(out, false, (i) => E.mulBase(E.fromBase(a[i]), b[i]));
      mulExtBaseLanes(ea, b, out, LEN, S);
      expectLanes(out, true, (i) => E.mulBase(lane(ea, i), b[i]));
      mulExtLanes(ea, eb, out, LEN, S);
      expectLanes(out, true, (i) => E.mul(lane(ea, i), lane(eb, i)));
      mulExtLanes(ea, eb, ea, LEN, S); // in place
      expectLanes(ea, true, (i) => lane(out, i));
    }
  });

  it('sums, differences and negations match the scalar field, including mixed base/extension operands', () => {
    for (let rep = 0; rep < 20; rep++) {
      const [a, b, ea, eb] = [baseLanes(), baseLanes(), extLanes(), extLanes()];
      const out = new Uint32Array(4 * S);
      addLanes(ea, eb, out, LEN, S, 4);
      expectLanes(out, true, (i) => E.add(lane(ea, i), lane(eb, i)));
      subLanes(ea, eb, out, LEN, S, 4);
      expectLanes(out, true, (i) => E.sub(lane(ea, i), lane(eb, i)));
      negLanes(ea, out, LEN, S, 4);
      expectLanes(out, true, (i) => E.neg(lane(ea, i)));
      addLanes(a, b, out, LEN, S, 1);
      expectLanes(out, false, (i) => E.fromBase((a[i] + b[i]) % P));
      addSubMixedLanes(ea, b, true, false, out, LEN, S);
      expectLanes(out, true, (i) => E.addBase(lane(ea, i), b[i]));
      addSubMixedLanes(ea, b, true, true, out, LEN, S);
      expectLanes(out, true, (i) => E.sub(lane(ea, i), E.fromBase(b[i])));
      addSubMixedLanes(ea, b, false, true, out, LEN, S);
      expectLanes(out, true, (i) => E.sub(E.fromBase(b[i]), lane(ea, i)));
    }
  });

  it('batch inversion inverts every lane, and reports a zero lane', () => {
    const x = extLanes();
    for (let i = 0; i < LEN; i++) if (E.isZero(lane(x, i))) x[i] = 1;
    const original = x.slice();
    expect(extBatchInverseLanes(x, LEN, S, new Uint32Array(4 * S))).toBe(true);
    expectLanes(x, true, (i) => E.inv(lane(original, i)));
    const withZero = original.slice();
    for (let c = 0; c < 4; c++) withZero[c * S + 17] = 0;
    expect(extBatchInverseLanes(withZero, LEN, S, new Uint32Array(4 * S))).toBe(false);
  });
});
