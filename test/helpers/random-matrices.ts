/**
 * Seeded random canonical matrices for the Merkle and hash-kernel tests (xorshift32; print the seed on failure).
 */
import { P } from '../../src/stark/field/babybear.ts';
import { matrix } from '../../src/stark/matrix.ts';
import type { Matrix } from '../../src/stark/matrix.ts';

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

/** A width×height matrix of canonical elements (values below p by rejection). */
export function randomMatrix(next: () => number, width: number, height: number): Matrix {
  const m = matrix(width, height);
  for (let i = 0; i < m.values.length; i++) {
    let x = next() & 0x7fffffff;
    while (x >= P) x = next() & 0x7fffffff;
    m.values[i] = x;
  }
  return m;
}
