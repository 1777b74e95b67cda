/**
 * WAT source of the extension-field kernel for the PCS (wasm SIMD): one F_p^4 element per v128, limb k in
 * lane k, so an extension element times a base element is ONE 4-lane Montgomery product (ntt.wat.ts `mont`).
 * Assembled into ext4.wasm.ts by scripts/build-wasm.ts. Pointers are byte offsets into the imported memory;
 * every value in memory is canonical.
 */
// The shared WAT templates (Montgomery product, modular add/sub, helpers) live with the NTT kernel.
import { addI32, addMod, get, initConstants, mont, set, shuffle, splat, subMod, v128Locals } from './ntt.wat.ts';

/**
 * $scaled_add_base4(acc, col, stride, n, c) (internal: combine_columns' rows): acc_i += Σ_{k<4} c_k·col_k,i·2^-32,
 * column k at col + k·stride bytes, c: four elements.
 */
const scaledAddBase4 = (): string => `
 (func $scaled_add_base4 (param $acc i32) (param $col i32) (param $stride i32) (param $n i32) (param $c i32)
  (local $end i32) (local $s2 i32) (local $s3 i32) ${v128Locals('C0', 'C1', 'C2', 'C3', 'f', 'r', 'a', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('C0', `(v128.load ${get('c')})`)} ${set('C1', `(v128.load offset=16 ${get('c')})`)}
  ${set('C2', `(v128.load offset=32 ${get('c')})`)} ${set('C3', `(v128.load offset=48 ${get('c')})`)}
  ${set('s2', `(i32.shl ${get('stride')} (i32.const 1))`)}
  ${set('s3', addI32(get('s2'), get('stride')))}
  ${set('end', addI32(get('col'), `(i32.shl ${get('n')} (i32.const 2))`))}
  (block $done (loop $row
   (br_if $done (i32.ge_u ${get('col')} ${get('end')}))
   ${set('a', `(v128.load ${get('acc')})`)}
   ${set('f', `(v128.load32_splat ${get('col')})`)}
   ${mont('r', 'f', 'C0')}
   ${addMod('a', 'a', 'r')}
   ${set('f', `(v128.load32_splat ${addI32(get('col'), get('stride'))})`)}
   ${mont('r', 'f', 'C1')}
   ${addMod('a', 'a', 'r')}
   ${set('f', `(v128.load32_splat ${addI32(get('col'), get('s2'))})`)}
   ${mont('r', 'f', 'C2')}
   ${addMod('a', 'a', 'r')}
   ${set('f', `(v128.load32_splat ${addI32(get('col'), get('s3'))})`)}
   ${mont('r', 'f', 'C3')}
   ${addMod('a', 'a', 'r')}
   (v128.store ${get('acc')} ${get('a')})
   ${set('acc', addI32(get('acc'), '(i32.const 16)'))}
   ${set('col', addI32(get('col'), '(i32.const 4)'))}
   (br $row)))
 )`;

/**
 * $dot_base4(w, col, stride, n, out) (internal: dot_columns' rows): out_k += Σ_{i<n} w_i·col_k,i·2^-32 for the four
 * columns k at col + k·stride bytes (out: four canonical elements).
 */
const dotBase4 = (): string => `
 (func $dot_base4 (param $w i32) (param $col i32) (param $stride i32) (param $n i32) (param $out i32)
  (local $end i32) (local $s2 i32) (local $s3 i32) ${v128Locals('s0', 's1', 'sb', 'sc', 'x', 'f', 'r', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('s0', `(v128.load ${get('out')})`)} ${set('s1', `(v128.load offset=16 ${get('out')})`)}
  ${set('sb', `(v128.load offset=32 ${get('out')})`)} ${set('sc', `(v128.load offset=48 ${get('out')})`)}
  ${set('s2', `(i32.shl ${get('stride')} (i32.const 1))`)}
  ${set('s3', addI32(get('s2'), get('stride')))}
  ${set('end', addI32(get('col'), `(i32.shl ${get('n')} (i32.const 2))`))}
  (block $done (loop $row
   (br_if $done (i32.ge_u ${get('col')} ${get('end')}))
   ${set('x', `(v128.load ${get('w')})`)}
   ${set('f', `(v128.load32_splat ${get('col')})`)}
   ${mont('r', 'x', 'f')}
   ${addMod('s0', 's0', 'r')}
   ${set('f', `(v128.load32_splat ${addI32(get('col'), get('stride'))})`)}
   ${mont('r', 'x', 'f')}
   ${addMod('s1', 's1', 'r')}
   ${set('f', `(v128.load32_splat ${addI32(get('col'), get('s2'))})`)}
   ${mont('r', 'x', 'f')}
   ${addMod('sb', 'sb', 'r')}
   ${set('f', `(v128.load32_splat ${addI32(get('col'), get('s3'))})`)}
   ${mont('r', 'x', 'f')}
   ${addMod('sc', 'sc', 'r')}
   ${set('w', addI32(get('w'), '(i32.const 16)'))}
   ${set('col', addI32(get('col'), '(i32.const 4)'))}
   (br $row)))
  (v128.store ${get('out')} ${get('s0')})
  (v128.store offset=16 ${get('out')} ${get('s1')})
  (v128.store offset=32 ${get('out')} ${get('sb')})
  (v128.store offset=48 ${get('out')} ${get('sc')})
 )`;

/**
 * Rows per block of the column drivers below: a block's weights or accumulator (16 bytes a row) and its rows of
 * every column stay in cache while all the column groups pass over them, so each is read from memory once
 * instead of once per group (the passes are memory-bound on two cores).
 */
const BLOCK_ROWS = 1024;

/**
 * dot_columns(w, wStride, points, col, stride, groups, n, out): dot_base4 over `groups` groups of four columns
 * (column 4g + k at col + (4g + k)·stride bytes) and `points` weight vectors (vector j at w + j·wStride), block
 * by block; out (points·groups·4 elements, index (j·groups + g)·4 + k) accumulates Σ_i w_j,i·col_4g+k,i·2^-32.
 */
const dotColumns = (): string => `
 (func (export "dot_columns") (param $w i32) (param $wStride i32) (param $points i32) (param $col i32) (param $stride i32)
  (param $groups i32) (param $n i32) (param $out i32)
  (local $b i32) (local $len i32) (local $g i32) (local $j i32)
  (block $done (loop $block
   (br_if $done (i32.ge_u ${get('b')} ${get('n')}))
   ${set('len', `(select (i32.const ${BLOCK_ROWS}) (i32.sub ${get('n')} ${get('b')}) (i32.lt_u (i32.const ${BLOCK_ROWS}) (i32.sub ${get('n')} ${get('b')})))`)}
   ${set('g', '(i32.const 0)')}
   (loop $group
    ${set('j', '(i32.const 0)')}
    (loop $point
     (call $dot_base4
      ${addI32(addI32(get('w'), `(i32.mul ${get('j')} ${get('wStride')})`), `(i32.shl ${get('b')} (i32.const 4))`)}
      ${addI32(addI32(get('col'), `(i32.mul ${get('g')} (i32.shl ${get('stride')} (i32.const 2)))`), `(i32.shl ${get('b')} (i32.const 2))`)}
      ${get('stride')} ${get('len')}
      ${addI32(get('out'), `(i32.shl ${addI32(`(i32.mul ${get('j')} ${get('groups')})`, get('g'))} (i32.const 6))`)})
     ${set('j', addI32(get('j'), '(i32.const 1)'))}
     (br_if $point (i32.lt_u ${get('j')} ${get('points')})))
    ${set('g', addI32(get('g'), '(i32.const 1)'))}
    (br_if $group (i32.lt_u ${get('g')} ${get('groups')})))
   ${set('b', addI32(get('b'), `(i32.const ${BLOCK_ROWS})`))}
   (br $block)))
 )`;

/**
 * combine_columns(acc, col, stride, groups, n, c): scaled_add_base4 over `groups` groups of four columns (as
 * dot_columns), block by block; c: four coefficients (64 bytes) per group.
 */
const combineColumns = (): string => `
 (func (export "combine_columns") (param $acc i32) (param $col i32) (param $stride i32) (param $groups i32) (param $n i32) (param $c i32)
  (local $b i32) (local $len i32) (local $g i32)
  (block $done (loop $block
   (br_if $done (i32.ge_u ${get('b')} ${get('n')}))
   ${set('len', `(select (i32.const ${BLOCK_ROWS}) (i32.sub ${get('n')} ${get('b')}) (i32.lt_u (i32.const ${BLOCK_ROWS}) (i32.sub ${get('n')} ${get('b')})))`)}
   ${set('g', '(i32.const 0)')}
   (loop $group
    (call $scaled_add_base4
     ${addI32(get('acc'), `(i32.shl ${get('b')} (i32.const 4))`)}
     ${addI32(addI32(get('col'), `(i32.mul ${get('g')} (i32.shl ${get('stride')} (i32.const 2)))`), `(i32.shl ${get('b')} (i32.const 2))`)}
     ${get('stride')} ${get('len')} ${addI32(get('c'), `(i32.shl ${get('g')} (i32.const 6))`)})
    ${set('g', addI32(get('g'), '(i32.const 1)'))}
    (br_if $group (i32.lt_u ${get('g')} ${get('groups')})))
   ${set('b', addI32(get('b'), `(i32.const ${BLOCK_ROWS})`))}
   (br $block)))
 )`;

/**
 * fold_pairs(src, dst, count, s, b): one binary FRI fold (fri/fold.ts) of 2·count packed elements at src into
 * count elements at dst (dst may equal src: pair j is read before element j is written, and 16j ≤ 32j):
 *   dst_j = (u + v)/2 + β·(u − v)·s_j,  u = src_{2j}, v = src_{2j+1}.
 * s: count u32 words s_j·2^32 mod p; b: four vectors B_0..B_3 (64 bytes) with β·t = Σ_k t_k·B_k, in the same
 * Montgomery form (ext4-wasm.ts foldConstants).
 */
const foldPairs = (): string => `
 (func (export "fold_pairs") (param $src i32) (param $dst i32) (param $count i32) (param $s i32) (param $b i32)
  (local $end i32) ${v128Locals('B0', 'B1', 'B2', 'B3', 'u', 'v', 'e', 'd', 't', 'tk', 'r', 'm', 'S', 'ONE', 'P', 'PINV')}
  ${initConstants}
  ${set('ONE', splat(1))}
  ${set('B0', `(v128.load ${get('b')})`)} ${set('B1', `(v128.load offset=16 ${get('b')})`)}
  ${set('B2', `(v128.load offset=32 ${get('b')})`)} ${set('B3', `(v128.load offset=48 ${get('b')})`)}
  ${set('end', addI32(get('dst'), `(i32.shl ${get('count')} (i32.const 4))`))}
  (block $done (loop $pair
   (br_if $done (i32.ge_u ${get('dst')} ${get('end')}))
   ${set('u', `(v128.load ${get('src')})`)} ${set('v', `(v128.load offset=16 ${get('src')})`)}
   ;; e = (u + v)/2: an odd residue r halves as (r + p)/2, and r + p < 2^32
   ${addMod('e', 'u', 'v')}
   ${set('e', `(i32x4.shr_u (i32x4.add ${get('e')} (v128.and (i32x4.sub (v128.const i32x4 0 0 0 0) (v128.and ${get('e')} ${get('ONE')})) ${get('P')})) (i32.const 1))`)}
   ;; t = (u − v)·s_j
   ${set('d', `(i32x4.sub ${get('u')} ${get('v')})`)}
   ${set('d', `(i32x4.min_u ${get('d')} (i32x4.add ${get('d')} ${get('P')}))`)}
   ${set('S', `(v128.load32_splat ${get('s')})`)}
   ${mont('t', 'd', 'S')}
   ;; e += β·t, one lane of t at a time
   ${[0, 1, 2, 3].map((k) => [set('tk', `(i32x4.splat (i32x4.extract_lane ${k} ${get('t')}))`), mont('r', 'tk', `B${k}`), addMod('e', 'e', 'r')].join('\n')).join('\n')}
   (v128.store ${get('dst')} ${get('e')})
   ${set('src', addI32(get('src'), '(i32.const 32)'))}
   ${set('dst', addI32(get('dst'), '(i32.const 16)'))}
   ${set('s', addI32(get('s'), '(i32.const 4)'))}
   (br $pair)))
 )`;


/**
 * 1/(x_i − z) for base x_i and one extension z (fri/packed.ts inverseDifferences, its reference), lanes = four
 * consecutive elements, i.e. four interleaved batch inversions. Values are in Montgomery form (v·2^32 mod p)
 * inside; constants at c (16 bytes each, splatted, Montgomery form): z0, k0, k2, 2·a2, W, W·a2, W·a3, a1, a2,
 * a3, 2^64 mod p (converts x in), 1·2^32 (the chains' start).
 * inv_diff_norms(xs, n, c, b0s, b2s, norms, prefix, totals) → 1 if some norm is zero (x_i = z), else 0.
 */
const CONSTS = ['z0', 'k0', 'k2', 'twoA2', 'W', 'wA2', 'wA3', 'a1', 'a2', 'a3', 'R2', 'ONE'];
const loadConsts = (): string => CONSTS.map((name, i) => set(name, `(v128.load offset=${16 * i} ${get('c')})`)).join('\n  ');

const invDiffNorms = (): string => `
 (func (export "inv_diff_norms") (param $xs i32) (param $n i32) (param $c i32) (param $b0s i32) (param $b2s i32)
  (param $norms i32) (param $prefix i32) (param $totals i32) (result i32)
  (local $i i32) ${v128Locals(...CONSTS, 'x', 'a0', 'b0', 'b2', 't', 'u', 'nrm', 'acc', 'zero', 'm', 'P', 'PINV')}
  ${initConstants}
  ${loadConsts()}
  ${set('acc', get('ONE'))}
  (block $done (loop $element
   (br_if $done (i32.ge_u ${get('i')} ${get('n')}))
   ${set('x', `(v128.load ${addI32(get('xs'), `(i32.shl ${get('i')} (i32.const 2))`)})`)}
   ${mont('x', 'x', 'R2')}
   ${subMod('a0', 'x', 'z0')}
   ${mont('t', 'a0', 'a0')} ${addMod('b0', 't', 'k0')}
   ${mont('t', 'twoA2', 'a0')} ${subMod('b2', 't', 'k2')}
   ${mont('t', 'b0', 'b0')} ${mont('u', 'b2', 'b2')} ${mont('u', 'u', 'W')} ${subMod('nrm', 't', 'u')}
   ${set('zero', `(v128.or ${get('zero')} (i32x4.eq ${get('nrm')} (v128.const i32x4 0 0 0 0)))`)}
   (v128.store ${addI32(get('b0s'), `(i32.shl ${get('i')} (i32.const 2))`)} ${get('b0')})
   (v128.store ${addI32(get('b2s'), `(i32.shl ${get('i')} (i32.const 2))`)} ${get('b2')})
   (v128.store ${addI32(get('norms'), `(i32.shl ${get('i')} (i32.const 2))`)} ${get('nrm')})
   (v128.store ${addI32(get('prefix'), `(i32.shl ${get('i')} (i32.const 2))`)} ${get('acc')})
   ${mont('acc', 'acc', 'nrm')}
   ${set('i', addI32(get('i'), '(i32.const 4)'))}
   (br $element)))
  (v128.store ${get('totals')} ${get('acc')})
  (v128.any_true ${get('zero')})
 )`;

/**
 * inv_diff_finish(xs, n, c, b0s, b2s, norms, prefix, inverses, out, negateX): backwards, s = prefix·(running
 * inverse of the lane's chain), then 1/a = ā·(b0 − b2·X²)·s, times −x_i if negateX (barycentric weights); out
 * packed, canonical. inverses: the four lanes' 1/total, Montgomery form.
 */
const invDiffFinish = (): string => `
 (func (export "inv_diff_finish") (param $xs i32) (param $n i32) (param $c i32) (param $b0s i32) (param $b2s i32)
  (param $norms i32) (param $prefix i32) (param $inverses i32) (param $out i32) (param $negateX i32)
  (local $i i32) (local $o i32) ${v128Locals(...CONSTS, 'x', 'f', 'a0', 'b0', 'b2', 't', 'u', 'inv', 's', 'o0', 'o1', 'o2', 'o3', 'e0', 'e1', 'm', 'P', 'PINV')}
  ${initConstants}
  ${loadConsts()}
  ${set('inv', `(v128.load ${get('inverses')})`)}
  ${set('i', get('n'))}
  (block $done (loop $element
   (br_if $done (i32.eqz ${get('i')}))
   ${set('i', `(i32.sub ${get('i')} (i32.const 4))`)}
   ${set('o', `(i32.shl ${get('i')} (i32.const 2))`)}
   ${set('s', `(v128.load ${addI32(get('prefix'), get('o'))})`)}
   ${mont('s', 's', 'inv')}
   ${set('t', `(v128.load ${addI32(get('norms'), get('o'))})`)}
   ${mont('inv', 'inv', 't')}
   ${set('x', `(v128.load ${addI32(get('xs'), get('o'))})`)}
   ;; the final factor: −x (canonical) or 1, so that the last product also leaves Montgomery form
   ${set('f', `(v128.bitselect (i32x4.sub ${get('P')} ${get('x')}) (v128.const i32x4 1 1 1 1) (i32x4.splat ${get('negateX')}))`)}
   ${set('f', `(i32x4.min_u ${get('f')} (i32x4.sub ${get('f')} ${get('P')}))`)}
   ${mont('x', 'x', 'R2')}
   ${subMod('a0', 'x', 'z0')}
   ${set('b0', `(v128.load ${addI32(get('b0s'), get('o'))})`)}
   ${set('b2', `(v128.load ${addI32(get('b2s'), get('o'))})`)}
   ${mont('t', 'a0', 'b0')} ${mont('u', 'wA2', 'b2')} ${subMod('o0', 't', 'u')}
   ${mont('t', 'wA3', 'b2')} ${mont('u', 'a1', 'b0')} ${subMod('o1', 't', 'u')}
   ${mont('t', 'a2', 'b0')} ${mont('u', 'a0', 'b2')} ${subMod('o2', 't', 'u')}
   ${mont('t', 'a1', 'b2')} ${mont('u', 'a3', 'b0')} ${subMod('o3', 't', 'u')}
   ${mont('o0', 'o0', 's')} ${mont('o1', 'o1', 's')} ${mont('o2', 'o2', 's')} ${mont('o3', 'o3', 's')}
   ${mont('o0', 'o0', 'f')} ${mont('o1', 'o1', 'f')} ${mont('o2', 'o2', 'f')} ${mont('o3', 'o3', 'f')}
   ;; transpose: o_k holds limb k of four elements; element e is (o0[e], o1[e], o2[e], o3[e])
   ${set('e0', shuffle([0, 4, 1, 5], get('o0'), get('o1')))} ${set('e1', shuffle([0, 4, 1, 5], get('o2'), get('o3')))}
   (v128.store ${addI32(get('out'), `(i32.shl ${get('i')} (i32.const 4))`)} ${shuffle([0, 1, 4, 5], get('e0'), get('e1'))})
   (v128.store offset=16 ${addI32(get('out'), `(i32.shl ${get('i')} (i32.const 4))`)} ${shuffle([2, 3, 6, 7], get('e0'), get('e1'))})
   ${set('e0', shuffle([2, 6, 3, 7], get('o0'), get('o1')))} ${set('e1', shuffle([2, 6, 3, 7], get('o2'), get('o3')))}
   (v128.store offset=32 ${addI32(get('out'), `(i32.shl ${get('i')} (i32.const 4))`)} ${shuffle([0, 1, 4, 5], get('e0'), get('e1'))})
   (v128.store offset=48 ${addI32(get('out'), `(i32.shl ${get('i')} (i32.const 4))`)} ${shuffle([2, 3, 6, 7], get('e0'), get('e1'))})
   (br $element)))
 )`;

/**
 * divide_linear(g, stride, n, u, acc, rem): Ruffini's rule by Y − u (fri/reduced-opening.ts divideByLinear, its
 * reference): g holds n coefficients as four limb columns `stride` bytes apart; h_{i−1} = g_i + u·h_i from
 * h_{n−1} = 0 is added into the packed acc (element i − 1), and g(u) = g_0 + u·h_0 is stored at rem.
 * u: vectors U_0..U_3 with u·h = Σ_k h_k·U_k, Montgomery form (as fold_pairs' B).
 */
const divideLinear = (): string => `
 (func (export "divide_linear") (param $g i32) (param $stride i32) (param $n i32) (param $u i32) (param $acc i32) (param $rem i32)
  (local $i i32) (local $p i32) ${v128Locals('U0', 'U1', 'U2', 'U3', 'h', 'x', 'tk', 'r', 'a', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('U0', `(v128.load ${get('u')})`)} ${set('U1', `(v128.load offset=16 ${get('u')})`)}
  ${set('U2', `(v128.load offset=32 ${get('u')})`)} ${set('U3', `(v128.load offset=48 ${get('u')})`)}
  ${set('i', get('n'))}
  (loop $step
   ${set('i', `(i32.sub ${get('i')} (i32.const 1))`)}
   ${set('p', addI32(get('g'), `(i32.shl ${get('i')} (i32.const 2))`))}
   ${set('x', `(v128.load32_splat ${get('p')})`)}
   ${set('x', `(i32x4.replace_lane 1 ${get('x')} (i32.load ${addI32(get('p'), get('stride'))}))`)}
   ${set('x', `(i32x4.replace_lane 2 ${get('x')} (i32.load ${addI32(get('p'), `(i32.shl ${get('stride')} (i32.const 1))`)}))`)}
   ${set('x', `(i32x4.replace_lane 3 ${get('x')} (i32.load ${addI32(get('p'), `(i32.mul ${get('stride')} (i32.const 3))`)}))`)}
   ${[0, 1, 2, 3].map((k) => [set('tk', `(i32x4.splat (i32x4.extract_lane ${k} ${get('h')}))`), mont('r', 'tk', `U${k}`), addMod('x', 'x', 'r')].join('\n')).join('\n')}
   ${set('h', get('x'))}
   (if (i32.eqz ${get('i')})
    (then (v128.store ${get('rem')} ${get('h')}))
    (else
     ${set('p', addI32(get('acc'), `(i32.shl (i32.sub ${get('i')} (i32.const 1)) (i32.const 4))`))}
     ${set('a', `(v128.load ${get('p')})`)}
     ${addMod('a', 'a', 'h')}
     (v128.store ${get('p')} ${get('a')})
     (br $step)))
  )
 )`;

/**
 * divide_linear2(g1, g2, stride, n, u1, u2, acc, rems): divide_linear for two polynomials and two points at once,
 * both quotients added into acc and the remainders stored at rems and rems + 16. Ruffini's chain is latency-bound
 * (each step waits for the last); two independent chains in one loop overlap, nearly halving the time of two calls.
 */
const divideLinear2 = (): string => {
  const load = (x: string, g: string) => [
    set(x, `(v128.load32_splat ${addI32(get(g), `(i32.shl ${get('i')} (i32.const 2))`)})`),
    set(x, `(i32x4.replace_lane 1 ${get(x)} (i32.load ${addI32(addI32(get(g), `(i32.shl ${get('i')} (i32.const 2))`), get('stride'))}))`),
    set(x, `(i32x4.replace_lane 2 ${get(x)} (i32.load ${addI32(addI32(get(g), `(i32.shl ${get('i')} (i32.const 2))`), get('s2'))}))`),
    set(x, `(i32x4.replace_lane 3 ${get(x)} (i32.load ${addI32(addI32(get(g), `(i32.shl ${get('i')} (i32.const 2))`), get('s3'))}))`),
  ].join('\n   ');
  // x += h·U, one lane of h at a time; the two chains interleaved lane by lane
  const step = [0, 1, 2, 3].map((k) => [
    set('t1', `(i32x4.splat (i32x4.extract_lane ${k} ${get('h1')}))`),
    set('t2', `(i32x4.splat (i32x4.extract_lane ${k} ${get('h2')}))`),
    mont('r1', 't1', `U${k}`), mont('r2', 't2', `V${k}`),
    addMod('x1', 'x1', 'r1'), addMod('x2', 'x2', 'r2'),
  ].join('\n   ')).join('\n   ');
  return `
 (func (export "divide_linear2") (param $g1 i32) (param $g2 i32) (param $stride i32) (param $n i32) (param $u1 i32) (param $u2 i32)
  (param $acc i32) (param $rems i32)
  (local $i i32) (local $p i32) (local $s2 i32) (local $s3 i32)
  ${v128Locals('U0', 'U1', 'U2', 'U3', 'V0', 'V1', 'V2', 'V3', 'h1', 'h2', 'x1', 'x2', 't1', 't2', 'r1', 'r2', 'a', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('U0', `(v128.load ${get('u1')})`)} ${set('U1', `(v128.load offset=16 ${get('u1')})`)}
  ${set('U2', `(v128.load offset=32 ${get('u1')})`)} ${set('U3', `(v128.load offset=48 ${get('u1')})`)}
  ${set('V0', `(v128.load ${get('u2')})`)} ${set('V1', `(v128.load offset=16 ${get('u2')})`)}
  ${set('V2', `(v128.load offset=32 ${get('u2')})`)} ${set('V3', `(v128.load offset=48 ${get('u2')})`)}
  ${set('s2', `(i32.shl ${get('stride')} (i32.const 1))`)}
  ${set('s3', addI32(get('s2'), get('stride')))}
  ${set('i', get('n'))}
  (loop $step
   ${set('i', `(i32.sub ${get('i')} (i32.const 1))`)}
   ${load('x1', 'g1')}
   ${load('x2', 'g2')}
   ${step}
   ${set('h1', get('x1'))}
   ${set('h2', get('x2'))}
   (if (i32.eqz ${get('i')})
    (then
     (v128.store ${get('rems')} ${get('h1')})
     (v128.store offset=16 ${get('rems')} ${get('h2')}))
    (else
     ${set('p', addI32(get('acc'), `(i32.shl (i32.sub ${get('i')} (i32.const 1)) (i32.const 4))`))}
     ${set('a', `(v128.load ${get('p')})`)}
     ${addMod('a', 'a', 'h1')}
     ${addMod('a', 'a', 'h2')}
     (v128.store ${get('p')} ${get('a')})
     (br $step)))
  )
 )`;
};

/**
 * fold_coeffs(src, stride, count, arity, b, out, outStride): FRI's fold in coefficient form. With f = Σ_t X^t·f_t(X^arity),
 * the arity-fold by β is Σ_t β^t·f_t, so output coefficient k = Σ_{t<arity} β^t·a_{k·arity + t}, by Horner from
 * t = arity − 1 down. Coefficients are four limb columns (limb l at src + l·stride bytes), natural order; so is the
 * output (count elements, limb l at out + l·outStride). b: β's vectors B_0..B_3 (as fold_pairs).
 */
const foldCoeffs = (): string => {
  const at = (base: string, s: string, l: number) => (l === 0 ? get(base) : addI32(get(base), l === 1 ? get(s) : `(i32.mul ${get(s)} (i32.const ${l}))`));
  return `
 (func (export "fold_coeffs") (param $src i32) (param $stride i32) (param $count i32) (param $arity i32) (param $b i32)
  (param $out i32) (param $outStride i32)
  (local $k i32) (local $t i32) (local $p i32) ${v128Locals('B0', 'B1', 'B2', 'B3', 'acc', 'x', 'tk', 'r', 'm', 'P', 'PINV')}
  ${initConstants}
  ${set('B0', `(v128.load ${get('b')})`)} ${set('B1', `(v128.load offset=16 ${get('b')})`)}
  ${set('B2', `(v128.load offset=32 ${get('b')})`)} ${set('B3', `(v128.load offset=48 ${get('b')})`)}
  (block $done (loop $coeff
   (br_if $done (i32.ge_u ${get('k')} ${get('count')}))
   ${set('acc', '(v128.const i32x4 0 0 0 0)')}
   ${set('t', get('arity'))}
   (loop $term
    ${set('t', `(i32.sub ${get('t')} (i32.const 1))`)}
    ${set('p', addI32(get('src'), `(i32.shl ${addI32(`(i32.mul ${get('k')} ${get('arity')})`, get('t'))} (i32.const 2))`))}
    ${set('x', `(v128.load32_splat ${get('p')})`)}
    ${[1, 2, 3].map((l) => set('x', `(i32x4.replace_lane ${l} ${get('x')} (i32.load ${at('p', 'stride', l)}))`)).join('\n    ')}
    ;; x += β·acc, one lane of acc at a time
    ${[0, 1, 2, 3].map((k) => [set('tk', `(i32x4.splat (i32x4.extract_lane ${k} ${get('acc')}))`), mont('r', 'tk', `B${k}`), addMod('x', 'x', 'r')].join('\n    ')).join('\n    ')}
    ${set('acc', get('x'))}
    (br_if $term (i32.gt_u ${get('t')} (i32.const 0))))
   ${set('p', addI32(get('out'), `(i32.shl ${get('k')} (i32.const 2))`))}
   ${[0, 1, 2, 3].map((l) => `(i32.store ${at('p', 'outStride', l)} (i32x4.extract_lane ${l} ${get('acc')}))`).join('\n   ')}
   ${set('k', addI32(get('k'), '(i32.const 1)'))}
   (br $coeff)))
 )`;
};

/** Pages the shared memory of the helper thread may grow to (ext4-workers.ts): 1 GiB of address space. */
export const SHARED_MAX_PAGES = 16384;

/** The module; `shared` declares the imported memory shared, for the helper thread (ext4-shared.wat.ts). */
export function wat(shared = false): string {
  return `(module
 (import "env" "memory" (memory 1${shared ? ` ${SHARED_MAX_PAGES} shared` : ''}))
${scaledAddBase4()}
${dotBase4()}
${dotColumns()}
${combineColumns()}
${foldPairs()}
${foldCoeffs()}
${invDiffNorms()}
${invDiffFinish()}
${divideLinear()}
${divideLinear2()}
)
`;
}
