/* RV32M edge cases. For every pair (a, b) of the edge values below, then for
 * every pair (a, b) of u32 LE values in the private input, commits the eight
 * results mul, mulh, mulhsu, mulhu, div, divu, rem, remu of (a, b), u32 LE each.
 * Inline asm forces the real instructions: in C, x/0 and INT_MIN/-1 are
 * undefined behaviour and the compiler could fold them away. */
#include "zkc.h"

#define RV_OP(name, a, b)                                              \
  ({                                                                   \
    uint32_t r_;                                                       \
    __asm__ volatile(#name " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b)); \
    r_;                                                                \
  })

static const uint32_t EDGES[] = {
  0, 1, 2, 3, 7, 0xffffffff /* -1 */, 0xfffffffe /* -2 */, 0xfffffff9 /* -7 */,
  0x7fffffff /* INT_MAX */, 0x80000000 /* INT_MIN */, 0x80000001, 0x0000ffff,
  0x00010000, 0x55555555, 0xaaaaaaaa, 0xdeadbeef,
};

static void commit_ops(uint32_t a, uint32_t b) {
  uint32_t r[8];
  r[0] = RV_OP(mul, a, b);
  r[1] = RV_OP(mulh, a, b);
  r[2] = RV_OP(mulhsu, a, b);
  r[3] = RV_OP(mulhu, a, b);
  r[4] = RV_OP(div, a, b);
  r[5] = RV_OP(divu, a, b);
  r[6] = RV_OP(rem, a, b);
  r[7] = RV_OP(remu, a, b);
  zkc_commit(r, sizeof r);
}

int main(void) {
  const size_t count = sizeof EDGES / sizeof EDGES[0];
  for (size_t i = 0; i < count; i++) {
    for (size_t j = 0; j < count; j++) commit_ops(EDGES[i], EDGES[j]);
  }
  uint32_t pair[2];
  while (zkc_read(pair, 1) == 1) {
    zkc_read_exact((uint8_t *)pair + 1, 7);
    commit_ops(pair[0], pair[1]);
  }
  return 0;
}
