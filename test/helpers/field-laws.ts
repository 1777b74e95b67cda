/**
 * One generic field-axiom suite (in the spirit of Plonky3's field-testing crate), run on every field zkc has:
 * BabyBear and its quartic extension (test/stark/field.test.ts). Samples mix edge values with seeded random ones.
 */
import { describe, expect, it } from 'vitest';

export interface FieldUnderTest<T> {
  readonly name: string;
  readonly zero: T;
  readonly one: T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  neg(a: T): T;
  mul(a: T, b: T): T;
  square(a: T): T;
  inv(a: T): T;
  pow(a: T, e: number): T;
  equals(a: T, b: T): boolean;
  isZero(a: T): boolean;
  isCanonical(a: T): boolean;
  /** Edge values (0, 1, −1, limb boundaries, …) and a seeded source of random elements. */
  edge: readonly T[];
  random(): T;
  /** |F^*| when it is a safe integer, to check Fermat's little theorem. */
  multiplicativeOrder?: number;
  batchInverse?(xs: readonly T[]): T[];
}

export function fieldLaws<T>(f: FieldUnderTest<T>, samples = 60): void {
  const pick = (): T[] => [...f.edge, ...Array.from({ length: samples }, () => f.random())];
  const eq = (a: T, b: T): void => {
    expect(f.isCanonical(a)).toBe(true);
    expect(f.equals(a, b), `${String(a)} ≠ ${String(b)}`).toBe(true);
  };

  describe(`${f.name}: field laws`, () => {
    const xs = pick();
    const ys = pick().reverse();
    const zs = pick().map((_, i, arr) => arr[(i * 7 + 3) % arr.length]);

    it('addition is associative and commutative, with identity 0 and inverse neg', () => {
      xs.forEach((x, i) => {
        const y = ys[i];
        const z = zs[i];
        eq(f.add(f.add(x, y), z), f.add(x, f.add(y, z)));
        eq(f.add(x, y), f.add(y, x));
        eq(f.add(x, f.zero), x);
        eq(f.add(x, f.neg(x)), f.zero);
        eq(f.neg(f.neg(x)), x);
        eq(f.sub(x, y), f.add(x, f.neg(y)));
        eq(f.add(f.sub(x, y), y), x);
        eq(f.sub(x, x), f.zero);
      });
    });

    it('multiplication is associative and commutative, with identity 1 and absorbing 0', () => {
      xs.forEach((x, i) => {
        const y = ys[i];
        const z = zs[i];
        eq(f.mul(f.mul(x, y), z), f.mul(x, f.mul(y, z)));
        eq(f.mul(x, y), f.mul(y, x));
        eq(f.mul(x, f.one), x);
        eq(f.mul(x, f.zero), f.zero);
        eq(f.square(x), f.mul(x, x));
        eq(f.mul(f.neg(x), y), f.neg(f.mul(x, y)));
      });
    });

    it('multiplication distributes over addition and subtraction', () => {
      xs.forEach((x, i) => {
        const y = ys[i];
        const z = zs[i];
        eq(f.mul(x, f.add(y, z)), f.add(f.mul(x, y), f.mul(x, z)));
        eq(f.mul(f.sub(y, z), x), f.sub(f.mul(y, x), f.mul(z, x)));
      });
    });

    it('every non-zero element has an inverse; zero has none', () => {
      for (const x of xs) {
        if (f.isZero(x)) continue;
        eq(f.mul(x, f.inv(x)), f.one);
        eq(f.inv(f.inv(x)), x);
      }
      eq(f.inv(f.one), f.one);
      expect(() => f.inv(f.zero)).toThrow(RangeError);
    });

    it('pow agrees with repeated multiplication and adds exponents', () => {
      xs.slice(0, 40).forEach((x, i) => {
        eq(f.pow(x, 0), f.one);
        eq(f.pow(x, 1), x);
        let acc = f.one;
        for (let e = 0; e < 12; e++) {
          eq(f.pow(x, e), acc);
          acc = f.mul(acc, x);
        }
        const m = 1 + ((i * 7919) % 100_003);
        const n = 1 + ((i * 104_729) % 1_000_003);
        eq(f.mul(f.pow(x, m), f.pow(x, n)), f.pow(x, m + n));
        eq(f.pow(f.pow(x, m), 3), f.pow(x, 3 * m));
      });
      expect(() => f.pow(f.one, -1)).toThrow(RangeError);
      expect(() => f.pow(f.one, 0.5)).toThrow(RangeError);
    });

    if (f.multiplicativeOrder !== undefined) {
      const order = f.multiplicativeOrder;
      it("Fermat's little theorem: x^|F*| = 1 for x ≠ 0", () => {
        for (const x of xs) if (!f.isZero(x)) eq(f.pow(x, order), f.one);
        eq(f.pow(f.zero, order), f.zero);
      });
    }

    const batchInverse = f.batchInverse;
    if (batchInverse !== undefined) {
      it('batchInverse equals element-wise inverses and rejects zero', () => {
        const nonZero = xs.filter((x) => !f.isZero(x));
        const got = batchInverse(nonZero);
        expect(got.length).toBe(nonZero.length);
        got.forEach((y, i) => eq(y, f.inv(nonZero[i])));
        expect(batchInverse([])).toEqual([]);
        expect(batchInverse([f.one])).toEqual([f.one]);
        expect(() => batchInverse([f.one, f.zero, f.one])).toThrow(RangeError);
      });
    }
  });
}
