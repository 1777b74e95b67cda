/**
 * Seeded random canonical matrices for the Merkle and hash-kernel tests (xorshift32; print the seed on failure).
 */
import { P } from '../../src/stark/field/babybear.ts';
import { matrix } from '../../src/stark/matrix.ts';
import type { Matrix } from '../../src/stark/matrix.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';

export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A uniform canonical element (31-bit draws below p, by rejection). */
export function randomField(next: () => number): number {
  for (;;) {
    const x = next() & 0x7fffffff;
    if (x < P) return x;
  }
}

export function randomExt(next: () => number): Ext4 {
  return [randomField(next), randomField(next), randomField(next), randomField(next)];
}

/** A width×height matrix of canonical elements. */
export function randomMatrix(next: () => number, width: number, height: number): Matrix {
  const m = matrix(width, height);
  for (let i = 0; i < m.values.length; i++) m.values[i] = randomField(next);
  return m;
}
