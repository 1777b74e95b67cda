/**
 * WAT source of the quotient kernel (wasm SIMD, 4 rows per v128): the base-field lane operations of the chunked
 * constraint evaluator (builders/rows.ts), the α-weighted accumulation of the roots and the final 1/Z_H product
 * (builders/quotient.ts), over node buffers in the kernel's memory. Assembled into quotient.wasm.ts by
 * scripts/build-wasm.ts. Node values are in Montgomery form (v·2^32 mod p, canonical), so a product is ONE
 * Montgomery reduction (ntt.wat.ts `mont`) and sums are the plain modular ones. Pointers are byte offsets, n is
 * a row count (a multiple of 4), S4 the byte distance between the 4 coordinate blocks of an accumulator.
 */
import { P } from '../field/babybear.ts';
import { P_INV_MOD_2_32, addI32, addMod, get, initConstants, mont, mulHigh, set, shuffle, splat, subMod, v128Locals } from './ntt.wat.ts';

/** 2^64 mod p and its companion (·p⁻¹ mod 2^32): mont(x, R2) = x·2^32 mod p converts x in. */
const R2 = Number((1n << 64n) % BigInt(P));
const R2_PINV = Number((BigInt(R2) * BigInt(P_INV_MOD_2_32)) % (1n << 32n));

const ptr = (name: string, bytes = 16): string => set(name, addI32(get(name), `(i32.const ${bytes})`));
const load = (addr: string, offset = 0): string => `(v128.load offset=${offset} ${addr})`;

/** A loop over the rows of `lead` (its pointer advances 16 bytes a step, as do `others`) until lead reaches end. */
function rows(lead: string, others: string[], body: string): string {
  return `
  ${set('end', addI32(get(lead), `(i32.shl ${get('n')} (i32.const 2))`))}
  (block $done (loop $row
   (br_if $done (i32.ge_u ${get(lead)} ${get('end')}))
   ${body}
   ${[lead, ...others].map((p) => ptr(p)).join(' ')}
   (br $row)))`;
}

/** to_mont(p, n): in place, x ← x·2^32 mod p (canonical in, canonical out). */
const toMont = (): string => `
 (func (export "to_mont") (param $p i32) (param $n i32)
  (local $end i32) ${v128Locals('x', 'R2', 'R2Q', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('R2', splat(R2))} ${set('R2Q', splat(R2_PINV))}
  ${rows('p', [], `${set('x', load(get('p')))} ${mont('x', 'x', 'R2', 'R2Q')} (v128.store ${get('p')} ${get('x')})`)}
 )`;

/** mul / add / sub(a, b, out, n): out_i = a_i ∘ b_i (out may alias an operand: each row is read before written). */
const binary = (name: string, op: (dst: string) => string): string => `
 (func (export "${name}") (param $a i32) (param $b i32) (param $out i32) (param $n i32)
  (local $end i32) ${v128Locals('x', 'y', 'r', 'm', 'P', 'PINV')}
  ${initConstants}
  ${rows('a', ['b', 'out'], `${set('x', load(get('a')))} ${set('y', load(get('b')))} ${op('r')} (v128.store ${get('out')} ${get('r')})`)}
 )`;

/** neg(a, out, n): out_i = −a_i (0 stays 0: min_u(0, p) = 0). */
const neg = (): string => `
 (func (export "neg") (param $a i32) (param $out i32) (param $n i32)
  (local $end i32) ${v128Locals('r', 'P')}
  ${set('P', splat(P))}
  ${rows('a', ['out'], `${set('r', `(i32x4.sub (v128.const i32x4 0 0 0 0) ${load(get('a'))})`)}
   (v128.store ${get('out')} (i32x4.min_u ${get('r')} (i32x4.add ${get('r')} ${get('P')})))`)}
 )`;

/** 2^32 mod p: a 64-bit h·2^32 + l is ≡ h·C + l, which is below 2^61 for any h, l < 2^32. */
const C = Number((1n << 32n) % BigInt(P));

/**
 * Code setting v128 local `dst` to Σ_j x_j·y_j·2^-32 mod p for 1 to 4 pairs of v128 expressions (each
 * x_j < 2^32, y_j < p): the products (each < p²) are summed exactly in 64-bit lanes (4p² < 2^64), folded below
 * 2^61 with 2^32 ≡ C and Montgomery-reduced once: a third of the work of separate reductions. Uses the locals
 * s0, s1, l, h, m, C, P, PINV.
 */
function dotReduce(dst: string, pairs: readonly (readonly [string, string])[]): string {
  const half = (which: 'low' | 'high') => pairs
    .map(([x, y]) => `(i64x2.extmul_${which}_i32x4_u ${x} ${y})`)
    .reduce((sum, term) => `(i64x2.add ${sum} ${term})`);
  const lo = (a: string, b: string) => shuffle([0, 2, 4, 6], a, b);
  const hi = (a: string, b: string) => shuffle([1, 3, 5, 7], a, b);
  return [
    set('s0', half('low')), set('s1', half('high')),
    // t = h·C + l, then dst = t·2^-32 mod p by the signed Montgomery reduction of ntt.wat.ts mont (h(t) < 2^29 < p)
    set('l', lo(get('s0'), get('s1'))), set('h', hi(get('s0'), get('s1'))),
    set('s0', `(i64x2.add (i64x2.extmul_low_i32x4_u ${get('h')} ${get('C')}) (i64x2.extend_low_i32x4_u ${get('l')}))`),
    set('s1', `(i64x2.add (i64x2.extmul_high_i32x4_u ${get('h')} ${get('C')}) (i64x2.extend_high_i32x4_u ${get('l')}))`),
    set('m', `(i32x4.mul ${lo(get('s0'), get('s1'))} ${get('PINV')})`),
    set(dst, `(i32x4.sub ${hi(get('s0'), get('s1'))} ${mulHigh(get('m'), get('P'))})`),
    set(dst, `(i32x4.min_u ${get(dst)} (i32x4.add ${get(dst)} ${get('P')}))`),
  ].join('\n   ');
}

/**
 * acc{R}(acc, x0..x{R−1}, w, n, S4), R ≤ 4 roots: coordinate c of the accumulator (at acc + c·S4) += Σ_j x_j·w_jc·2^-32,
 * w_jc at w + 16j + 4c (dotReduce). Coordinates go one after the other, so the R weight vectors of one coordinate
 * stay in registers. Also serves the extension roots (x_j = coordinate j of the root, the weights transposed)
 * and the affine forms of chunk-plan.ts (acc = the node, x_j its base terms, w_jc their coefficients).
 */
function accumulate(R: number): string {
  const xs = Array.from({ length: R }, (_, j) => `x${j}`);
  const ws = xs.map((_, j) => `w${j}`);
  const body = [
    dotReduce('r', xs.map((_, j) => [load(get(`p${j}`)), get(`w${j}`)] as const)),
    set('a', load(get('pa'))),
    addMod('a', 'a', 'r'),
    `(v128.store ${get('pa')} ${get('a')})`,
  ].join('\n   ');
  return `
 (func (export "acc${R}") (param $acc i32) ${xs.map((x) => `(param $${x} i32)`).join(' ')} (param $w i32) (param $n i32) (param $S4 i32)
  (local $c i32) (local $end i32) (local $pa i32) ${xs.map((_, j) => `(local $p${j} i32)`).join(' ')}
  ${v128Locals('a', 's0', 's1', 'l', 'h', 'r', ...ws, 'C', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('C', splat(C))}
  (loop $coordinate
   ${xs.map((_, j) => set(`w${j}`, `(v128.load32_splat offset=${16 * j} ${get('w')})`)).join(' ')}
   ${set('pa', addI32(get('acc'), `(i32.mul ${get('c')} ${get('S4')})`))}
   ${xs.map((x, j) => set(`p${j}`, get(x))).join(' ')}
   ${rows('pa', xs.map((_, j) => `p${j}`), body)}
   ${set('w', addI32(get('w'), '(i32.const 4)'))}
   ${set('c', addI32(get('c'), '(i32.const 1)'))}
   (br_if $coordinate (i32.lt_u ${get('c')} (i32.const 4))))
 )`;
}

/** W = 11 (F_p^4 = F_p[x]/(x^4 − W)) in Montgomery form and its companion: mont(b, W_R) = W·b, still Montgomery. */
const W = 11;
const W_R = Number((BigInt(W) << 32n) % BigInt(P));
const W_R_PINV = Number((BigInt(W_R) * BigInt(P_INV_MOD_2_32)) % (1n << 32n));

/**
 * Code setting v128 locals r0..r3 to a·b in F_p^4 for the v128 locals a0..a3, b0..b3 (Montgomery forms): W·b_1..3
 * first (3 reductions, into wb1..wb3), then each output coordinate is one dotReduce of 4 products
 * (c0 = a0b0 + a1·Wb3 + a2·Wb2 + a3·Wb1, …, c3 = Σ a_i b_{3−i}). Also uses dotReduce's locals and WR, WRQ.
 */
function extMul(a: string, b: string): string {
  const x = (i: number) => get(`${a}${i}`);
  const y = (j: number) => get(`${b}${j}`);
  const wy = (j: number) => get(`wb${j}`);
  const coords: (readonly [string, string])[][] = [
    [[x(0), y(0)], [x(1), wy(3)], [x(2), wy(2)], [x(3), wy(1)]],
    [[x(0), y(1)], [x(1), y(0)], [x(2), wy(3)], [x(3), wy(2)]],
    [[x(0), y(2)], [x(1), y(1)], [x(2), y(0)], [x(3), wy(3)]],
    [[x(0), y(3)], [x(1), y(2)], [x(2), y(1)], [x(3), y(0)]],
  ];
  return [
    ...[1, 2, 3].map((j) => mont(`wb${j}`, `${b}${j}`, 'WR', 'WRQ')),
    ...coords.map((pairs, c) => dotReduce(`r${c}`, pairs)),
  ].join('\n   ');
}

const EXT_MUL_LOCALS = ['wb1', 'wb2', 'wb3', 'r0', 'r1', 'r2', 'r3', 's0', 's1', 'l', 'h', 'C', 'WR', 'WRQ', 'm', 'P', 'PINV'];
const extMulConstants = `${initConstants} ${set('C', splat(C))} ${set('WR', splat(W_R))} ${set('WRQ', splat(W_R_PINV))}`;
/** Address of coordinate c of an extension buffer at local p, with locals S4, S8, S12 the coordinate strides. */
const coordAt = (p: string, c: number) => (c === 0 ? get(p) : addI32(get(p), get(`S${4 * c}`)));
const strides = `${set('S8', `(i32.shl ${get('S4')} (i32.const 1))`)} ${set('S12', addI32(get('S8'), get('S4')))}`;
const loadExt = (dst: string, p: string) => [0, 1, 2, 3].map((c) => set(`${dst}${c}`, load(coordAt(p, c)))).join(' ');
const storeExt = (p: string, src: string) => [0, 1, 2, 3].map((c) => `(v128.store ${coordAt(p, c)} ${get(`${src}${c}`)})`).join(' ');

/**
 * emul(a, b, out, n, S4): out = a·b in F_p^4 lane-wise, coordinate c of each operand at +c·S4 (out may alias a or
 * b: a row's 8 inputs are read before its outputs are written).
 */
const emul = (): string => `
 (func (export "emul") (param $a i32) (param $b i32) (param $out i32) (param $n i32) (param $S4 i32)
  (local $end i32) (local $S8 i32) (local $S12 i32)
  ${v128Locals('a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3', ...EXT_MUL_LOCALS)}
  ${extMulConstants} ${strides}
  ${rows('a', ['b', 'out'], `${loadExt('a', 'a')} ${loadExt('b', 'b')} ${extMul('a', 'b')} ${storeExt('out', 'r')}`)}
 )`;

/**
 * LogUp's batch inversion (lookup.ts), as 8 interleaved Montgomery-trick chains: two v128 chain states, A for the
 * vectors at even positions (elements 8m..8m+3) and B for the odd ones, lane l of each taking every 4th element,
 * so two independent F_p^4 products are in flight (with one state, einv_fwd ran 1.5× slower: latency-bound, measured).
 * einv_fwd(x, prefix, n, S4, tot): prefix_i ← the chain's product of the elements before i, and tot (A's 4
 * coordinates × 16 bytes, then B's) ← each chain's product of all its elements. The caller inverts tot;
 * einv_bwd(x, prefix, tot, n, S4) then replaces x_i by 1/x_i, walking back. n is a multiple of 8; all values in
 * Montgomery form.
 */
const loadExtAt = (dst: string, p: string, off: number) =>
  [0, 1, 2, 3].map((c) => set(`${dst}${c}`, `(v128.load offset=${off} ${coordAt(p, c)})`)).join(' ');
const storeExtAt = (p: string, src: string, off: number) =>
  [0, 1, 2, 3].map((c) => `(v128.store offset=${off} ${coordAt(p, c)} ${get(`${src}${c}`)})`).join(' ');
const takeR = (dst: string) => [0, 1, 2, 3].map((c) => set(`${dst}${c}`, get(`r${c}`))).join(' ');

const einvFwd = (): string => `
 (func (export "einv_fwd") (param $x i32) (param $prefix i32) (param $n i32) (param $S4 i32) (param $tot i32)
  (local $end i32) (local $S8 i32) (local $S12 i32)
  ${v128Locals('c0', 'c1', 'c2', 'c3', 'd0', 'd1', 'd2', 'd3', 'b0', 'b1', 'b2', 'b3', 'e0', 'e1', 'e2', 'e3', ...EXT_MUL_LOCALS)}
  ${extMulConstants} ${strides}
  ${set('c0', splat(Number((1n << 32n) % BigInt(P))))} ${set('d0', get('c0'))}
  ${set('end', addI32(get('x'), `(i32.shl ${get('n')} (i32.const 2))`))}
  (block $done (loop $row
   (br_if $done (i32.ge_u ${get('x')} ${get('end')}))
   ${storeExtAt('prefix', 'c', 0)} ${storeExtAt('prefix', 'd', 16)}
   ${loadExtAt('b', 'x', 0)} ${loadExtAt('e', 'x', 16)}
   ${extMul('c', 'b')} ${takeR('c')}
   ${extMul('d', 'e')} ${takeR('d')}
   ${ptr('x', 32)} ${ptr('prefix', 32)}
   (br $row)))
  ${[0, 1, 2, 3].map((c) => `(v128.store offset=${16 * c} ${get('tot')} ${get(`c${c}`)}) (v128.store offset=${64 + 16 * c} ${get('tot')} ${get(`d${c}`)})`).join(' ')}
 )`;

const einvBwd = (): string => `
 (func (export "einv_bwd") (param $x i32) (param $prefix i32) (param $tot i32) (param $n i32) (param $S4 i32)
  (local $S8 i32) (local $S12 i32)
  ${v128Locals('v0', 'v1', 'v2', 'v3', 'u0', 'u1', 'u2', 'u3', 'p0', 'p1', 'p2', 'p3', 'q0', 'q1', 'q2', 'q3', 'b0', 'b1', 'b2', 'b3', 'e0', 'e1', 'e2', 'e3', ...EXT_MUL_LOCALS)}
  ${extMulConstants} ${strides}
  ${[0, 1, 2, 3].map((c) => set(`v${c}`, `(v128.load offset=${16 * c} ${get('tot')})`) + set(`u${c}`, `(v128.load offset=${64 + 16 * c} ${get('tot')})`)).join(' ')}
  (block $done (loop $row
   (br_if $done (i32.eqz ${get('n')}))
   ${set('n', `(i32.sub ${get('n')} (i32.const 8))`)}
   ${set('x', `(i32.add ${get('x')} (i32.shl ${get('n')} (i32.const 2)))`)}
   ${set('prefix', `(i32.add ${get('prefix')} (i32.shl ${get('n')} (i32.const 2)))`)}
   ${loadExtAt('p', 'prefix', 0)} ${loadExtAt('b', 'x', 0)} ${loadExtAt('q', 'prefix', 16)} ${loadExtAt('e', 'x', 16)}
   ${extMul('p', 'v')} ${storeExtAt('x', 'r', 0)}
   ${extMul('q', 'u')} ${storeExtAt('x', 'r', 16)}
   ${extMul('v', 'b')} ${takeR('v')}
   ${extMul('u', 'e')} ${takeR('u')}
   ${set('x', `(i32.sub ${get('x')} (i32.shl ${get('n')} (i32.const 2)))`)}
   ${set('prefix', `(i32.sub ${get('prefix')} (i32.shl ${get('n')} (i32.const 2)))`)}
   (br $row)))
 )`;

/**
 * fsum(m1, x1, m2, x2, out, n, SX, SO): coordinate c of out (at +c·SO) = m1·x1_c + m2·x2_c (x's coordinates at
 * +c·SX), times 2^-32: with canonical multiplicities m and Montgomery-form inverses x, LogUp's h = Σ m/message
 * comes out canonical.
 */
const fsum = (): string => `
 (func (export "fsum") (param $m1 i32) (param $x1 i32) (param $m2 i32) (param $x2 i32) (param $out i32) (param $n i32) (param $SX i32) (param $SO i32)
  (local $c i32) (local $end i32) (local $pm1 i32) (local $pm2 i32) (local $px1 i32) (local $px2 i32) (local $po i32)
  ${v128Locals('r', 's0', 's1', 'l', 'h', 'C', 'm', 'P', 'PINV')}
  ${initConstants} ${set('C', splat(C))}
  (loop $coordinate
   ${set('pm1', get('m1'))} ${set('pm2', get('m2'))}
   ${set('px1', addI32(get('x1'), `(i32.mul ${get('c')} ${get('SX')})`))}
   ${set('px2', addI32(get('x2'), `(i32.mul ${get('c')} ${get('SX')})`))}
   ${set('po', addI32(get('out'), `(i32.mul ${get('c')} ${get('SO')})`))}
   ${rows('po', ['pm1', 'pm2', 'px1', 'px2'], `${dotReduce('r', [[load(get('pm1')), load(get('px1'))], [load(get('pm2')), load(get('px2'))]])} (v128.store ${get('po')} ${get('r')})`)}
   ${set('c', addI32(get('c'), '(i32.const 1)'))}
   (br_if $coordinate (i32.lt_u ${get('c')} (i32.const 4))))
 )`;

/**
 * prefix_sum(p, n): in place, x_i ← x_0 + … + x_i mod p (LogUp's running sum). Within a v128 two shifted
 * modular additions (by one lane, then two) give the 4 partial sums; the carry (the previous vector's last
 * lane, splatted) is added to all 4.
 */
const prefixSum = (): string => `
 (func (export "prefix_sum") (param $p i32) (param $n i32)
  (local $end i32) ${v128Locals('x', 't', 'carry', 'P')}
  ${set('P', splat(P))}
  ${rows('p', [], [
    set('x', load(get('p'))),
    set('t', shuffle([4, 0, 1, 2], get('x'), '(v128.const i32x4 0 0 0 0)')), addMod('x', 'x', 't'),
    set('t', shuffle([4, 5, 0, 1], get('x'), '(v128.const i32x4 0 0 0 0)')), addMod('x', 'x', 't'),
    addMod('x', 'x', 'carry'),
    `(v128.store ${get('p')} ${get('x')})`,
    set('carry', shuffle([3, 3, 3, 3], get('x'), get('x'))),
  ].join('\n   '))}
 )`;

/** zero(out, n): out_i = 0. */
const zero = (): string => `
 (func (export "zero") (param $out i32) (param $n i32)
  (memory.fill ${get('out')} (i32.const 0) (i32.shl ${get('n')} (i32.const 2)))
 )`;

/** copy(a, out, n): out_i = a_i (memory.copy: the regions may overlap). */
const copy = (): string => `
 (func (export "copy") (param $a i32) (param $out i32) (param $n i32)
  (memory.copy ${get('out')} ${get('a')} (i32.shl ${get('n')} (i32.const 2)))
 )`;

/** finish(acc, zh, out, n, S4): coordinate c of out = mont(acc_c, zh), i.e. Q·(1/Z_H) canonical (acc in Montgomery form). */
const finish = (): string => `
 (func (export "finish") (param $acc i32) (param $zh i32) (param $out i32) (param $n i32) (param $S4 i32)
  (local $c i32) (local $end i32) (local $pa i32) (local $pz i32) (local $po i32) ${v128Locals('x', 'z', 'r', 'm', 'P', 'PINV')}
  ${initConstants}
  (loop $coordinate
   ${set('pa', addI32(get('acc'), `(i32.mul ${get('c')} ${get('S4')})`))}
   ${set('po', addI32(get('out'), `(i32.mul ${get('c')} ${get('S4')})`))}
   ${set('pz', get('zh'))}
   ${rows('pa', ['pz', 'po'], `${set('x', load(get('pa')))} ${set('z', load(get('pz')))} ${mont('r', 'x', 'z')} (v128.store ${get('po')} ${get('r')})`)}
   ${set('c', addI32(get('c'), '(i32.const 1)'))}
   (br_if $coordinate (i32.lt_u ${get('c')} (i32.const 4))))
 )`;

/** Pages the shared memory of the helper thread may grow to (quotient-workers.ts): 256 MiB of address space. */
export const SHARED_MAX_PAGES = 4096;

/** The module; `shared` declares the imported memory shared, for the helper thread (quotient-shared.wat.ts). */
export function wat(shared = false): string {
  return `(module
 (import "env" "memory" (memory 1${shared ? ` ${SHARED_MAX_PAGES} shared` : ''}))
${toMont()}
${binary('mul', (dst) => mont(dst, 'x', 'y'))}
${binary('add', (dst) => addMod(dst, 'x', 'y'))}
${binary('sub', (dst) => subMod(dst, 'x', 'y'))}
${neg()}
${accumulate(4)}
${accumulate(1)}
${finish()}
${emul()}
${copy()}
${einvFwd()}
${einvBwd()}
${fsum()}
${zero()}
${prefixSum()}
)
`;
}
