/**
 * Packed extension arithmetic and DEEP helpers against the tuple reference in field/ext4.ts, including the
 * edge values 0 and p − 1 and the lazy-reduction bounds of the hot loops.
 */
import { describe, expect, it } from 'vitest';
import { P } from '../../src/stark/field/babybear.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { matrix } from '../../src/stark/matrix.ts';
import { addProductOfDifference, addScaledBase, addScaledExt, inverseDifferences, reduceWide } from '../../src/stark/fri/packed.ts';
import { evaluateColumns } from '../../src/stark/fri/deep.ts';
import { referenceDot } from '../../src/stark/kernels/ext4-wasm.ts';
import { xorshift as rng, randomField } from '../helpers/random-matrices.ts';

const SEED = 0xfa57;
console.info(`fri-packed.test.ts seed ${SEED.toString(16)}`);


const next = rng(SEED);
const EDGES = [0, 1, 2, P - 1, P - 2, (P - 1) / 2];
function field(i: number): number {
  if (i < EDGES.length * 2) return EDGES[i % EDGES.length];
  return randomField(next);
}
const element = (i: number): Ext4 => [field(i), field(i + 1), field(i + 3), field(i + 7)];

function packed(es: Ext4[]): Uint32Array {
  const out = new Uint32Array(4 * es.length);
  es.forEach((e, i) => ext.store(out, i, e));
  return out;
}

const N = 64;
const as = Array.from({ length: N }, (_, i) => element(i));
const bs = Array.from({ length: N }, (_, i) => element(i + 5));
const cs = Array.from({ length: N }, (_, i) => element(i + 17));

describe('packed extension arithmetic', () => {
  it('reduceWide is x mod p up to 2^53', () => {
    for (const x of [0, 1, P - 1, P, P + 1, 2 * P - 1, 35 * P, 2 ** 36 + 12345, 2 ** 53 - 1]) {
      expect(reduceWide(x)).toBe(Number(BigInt(x) % BigInt(P)));
    }
  });

  it('inverseDifferences(x, z) = 1/(x − z)', () => {
    const xs = new Uint32Array(N).map((_, i) => field(i));
    for (const z of [element(3), [5, 0, 0, 1] as Ext4, [P - 1, P - 1, P - 1, P - 1] as Ext4]) {
      const inv = inverseDifferences(xs, z);
      for (let i = 0; i < N; i++) expect(ext.load(inv, i)).toEqual(ext.inv(ext.sub(ext.fromBase(xs[i]), z)));
    }
    expect(() => inverseDifferences(new Uint32Array([4, 7]), [7, 0, 0, 0])).toThrow(RangeError);
  });

  it('addScaledExt, addProductOfDifference, addScaledBase agree with ext4', () => {
    const factor = element(11);
    const y = element(13);
    const acc1 = packed(bs);
    addScaledExt(acc1, packed(as), factor);
    const acc2 = packed(bs);
    addProductOfDifference(acc2, packed(as), y, packed(cs));
    const column = new Uint32Array(N).map((_, i) => field(i + 2));
    const acc3 = packed(bs);
    addScaledBase(acc3, column, factor);
    for (let i = 0; i < N; i++) {
      expect(ext.load(acc1, i)).toEqual(ext.add(bs[i], ext.mul(factor, as[i])));
      expect(ext.load(acc2, i)).toEqual(ext.add(bs[i], ext.mul(ext.sub(as[i], y), cs[i])));
      expect(ext.load(acc3, i)).toEqual(ext.add(bs[i], ext.mulBase(factor, column[i])));
    }
  });

  it('evaluateColumns (SIMD kernel) and referenceDot (its periodic reduction) stay exact past 2^21 rows', () => {
    const logN = 22;
    const n = 1 << logN;
    const lde = matrix(1, n, new Uint32Array(n).fill(P - 1));
    const weights = new Uint32Array(4 * n).fill(P - 1); // every product is (−1)·(−1) = 1
    const [value] = evaluateColumns(lde, logN, { weights, scale: ext.ONE });
    expect(value).toEqual([n % P, n % P, n % P, n % P]);
    expect(referenceDot(weights, lde.values)).toEqual([n % P, n % P, n % P, n % P]);
  });
});
