/**
 * pcsRelease: a released commitment's LDE buffers are reused by the next pcsCommit, which still commits the
 * right LDE, and the released commitment can no longer be opened.
 */
import { describe, expect, it } from 'vitest';
import { GENERATOR, P } from '../../src/stark/field/babybear.ts';
import { matrix } from '../../src/stark/matrix.ts';
import { merkleCommit } from '../../src/stark/merkle.ts';
import { cosetLde, cosetLdeFromCoeffs } from '../../src/stark/ntt.ts';
import { Transcript } from '../../src/stark/transcript.ts';
import type { FriParams } from '../../src/stark/fri/params.ts';
import { pcsCommit, pcsCommitCoeffs, pcsEvaluate, pcsOpen, pcsRelease } from '../../src/stark/pcs.ts';

const params: FriParams = { logBlowup: 2, numQueries: 4, queryPowBits: 1, logFinalPolyLen: 1, logFoldingArity: 2 };

function filled(width: number, height: number, seed: number) {
  const m = matrix(width, height);
  for (let i = 0; i < m.values.length; i++) m.values[i] = ((Math.imul(i + 1, 0x9e3779b1) ^ seed) >>> 0) % P;
  return m;
}

describe('pcsRelease', () => {
  it('reuses the LDE memory, commits correctly, and refuses to open a released commitment', () => {
    const a = pcsCommit([filled(3, 64, 1)], params);
    const bufferA = a.ldes[0].values.buffer;
    pcsRelease(a);
    pcsRelease(a); // idempotent
    const points = [[[1, 2, 3, 4] as const]];
    expect(() => pcsEvaluate([{ commitment: a, points }])).toThrow(/released/);
    expect(() => pcsOpen([{ commitment: a, points }], new Transcript('t'), params)).toThrow(/released/);

    const evalsB = filled(3, 64, 2);
    const b = pcsCommit([evalsB], params);
    expect(b.ldes[0].values.buffer).toBe(bufferA);
    const lde = cosetLde(evalsB, params.logBlowup, GENERATOR);
    expect(b.ldes[0].values).toEqual(lde.values);
    // leaves are LDE rows v and v + N/2 (docs/stark.md, "PCS leaves are row pairs"): the column-major halves
    expect(b.root).toEqual(merkleCommit([{ width: 2 * lde.width, height: lde.height / 2, values: lde.values }]).root);
  });

  it('pcsCommitCoeffs (NTT, then the evaluation LDE into reused memory) equals cosetLdeFromCoeffs', () => {
    const coeffs = filled(4, 48, 3); // fewer coefficients than 2^6: zero-padded
    const c = pcsCommitCoeffs([coeffs], [6], params);
    expect(c.ldes[0].values).toEqual(cosetLdeFromCoeffs(coeffs, 6 + params.logBlowup, GENERATOR).values);
    pcsRelease(c);
  });
});
