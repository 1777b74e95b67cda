// BabyBear and its quartic extension: the generic field laws, then BigInt references for every operation
// (random values plus edge cases 0, 1, p − 1 and the 2^16 limb boundaries of babybear.mul).
import { describe, expect, it } from 'vitest';
import * as F from '../../src/stark/field/babybear.ts';
import * as E from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { fieldLaws } from '../helpers/field-laws.ts';
import { fieldRng, testSeed } from '../helpers/naive-dft.ts';

const rng = fieldRng(testSeed('field.test.ts', 2));
const p = BigInt(F.P);
const P = F.P;
const EDGE = [0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, 65535, 65536, 65537, 131071, 131072, 2 ** 30, 2 ** 30 - 1, 2 ** 27, 268435454];
const randomExt = (): Ext4 => [rng.next(), rng.next(), rng.next(), rng.next()];
const EXT_EDGE: Ext4[] = [E.ZERO, E.ONE, [P - 1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [P - 1, P - 1, P - 1, P - 1], [65536, 65535, 1, P - 1], [0, 0, 65537, 0]];

fieldLaws<number>({
  name: 'babybear',
  zero: 0,
  one: 1,
  add: F.add,
  sub: F.sub,
  neg: F.neg,
  mul: F.mul,
  square: F.square,
  inv: F.inv,
  pow: F.pow,
  equals: (a, b) => a === b,
  isZero: (a) => a === 0,
  isCanonical: F.isCanonical,
  edge: EDGE,
  random: rng.next,
  multiplicativeOrder: P - 1,
  batchInverse: (xs) => Array.from(F.batchInverse(Uint32Array.from(xs))),
});

fieldLaws<Ext4>({
  name: 'ext4',
  zero: E.ZERO,
  one: E.ONE,
  add: E.add,
  sub: E.sub,
  neg: E.neg,
  mul: E.mul,
  square: E.square,
  inv: E.inv,
  pow: E.pow,
  equals: E.equals,
  isZero: E.isZero,
  isCanonical: (a) => E.isCanonicalExt(a),
  edge: EXT_EDGE,
  random: randomExt,
  // |F_p^4^*| = p^4 − 1 ≈ 2^124 is not a safe integer: Fermat is checked below through the Frobenius instead.
});

describe('babybear against BigInt', () => {
  it('MONTGOMERY_R is 2^32 mod p', () => {
    expect(BigInt(F.MONTGOMERY_R)).toBe((1n << 32n) % BigInt(F.P));
  });

  const values = [...EDGE, ...rng.array(300)];
  const big = (x: number): bigint => BigInt(x);
  const mod = (x: bigint): number => Number(((x % p) + p) % p);

  it('p = 15·2^27 + 1 and the constants are what the docs say', () => {
    expect(F.P).toBe(15 * 2 ** 27 + 1);
    expect(F.TWO_ADICITY).toBe(27);
    expect(F.GENERATOR).toBe(31);
  });

  it('add, sub, neg, mul match BigInt on all pairs of edge and random values', () => {
    for (const a of values) {
      expect(F.neg(a)).toBe(mod(-big(a)));
      for (const b of EDGE.concat(values.slice(-40))) {
        expect(F.add(a, b)).toBe(mod(big(a) + big(b)));
        expect(F.sub(a, b)).toBe(mod(big(a) - big(b)));
        expect(F.mul(a, b)).toBe(mod(big(a) * big(b)));
      }
    }
    for (let i = 0; i < 20000; i++) {
      const a = rng.next();
      const b = rng.next();
      expect(F.mul(a, b)).toBe(mod(big(a) * big(b)));
    }
  });

  it('mul (float quotient + Math.imul) is exact on 2^21 random pairs and where a·b is close to a multiple of p', () => {
    // Compared in bulk, one expect per batch: a per-pair expect would dominate the run time.
    const n = 1 << 21;
    const xs = Uint32Array.from(rng.array(2 * n));
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const [a, b] = [xs[2 * i], xs[2 * i + 1]];
      if (BigInt(F.mul(a, b)) !== (BigInt(a) * BigInt(b)) % p) wrong++;
    }
    expect(wrong).toBe(0);
    // The float quotient is off by one only when a·b mod p is near 0 or p: aim b at residues t ∈ [0, 2^12) ∪ (p − 2^12, p).
    const bigInv = (a: bigint): bigint => {
      let [r, b, e] = [1n, a, p - 2n];
      for (; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
      return r;
    };
    for (const a of [...EDGE.filter((x) => x !== 0), ...rng.array(40).filter((x) => x !== 0)]) {
      const aInv = bigInv(BigInt(a));
      for (let t = 0; t < 1 << 12; t++) {
        for (const target of [BigInt(t), p - 1n - BigInt(t)]) {
          const b = Number((target * aInv) % p);
          if (F.mul(a, b) !== Number(target) || F.mul(b, a) !== Number(target)) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
  });

  it('inv and pow match BigInt modular exponentiation', () => {
    const powBig = (b: bigint, e: bigint): bigint => {
      let r = 1n;
      for (b %= p; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
      return r;
    };
    for (const a of values.slice(0, 120)) {
      const e = rng.next();
      expect(F.pow(a, e)).toBe(Number(powBig(big(a), big(e))));
      expect(F.pow(a, 2 ** 52 + 3)).toBe(Number(powBig(big(a), 2n ** 52n + 3n)));
      if (a !== 0) expect(F.inv(a)).toBe(Number(powBig(big(a), p - 2n)));
    }
  });

  it('reduce and isCanonical', () => {
    for (const x of [0, 1, -1, P, -P, P + 5, -P - 5, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 40 + 12345]) {
      expect(F.reduce(x)).toBe(mod(big(x)));
    }
    for (const x of [0, 1, P - 1]) expect(F.isCanonical(x)).toBe(true);
    for (const x of [-1, P, P + 1, 2 ** 32, 0.5, NaN]) expect(F.isCanonical(x)).toBe(false);
  });

  it('GENERATOR generates F_p^*: 31^((p−1)/q) ≠ 1 for every prime q | p − 1 = 2^27·3·5', () => {
    for (const q of [2, 3, 5]) expect(F.pow(F.GENERATOR, (P - 1) / q)).not.toBe(1);
    expect(F.pow(F.GENERATOR, P - 1)).toBe(1);
  });

  it('twoAdicGenerator(k) has order exactly 2^k and the roots are consistent', () => {
    for (let k = 0; k <= F.TWO_ADICITY; k++) {
      const g = F.twoAdicGenerator(k);
      expect(F.pow(g, 2 ** k)).toBe(1);
      if (k > 0) {
        expect(F.pow(g, 2 ** (k - 1))).toBe(P - 1);
        expect(F.mul(g, g)).toBe(F.twoAdicGenerator(k - 1));
      }
    }
    expect(F.twoAdicGenerator(0)).toBe(1);
    expect(F.twoAdicGenerator(1)).toBe(P - 1);
    for (const bad of [-1, 28, 1.5, NaN]) expect(() => F.twoAdicGenerator(bad)).toThrow(RangeError);
  });

  it('powers and batchInverse', () => {
    const g = rng.next();
    const pw = F.powers(g, 10);
    pw.forEach((x, i) => expect(x).toBe(F.pow(g, i)));
    expect(F.powers(g, 0).length).toBe(0);
    const xs = rng.array(1000).map((x) => x || 1);
    const inverses = F.batchInverse(xs);
    xs.forEach((x, i) => expect(Number((big(x) * big(inverses[i])) % p)).toBe(1));
  });
});

describe('ext4 against a BigInt polynomial-mod reference', () => {
  // F_p[x]/(x^4 − 11): schoolbook product, then x^(4+k) = 11·x^k.
  const mulRef = (a: Ext4, b: Ext4): Ext4 => {
    const prod = new Array<bigint>(7).fill(0n);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) prod[i + j] += BigInt(a[i]) * BigInt(b[j]);
    for (let k = 6; k >= 4; k--) prod[k - 4] += 11n * prod[k];
    return [0, 1, 2, 3].map((i) => Number(prod[i] % p)) as unknown as Ext4;
  };
  const samples = [...EXT_EDGE, ...Array.from({ length: 300 }, randomExt)];

  it('x^4 = W = 11, and W is a non-square in F_p (so x^4 − 11 is irreducible)', () => {
    const x: Ext4 = [0, 1, 0, 0];
    expect(E.pow(x, 4)).toEqual([11, 0, 0, 0]);
    expect(E.W).toBe(11);
    expect(F.pow(11, (P - 1) / 2)).toBe(P - 1);
  });

  it('mul matches the reference on edge and random values', () => {
    for (const a of samples) for (const b of samples.slice(0, 20)) expect(E.mul(a, b)).toEqual(mulRef(a, b));
  });

  it('inv gives a·a⁻¹ = 1 under the reference product; div = mul by inv', () => {
    for (const a of samples) {
      if (E.isZero(a)) continue;
      expect(mulRef(a, E.inv(a))).toEqual(E.ONE);
      const b = randomExt();
      expect(E.div(b, a)).toEqual(mulRef(b, E.inv(a)));
    }
  });

  it('pow matches repeated reference products; Frobenius a^p is F_p-linear with order 4', () => {
    for (const a of samples.slice(0, 30)) {
      let acc: Ext4 = E.ONE;
      for (let e = 0; e < 9; e++) {
        expect(E.pow(a, e)).toEqual(acc);
        acc = mulRef(acc, a);
      }
      // Fermat in F_{p^4}: φ^4 = id with φ(a) = a^p, and a^(p^4 − 1) = 1 for a ≠ 0.
      const frob = (y: Ext4): Ext4 => E.pow(y, P);
      expect(frob(frob(frob(frob(a))))).toEqual(a);
      const b = randomExt();
      expect(frob(E.add(a, b))).toEqual(E.add(frob(a), frob(b)));
    }
  });

  it('base-field embedding: fromBase, isBase, mulBase, addBase, powers, load/store', () => {
    for (const x of EDGE) {
      const a = randomExt();
      expect(E.mulBase(a, x)).toEqual(mulRef(a, E.fromBase(x)));
      expect(E.addBase(a, x)).toEqual(E.add(a, E.fromBase(x)));
      expect(E.isBase(E.fromBase(x))).toBe(true);
      expect(E.mul(E.fromBase(x), E.fromBase(EDGE[3]))).toEqual(E.fromBase(F.mul(x, EDGE[3])));
    }
    expect(E.isBase([1, 0, 1, 0])).toBe(false);
    const g = randomExt();
    E.powers(g, 6).forEach((y, i) => expect(y).toEqual(E.pow(g, i)));
    const packed = new Uint32Array(12);
    E.store(packed, 2, g);
    expect(E.load(packed, 2)).toEqual(g);
    expect(Array.from(packed.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(E.isCanonicalExt([0, 1, P, 0])).toBe(false);
    expect(E.isCanonicalExt([0, 1, 2])).toBe(false);
  });
});
