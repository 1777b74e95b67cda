/**
 * FRI alone: honest low-degree inputs (several heights, roll-ins, every arity) are accepted; random and
 * one-degree-too-high codewords are rejected; tampering with each part of a proof gives its exact code.
 */
import { describe, expect, it } from 'vitest';
import { P } from '../../src/stark/field/babybear.ts';
import * as ext from '../../src/stark/field/ext4.ts';
import type { Ext4 } from '../../src/stark/field/ext4.ts';
import { intt, ntt } from '../../src/stark/ntt.ts';
import { bitReverse } from '../../src/stark/matrix.ts';
import { Transcript } from '../../src/stark/transcript.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../src/stark/codec.ts';
import { VerifyError } from '../../src/stark/errors.ts';
import type { FriParams } from '../../src/stark/fri/params.ts';
import { foldCodeword, foldCoset } from '../../src/stark/fri/fold.ts';
import { friCommitPhase, friFinalPoly, friProve, friQueryPhase } from '../../src/stark/fri/prover.ts';
import type { FriInput } from '../../src/stark/fri/prover.ts';
import type { FriProof } from '../../src/stark/fri/proof.ts';
import { readFriProof, writeFriProof } from '../../src/stark/fri/proof.ts';
import { friSchedule } from '../../src/stark/fri/schedule.ts';
import { friVerify } from '../../src/stark/fri/verifier.ts';
import { xorshift as rng, randomField } from '../helpers/random-matrices.ts';

const SEED = 0x5eed_f41;
console.info(`fri.test.ts seed ${SEED.toString(16)}`);

/** Bit-reversed evaluations on H_{2^logHeight} of a random extension polynomial with `numCoeffs` coefficients. */
function codeword(next: () => number, logHeight: number, numCoeffs: number): Uint32Array {
  const n = 1 << logHeight;
  const out = new Uint32Array(4 * n);
  for (let k = 0; k < 4; k++) {
    const limb = new Uint32Array(n);
    for (let i = 0; i < numCoeffs; i++) limb[i] = randomField(next);
    ntt(limb);
    for (let i = 0; i < n; i++) out[4 * bitReverse(i, logHeight) + k] = limb[i];
  }
  return out;
}

function randomCodeword(next: () => number, logHeight: number): Uint32Array {
  const out = new Uint32Array(4 << logHeight);
  for (let i = 0; i < out.length; i++) out[i] = randomField(next);
  return out;
}

function lowDegreeInputs(next: () => number, logHeights: number[], logBlowup: number): FriInput[] {
  return logHeights.map((h) => ({ logHeight: h, values: codeword(next, h, 1 << (h - logBlowup)) }));
}

function params(overrides: Partial<FriParams> = {}): FriParams {
  return { logBlowup: 1, numQueries: 6, queryPowBits: 2, logFinalPolyLen: 1, logFoldingArity: 1, ...overrides };
}

const openFrom = (inputs: FriInput[], logMax: number) => (indices: readonly number[]): Ext4[][] =>
  indices.map((i) => inputs.map((x) => ext.load(x.values, i >>> (logMax - x.logHeight))));

function prove(inputs: FriInput[], p: FriParams): FriProof {
  return friProve(inputs, new Transcript('fri-test'), p).proof;
}

function verify(proof: FriProof, inputs: FriInput[], p: FriParams, open = openFrom(inputs, inputs[0].logHeight)): void {
  friVerify(proof, inputs.map((x) => x.logHeight), new Transcript('fri-test'), p, open);
}

function expectCode(f: () => void, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VerifyError);
    expect((e as VerifyError).code, (e as Error).message).toBe(code);
    return;
  }
  expect.unreachable(`expected VerifyError ${code}`);
}

describe('folding', () => {
  it('foldCoset (verifier) agrees with foldCodeword (prover) for every arity', () => {
    const next = rng(SEED);
    const logN = 6;
    const values = randomCodeword(next, logN);
    const beta: Ext4 = [randomField(next), randomField(next), randomField(next), randomField(next)];
    for (const logArity of [1, 2, 3, 4]) {
      const folded = foldCodeword(values, logN, logArity, beta);
      for (let leaf = 0; leaf < 1 << (logN - logArity); leaf++) {
        const coset = Array.from({ length: 1 << logArity }, (_, t) => ext.load(values, (leaf << logArity) + t));
        expect(foldCoset(coset, leaf, logN, logArity, beta)).toEqual(ext.load(folded, leaf));
      }
    }
  });

  it('halves the degree: a degree < 32 polynomial folds (arity 2, 4) to degree < 16, 8', () => {
    const next = rng(SEED + 1);
    const beta: Ext4 = [3, 1, 4, 1];
    const values = codeword(next, 8, 32);
    for (const logArity of [1, 2]) {
      const folded = foldCodeword(values, 8, logArity, beta);
      const logN = 8 - logArity;
      for (let k = 0; k < 4; k++) {
        const limb = new Uint32Array(1 << logN);
        for (let i = 0; i < 1 << logN; i++) limb[bitReverse(i, logN)] = folded[4 * i + k];
        intt(limb);
        const bound = 32 >> logArity;
        expect(limb.subarray(bound).every((c) => c === 0)).toBe(true);
        expect(limb.subarray(0, bound).some((c) => c !== 0)).toBe(true);
      }
    }
  });
});

describe('schedule', () => {
  it('shortens layers so every input is rolled in at its own height, and caps the final polynomial', () => {
    const s = friSchedule([12, 11, 7], params({ logBlowup: 2, logFinalPolyLen: 3, logFoldingArity: 3 }));
    expect(s.layers).toEqual([
      { logHeight: 12, logArity: 1, rollIn: 1 },
      { logHeight: 11, logArity: 3, rollIn: -1 },
      { logHeight: 8, logArity: 1, rollIn: 2 },
      { logHeight: 7, logArity: 2, rollIn: -1 },
    ]);
    expect(s.logFinalHeight).toBe(5);
    expect(s.finalPolyLen).toBe(8);
    const small = friSchedule([10, 3], params({ logBlowup: 2, logFinalPolyLen: 3 }));
    expect(small.logFinalHeight).toBe(3);
    expect(small.finalPolyLen).toBe(2);
  });

  it('rejects inputs out of order or below the blowup', () => {
    expectCode(() => friSchedule([8, 9], params()), 'invalid-parameters');
    expectCode(() => friSchedule([8, 8], params()), 'invalid-parameters');
    expectCode(() => friSchedule([0], params()), 'invalid-parameters');
    expectCode(() => friSchedule([], params()), 'invalid-parameters');
  });
});

describe('FRI accepts low-degree inputs', () => {
  const cases: { heights: number[]; p: Partial<FriParams> }[] = [
    { heights: [9], p: {} },
    { heights: [10, 8, 5], p: { logBlowup: 2, logFinalPolyLen: 2 } },
    { heights: [9, 8, 7, 6, 3], p: { logBlowup: 1, logFinalPolyLen: 3 } },
    { heights: [4], p: { logBlowup: 2, logFinalPolyLen: 5 } },
    { heights: [2], p: { logBlowup: 2, logFinalPolyLen: 0 } },
  ];
  for (const logFoldingArity of [1, 2, 3, 4]) {
    for (const { heights, p: overrides } of cases) {
      it(`arity 2^${logFoldingArity}, heights ${heights.join('/')}`, () => {
        const p = params({ ...overrides, logFoldingArity });
        const inputs = lowDegreeInputs(rng(SEED + heights[0] + logFoldingArity), heights, p.logBlowup);
        verify(prove(inputs, p), inputs, p);
      });
    }
  }
});

describe('FRI rejects', () => {
  const p = params({ logBlowup: 2, logFinalPolyLen: 1, logFoldingArity: 2, numQueries: 8 });

  it('a random codeword', () => {
    const inputs: FriInput[] = [{ logHeight: 9, values: randomCodeword(rng(SEED + 2), 9) }];
    expectCode(() => verify(prove(inputs, p), inputs, p), 'fri-final-poly-mismatch');
  });

  it('a codeword of degree just above the bound, at the top or in a rolled-in input', () => {
    const next = rng(SEED + 3);
    const tooHigh = [{ logHeight: 9, values: codeword(next, 9, (1 << 7) + 1) }];
    expectCode(() => verify(prove(tooHigh, p), tooHigh, p), 'fri-final-poly-mismatch');
    const rolled = [{ logHeight: 9, values: codeword(next, 9, 1 << 7) }, { logHeight: 6, values: codeword(next, 6, (1 << 4) + 1) }];
    expectCode(() => verify(prove(rolled, p), rolled, p), 'fri-final-poly-mismatch');
  });

  it('zero queries', () => {
    const inputs = lowDegreeInputs(rng(SEED + 4), [8], p.logBlowup);
    expectCode(() => verify(prove(inputs, p), inputs, { ...p, numQueries: 0 }), 'fri-zero-queries');
  });
});

describe('FRI tamper tests', () => {
  const p = params({ logBlowup: 2, logFinalPolyLen: 1, logFoldingArity: 2, numQueries: 8, queryPowBits: 0 });
  const inputs = lowDegreeInputs(rng(SEED + 5), [10, 7], p.logBlowup);
  const honest = prove(inputs, p);

  it('the honest proof verifies', () => verify(honest, inputs, p));

  it('a final-polynomial coefficient (re-ground and re-opened by the cheater)', () => {
    const transcript = new Transcript('fri-test');
    const committed = friCommitPhase(inputs, transcript, p);
    const finalPoly = friFinalPoly(committed);
    finalPoly[0] = ext.add(finalPoly[0], ext.ONE); // shifts the final polynomial by a constant
    const { proof } = friQueryPhase(committed, finalPoly, transcript, p);
    expectCode(() => verify(proof, inputs, p), 'fri-final-poly-mismatch');
  });

  it('a final polynomial of the wrong length', () => {
    expectCode(() => verify({ ...honest, finalPoly: [...honest.finalPoly, ext.ZERO] }, inputs, p), 'fri-final-poly-degree');
  });

  it('a layer root', () => {
    const one = params({ ...p, numQueries: 1 }); // one query: the opening keeps its shape whatever the index
    const proof = prove(inputs, one);
    const layerRoots = proof.layerRoots.slice();
    layerRoots[1] = new Uint8Array(32).fill(7);
    expectCode(() => verify({ ...proof, layerRoots }, inputs, one), 'merkle-path-mismatch');
  });

  it('an opened layer value', () => {
    const layerOpenings = honest.layerOpenings.map((o) => ({ rows: o.rows.map((r) => r.slice()), nodes: o.nodes }));
    layerOpenings[1].rows[0][0] = (layerOpenings[1].rows[0][0] + 1) % P;
    expectCode(() => verify({ ...honest, layerOpenings }, inputs, p), 'merkle-path-mismatch');
  });

  it('an input value that disagrees with layer 0, and a rolled-in value', () => {
    const open = openFrom(inputs, 10);
    const wrongTop = (idx: readonly number[]) => open(idx).map(([a, b], q) => [q === 3 ? ext.add(a, ext.ONE) : a, b]);
    expectCode(() => verify(honest, inputs, p, wrongTop), 'fri-fold-mismatch');
    const wrongRolled = (idx: readonly number[]) => open(idx).map(([a, b], q) => [a, q === 3 ? ext.add(b, ext.ONE) : b]);
    expectCode(() => verify(honest, inputs, p, wrongRolled), 'fri-fold-mismatch');
  });

  it('a PoW nonce', () => {
    const pow = params({ ...p, queryPowBits: 12 });
    const proof = prove(inputs, pow);
    verify(proof, inputs, pow);
    expectCode(() => verify({ ...proof, powNonce: proof.powNonce + 1 }, inputs, pow), 'invalid-pow');
  });

  it('an index: rows answering a different query', () => {
    const layerOpenings = honest.layerOpenings.map((o) => ({ rows: o.rows.slice(), nodes: o.nodes }));
    const rows = layerOpenings[0].rows;
    expect(rows.length).toBeGreaterThan(1);
    [rows[0], rows[1]] = [rows[1], rows[0]];
    expectCode(() => verify({ ...honest, layerOpenings }, inputs, p), 'merkle-path-mismatch');
  });
});

describe('FRI proof encoding', () => {
  const p = params({ logBlowup: 2, logFinalPolyLen: 2, logFoldingArity: 3, numQueries: 5 });
  const inputs = lowDegreeInputs(rng(SEED + 6), [11, 9, 6], p.logBlowup);
  const proof = prove(inputs, p);
  const schedule = friSchedule([11, 9, 6], p);
  const w = new ByteWriter();
  writeFriProof(w, proof);
  const bytes = w.finish();

  it('round-trips, and the decoded proof verifies', () => {
    const r = new ByteReader(bytes);
    const decoded = readFriProof(r, schedule, p);
    r.finish();
    expect(decoded).toEqual(proof);
    verify(decoded, inputs, p);
    const again = new ByteWriter();
    writeFriProof(again, decoded);
    expect(again.finish()).toEqual(bytes);
  });

  it('rejects truncation and trailing bytes', () => {
    for (const cut of [1, 17, bytes.length >> 1]) {
      expect(() => readFriProof(new ByteReader(bytes.subarray(0, bytes.length - cut)), schedule, p)).toThrow(DecodeError);
    }
    const long = new Uint8Array(bytes.length + 1);
    long.set(bytes);
    const r = new ByteReader(long);
    readFriProof(r, schedule, p);
    expect(() => r.finish()).toThrow(expect.objectContaining({ code: 'unconsumed-bytes' }));
  });

  it('rejects a non-canonical field element', () => {
    const bad = bytes.slice();
    const offset = 32 * schedule.layers.length; // first final-polynomial word
    bad.set([0x01, 0x00, 0x00, 0x78], offset); // p itself
    expect(() => readFriProof(new ByteReader(bad), schedule, p)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
  });
});
