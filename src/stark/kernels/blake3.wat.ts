/**
 * 4-way wasm-SIMD BLAKE3 compression (BLAKE3 spec §2.2): lane L of every v128 belongs to message L, so four
 * Merkle leaves or four nodes are hashed at once. Assembled into blake3.wasm.ts by scripts/build-wasm.ts;
 * driven by blake3-wasm.ts. All pointers are byte offsets into the imported memory; digests are stored
 * array-of-structures (digest i at out + 32i), the layout the Merkle tree keeps.
 */

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
const KEYED_HASH = 16;
const CHUNK_START = 1;

const get = (name: string) => `(local.get $${name})`;
const set = (name: string, expr: string) => `(local.set $${name} ${expr})`;
const splat = (x: number) => `(v128.const i32x4 ${x} ${x} ${x} ${x})`;
const locals = (names: string[], type: string) => names.map((n) => `(local $${n} ${type})`).join(' ');
const range = (n: number) => [...Array(n).keys()];

/** i8x16.shuffle taking 32-bit lanes `lanes` (0–3 from the first operand, 4–7 from the second). */
const shuffle32 = (lanes: number[], a: string, b: string) =>
  `(i8x16.shuffle ${lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]).join(' ')} ${a} ${b})`;
/** rotr 16 is a byte shuffle within each lane (V8: pshuflw/pshufhw); 12, 8 and 7 are shift|shift (a shuffle for 8 measured no faster). */
const rotrBytes = (x: string, bytes: number) =>
  `(i8x16.shuffle ${range(16).map((i) => (i & ~3) | ((i + bytes) & 3)).join(' ')} ${x} ${x})`;
const rotrShift = (x: string, n: number) => `(v128.or (i32x4.shr_u ${x} (i32.const ${n})) (i32x4.shl ${x} (i32.const ${32 - n})))`;

/**
 * 4×4 transpose of 32-bit lanes: rows a, b, c, d (locals) → columns, into locals out[0..3].
 * It turns four digests' words 4k..4k+3 into words-across-lanes and back.
 */
function transpose(a: string, b: string, c: string, d: string, out: string[]): string {
  return [
    set('t0', shuffle32([0, 4, 1, 5], get(a), get(b))),
    set('t1', shuffle32([2, 6, 3, 7], get(a), get(b))),
    set('t2', shuffle32([0, 4, 1, 5], get(c), get(d))),
    set('t3', shuffle32([2, 6, 3, 7], get(c), get(d))),
    set(out[0], shuffle32([0, 1, 4, 5], get('t0'), get('t2'))),
    set(out[1], shuffle32([2, 3, 6, 7], get('t0'), get('t2'))),
    set(out[2], shuffle32([0, 1, 4, 5], get('t1'), get('t3'))),
    set(out[3], shuffle32([2, 3, 6, 7], get('t1'), get('t3'))),
  ].join('\n');
}

/** One compression of h0..h7 with message m0..m15 into h0..h7 (the chaining value, lanes independent). */
function compress(counter: string, blockLen: string, flags: string): string {
  const o: string[] = [];
  const s = (i: number) => `s${i}`;
  for (let i = 0; i < 8; i++) o.push(set(s(i), get(`h${i}`)));
  for (let i = 0; i < 4; i++) o.push(set(s(8 + i), splat(IV[i])));
  o.push(set('s12', counter), set('s13', splat(0)), set('s14', blockLen), set('s15', flags));
  const g = (a: number, b: number, c: number, d: number, x: number, y: number) => {
    o.push(
      set(s(a), `(i32x4.add (i32x4.add ${get(s(a))} ${get(s(b))}) ${get(`m${x}`)})`),
      set(s(d), rotrBytes(`(v128.xor ${get(s(d))} ${get(s(a))})`, 2)),
      set(s(c), `(i32x4.add ${get(s(c))} ${get(s(d))})`),
      set('t0', `(v128.xor ${get(s(b))} ${get(s(c))})`),
      set(s(b), rotrShift(get('t0'), 12)),
      set(s(a), `(i32x4.add (i32x4.add ${get(s(a))} ${get(s(b))}) ${get(`m${y}`)})`),
      set('t0', `(v128.xor ${get(s(d))} ${get(s(a))})`),
      set(s(d), rotrShift(get('t0'), 8)),
      set(s(c), `(i32x4.add ${get(s(c))} ${get(s(d))})`),
      set('t0', `(v128.xor ${get(s(b))} ${get(s(c))})`),
      set(s(b), rotrShift(get('t0'), 7)),
    );
  };
  let m = range(16); // the message schedule is resolved here, at generation time
  for (let r = 0; r < 7; r++) {
    g(0, 4, 8, 12, m[0], m[1]);
    g(1, 5, 9, 13, m[2], m[3]);
    g(2, 6, 10, 14, m[4], m[5]);
    g(3, 7, 11, 15, m[6], m[7]);
    g(0, 5, 10, 15, m[8], m[9]);
    g(1, 6, 11, 12, m[10], m[11]);
    g(2, 7, 8, 13, m[12], m[13]);
    g(3, 4, 9, 14, m[14], m[15]);
    m = PERMUTATION.map((i) => m[i]);
  }
  for (let i = 0; i < 8; i++) o.push(set(`h${i}`, `(v128.xor ${get(s(i))} ${get(s(i + 8))})`));
  return o.join('\n');
}

const VECTORS = [...range(8).map((i) => `h${i}`), ...range(16).map((i) => `s${i}`), ...range(16).map((i) => `m${i}`)];
const SCRATCH = ['t0', 't1', 't2', 't3', 'a0', 'a1', 'a2', 'a3', 'counter', 'len', 'flags'];
const KEY_WORDS = range(8).map((i) => `k${i}`);
const loadKey = range(8).map((i) => set(`k${i}`, `(v128.load32_splat offset=${4 * i} ${get('key')})`)).join('\n');
const keyToH = range(8).map((i) => set(`h${i}`, get(`k${i}`))).join('\n');

/** Transposes h0..h7 back to one digest per lane and stores lane L at $o + 32L. */
const storeDigests = [
  transpose('h0', 'h1', 'h2', 'h3', ['a0', 'a1', 'a2', 'a3']),
  ...range(4).map((l) => `(v128.store offset=${32 * l} ${get('o')} ${get(`a${l}`)})`),
  transpose('h4', 'h5', 'h6', 'h7', ['a0', 'a1', 'a2', 'a3']),
  ...range(4).map((l) => `(v128.store offset=${32 * l + 16} ${get('o')} ${get(`a${l}`)})`),
].join('\n');

/** Pages a shared memory may grow to (1 GiB); the helper thread's pieces stay far below. */
export const SHARED_MAX_PAGES = 16384;

/** `shared`: import a shared memory (blake3-shared.wat.ts, for the Node helper thread of blake3-workers.ts). */
export function wat(shared = false): string {
  const loadMessage = range(16)
    .map((j) => `${set(`m${j}`, `(v128.load ${get('q')})`)} ${set('q', `(i32.add ${get('q')} ${get('stride')})`)}`)
    .join('\n');
  // four digests (left or right halves of four messages) at $p + L·$stride, words 4k..4k+3 → message words
  const loadHalf = (p: string, first: number) =>
    [0, 16]
      .map((half, k) =>
        [
          ...range(4).map((l) => set(`a${l}`, `(v128.load offset=${half} (i32.add ${get(p)} (i32.mul ${get('stride')} (i32.const ${l}))))`)),
          transpose('a0', 'a1', 'a2', 'a3', range(4).map((i) => `m${first + 4 * k + i}`)),
        ].join('\n'),
      )
      .join('\n');
  return `(module
 (import "env" "memory" (memory 1${shared ? ` ${SHARED_MAX_PAGES} shared` : ''}))
 ;; Leaves: rows [0, $rows) ($rows a multiple of 4), each a message of $nb 64-byte blocks (one chunk, counter
 ;; $counter). Message word w of row r is the u32 at $base + w·$stride + 4r (column-major, so word w of four
 ;; consecutive rows is one load); words past the message's end must read zeros (padding columns).
 ;; Block k gets CHUNK_START if k = 0 and $endFlags if k = $nb − 1 (CHUNK_END, plus ROOT for a whole hash).
 (func (export "leaves") (param $base i32) (param $stride i32) (param $nb i32) (param $lastLen i32) (param $rows i32)
  (param $out i32) (param $key i32) (param $counterIn i32) (param $endFlags i32)
  (local $r i32) (local $k i32) (local $q i32) (local $o i32) (local $f i32)
  ${locals(VECTORS, 'v128')} ${locals(SCRATCH, 'v128')} ${locals(KEY_WORDS, 'v128')}
  ${loadKey}
  ${set('counter', `(i32x4.splat ${get('counterIn')})`)}
  (block $done (br_if $done (i32.eqz ${get('rows')}))
  (loop $row
   ${keyToH}
   ${set('q', `(i32.add ${get('base')} (i32.shl ${get('r')} (i32.const 2)))`)} ${set('k', '(i32.const 0)')}
   (loop $block
    ${loadMessage}
    ${set('f', `(i32.or (i32.const ${KEYED_HASH}) (select (i32.const ${CHUNK_START}) (i32.const 0) (i32.eqz ${get('k')})))`)}
    (if (i32.eq ${get('k')} (i32.sub ${get('nb')} (i32.const 1)))
     (then ${set('f', `(i32.or ${get('f')} ${get('endFlags')})`)} ${set('len', `(i32x4.splat ${get('lastLen')})`)})
     (else ${set('len', splat(64))}))
    ${set('flags', `(i32x4.splat ${get('f')})`)}
    ${compress(get('counter'), get('len'), get('flags'))}
    ${set('k', `(i32.add ${get('k')} (i32.const 1))`)}
    (br_if $block (i32.lt_u ${get('k')} ${get('nb')})))
   ${set('o', `(i32.add ${get('out')} (i32.shl ${get('r')} (i32.const 5)))`)}
   ${storeDigests}
   ${set('r', `(i32.add ${get('r')} (i32.const 4))`)}
   (br_if $row (i32.lt_u ${get('r')} ${get('rows')}))))
 )
 ;; Parents: for i in [0, $count) (rounded up to a multiple of 4), digest i at $out + 32i is the one-block
 ;; compression of (left_i ‖ right_i), left_i at $left + i·$stride, right_i at $right + i·$stride, with the
 ;; given flags. Output may overwrite left (each group of four is loaded before it is stored).
 (func (export "nodes") (param $left i32) (param $right i32) (param $stride i32) (param $count i32) (param $out i32)
  (param $key i32) (param $flagsIn i32)
  (local $o i32) (local $step i32)
  ${locals(VECTORS, 'v128')} ${locals(SCRATCH, 'v128')} ${locals(KEY_WORDS, 'v128')}
  ${loadKey}
  ${set('flags', `(i32x4.splat ${get('flagsIn')})`)} ${set('len', splat(64))} ${set('counter', splat(0))}
  ${set('o', get('out'))} ${set('step', `(i32.shl ${get('stride')} (i32.const 2))`)}
  (block $done (br_if $done (i32.le_s ${get('count')} (i32.const 0)))
  (loop $group
   ${loadHalf('left', 0)}
   ${loadHalf('right', 8)}
   ${keyToH}
   ${compress(get('counter'), get('len'), get('flags'))}
   ${storeDigests}
   ${set('left', `(i32.add ${get('left')} ${get('step')})`)}
   ${set('right', `(i32.add ${get('right')} ${get('step')})`)}
   ${set('o', `(i32.add ${get('o')} (i32.const 128))`)}
   ${set('count', `(i32.sub ${get('count')} (i32.const 4))`)}
   (br_if $group (i32.gt_s ${get('count')} (i32.const 0)))))
 )
)`;
}
