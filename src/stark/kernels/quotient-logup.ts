/**
 * LogUp's auxiliary trace (lookup.ts generateAuxTrace) on the quotient kernel's wasm module, one chunk of rows at
 * a time: the messages α_r − (bus + Σ_j γ_r^{j+1}·f_j) are acc calls (as the quotient's affine forms), the batch
 * inversion is 8 interleaved Montgomery-trick chains (einv_fwd / einv_bwd, 8 F_p^4 inversions in JS per chunk
 * and repetition), and h = m1/d1 + m2/d2 is fsum. Fields and multiplicities stay canonical: the weights carry an
 * extra 2^32 so the messages come out in Montgomery form, and fsum's 2^-32 brings h back to canonical. The
 * running sums stay in lookup.ts. Must equal the TS path bit for bit (test/stark/lookup.test.ts).
 */
import { inv, mul, sub } from '../field/babybear.ts';
import { inv as extInv, powers as extPowers, type Ext4 } from '../field/ext4.ts';
import { CHUNK_SIZE } from '../builders/rows.ts';
import { getKernel, memoryWith, type QuotientKernel } from './quotient-wasm.ts';

/** 2^32 mod p (x·R is x's Montgomery form), 2^64 mod p and 2^-32 mod p. */
const R = 268435454;
const R2 = mul(R, R);
const R_INV = inv(R);

export interface LogupChunkKernel {
  /**
   * One chunk: `fields[k]` and `mults[k]` are interaction k's field and multiplicity lanes (len values each);
   * writes each group's h for every repetition into `av` (column 4·(r·(G + 1) + g) + c, height n, rows from
   * start). Throws where a message is zero, like the TS path.
   */
  chunk(fields: readonly (readonly Uint32Array[])[], mults: readonly Uint32Array[], start: number, len: number, av: Uint32Array, n: number): void;
}

/**
 * The kernel for one aux trace, or null where it does not apply (no wasm SIMD, or a height that is not a
 * multiple of 8: the inversion's two SIMD chain states take 8 lanes at a time).
 */
export function logupChunkKernel(
  arities: readonly number[], buses: readonly number[], groups: readonly number[][], alphas: readonly Ext4[], gammas: readonly Ext4[], n: number,
): LogupChunkKernel | null {
  const k = n % 8 === 0 && n > 0 ? getKernel() : null;
  if (k === null) return null;
  const S = CHUNK_SIZE;
  const K = arities.length;
  const repetitions = alphas.length;
  const maxArity = Math.max(...arities);
  // Layout (bytes): weights per (r, k): the constant's then each field's (16 bytes each, acc's layout); ones and
  // zeros lanes; fields; multiplicities; messages and prefixes (4 coordinates × K·S); chain totals; h (4 × S).
  const weightAt: number[][] = [];
  let w = 0;
  for (let r = 0; r < repetitions; r++) {
    weightAt.push(arities.map((a) => {
      w += 16 * (a + 1);
      return w - 16 * (a + 1);
    }));
  }
  const onesOff = align(w);
  const zerosOff = onesOff + 4 * S;
  const fieldOff: number[] = [];
  let end = zerosOff + 4 * S;
  for (const a of arities) {
    fieldOff.push(end);
    end += 4 * S * a;
  }
  const multOff = end;
  const msgOff = multOff + 4 * S * K;
  const prefixOff = msgOff + 16 * S * K;
  const totOff = prefixOff + 16 * S * K;
  const hOff = totOff + 128;
  const bytes = hOff + 16 * S;

  const weights = new Uint32Array(w / 4);
  for (let r = 0; r < repetitions; r++) {
    const gammaPowers = extPowers(gammas[r], maxArity + 1);
    for (let i = 0; i < K; i++) {
      const o = weightAt[r][i] / 4;
      const constant = [sub(alphas[r][0], buses[i]), alphas[r][1], alphas[r][2], alphas[r][3]];
      constant.forEach((x, c) => (weights[o + c] = mul(x, R2)));
      for (let j = 0; j < arities[i]; j++) for (let c = 0; c < 4; c++) weights[o + 4 * (j + 1) + c] = mul(sub(0, gammaPowers[j + 1][c]), R2);
    }
  }
  return {
    chunk(fields, mults, start, len, av, n) {
      memoryWith(k.memory, bytes); // the quotient evaluation may have used (and grown) the memory in between
      const mem = new Uint32Array(k.memory.buffer);
      mem.set(weights, 0);
      mem.fill(1, onesOff / 4, onesOff / 4 + S);
      mem.fill(0, zerosOff / 4, zerosOff / 4 + S);
      fields.forEach((fs, i) => fs.forEach((f, j) => mem.set(f.subarray(0, len), fieldOff[i] / 4 + j * S)));
      mults.forEach((m, i) => mem.set(m.subarray(0, len), multOff / 4 + i * S));
      const KL = K * len;
      const SX = 4 * KL; // bytes between the coordinates of the message lanes
      for (let r = 0; r < repetitions; r++) {
        k.x.zero(msgOff, 4 * KL);
        for (let i = 0; i < K; i++) message(k, msgOff + 4 * i * len, onesOff, fieldOff[i], arities[i], weightAt[r][i], len, SX);
        k.x.einv_fwd(msgOff, prefixOff, KL, SX, totOff);
        invertTotals(mem, totOff / 4);
        k.x.einv_bwd(msgOff, prefixOff, totOff, KL, SX);
        groups.forEach((g, col) => {
          const [k1, k2] = g;
          const m2 = k2 === undefined ? zerosOff : multOff + 4 * S * k2;
          k.x.fsum(multOff + 4 * S * k1, msgOff + 4 * k1 * len, m2, msgOff + 4 * (k2 ?? k1) * len, hOff, len, SX, 4 * S);
          const o = 4 * (r * (groups.length + 1) + col) * n + start;
          for (let c = 0; c < 4; c++) av.set(mem.subarray(hOff / 4 + c * S, hOff / 4 + c * S + len), o + c * n);
        });
      }
    },
  };
}

/** out (zeroed, coordinate stride SX bytes) += (α − bus)·1 + Σ_j (−γ^{j+1})·f_j, 4 terms per reduction. */
function message(k: QuotientKernel, out: number, ones: number, fields: number, arity: number, w: number, len: number, SX: number): void {
  const terms = [ones, ...Array.from({ length: arity }, (_, j) => fields + 4 * CHUNK_SIZE * j)];
  let t = 0;
  for (; t + 4 <= terms.length; t += 4) k.x.acc4(out, terms[t], terms[t + 1], terms[t + 2], terms[t + 3], w + 16 * t, len, SX);
  for (; t < terms.length; t++) k.x.acc1(out, terms[t], w + 16 * t, len, SX);
}

/** The 8 chains' products (Montgomery form; coordinate c of lane l of state s at word 16s + 4c + l) ← their inverses. */
function invertTotals(mem: Uint32Array, at: number): void {
  for (let l = 0; l < 8; l++) {
    const w = at + 16 * (l >> 2) + (l & 3);
    const t = [0, 1, 2, 3].map((c) => mul(mem[w + 4 * c], R_INV));
    // Zero only if α_r equals some message: probability ≤ (rows × interactions)/|F_p^4| per proof.
    if (t.every((x) => x === 0)) throw new RangeError('LogUp: a message is zero (the challenge α collided with a message)');
    extInv(t as unknown as Ext4).forEach((x, c) => (mem[w + 4 * c] = mul(x, R)));
  }
}

function align(bytes: number): number {
  return (bytes + 63) & ~63;
}

/**
 * lookup.ts runningSum on the kernel: the running-sum column base + G of `av` (height n) ← the prefix sums of
 * Σ_g h_g over the G group columns before it, coordinate by coordinate; returns its last row, the claimed sum.
 * Null, writing nothing, without the kernel or where n is not a multiple of 4.
 */
export function runningSumOnKernel(av: Uint32Array, base: number, G: number, n: number): Ext4 | null {
  const k = n % 4 === 0 && n > 0 ? getKernel() : null;
  if (k === null) return null;
  memoryWith(k.memory, 8 * n);
  const mem = new Uint32Array(k.memory.buffer);
  const column = (j: number, c: number): Uint32Array => av.subarray((4 * (base + j) + c) * n, (4 * (base + j) + c + 1) * n);
  const claimedSum: number[] = [];
  for (let c = 0; c < 4; c++) {
    if (G === 0) mem.fill(0, 0, n);
    else mem.set(column(0, c), 0);
    for (let g = 1; g < G; g++) {
      mem.set(column(g, c), n);
      k.x.add(0, 4 * n, 0, n);
    }
    k.x.prefix_sum(0, n);
    column(G, c).set(mem.subarray(0, n));
    claimedSum.push(mem[n - 1]);
  }
  return [claimedSum[0], claimedSum[1], claimedSum[2], claimedSum[3]];
}
