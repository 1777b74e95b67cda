/* Fibonacci: n (u32 LE) from private input, default 50 when the input is empty.
 * Journal: n (u32 LE), then F(n) mod 2^64 (u64 LE), with F(0)=0, F(1)=1. */
#include "zkc.h"

int main(void) {
  uint32_t n = 50;
  uint8_t buf[4];
  size_t got = zkc_read(buf, 4);
  if (got != 0) {
    if (got < 4) zkc_read_exact(buf + got, 4 - got);
    n = buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
  }
  uint64_t a = 0, b = 1;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t next = a + b;
    a = b;
    b = next;
  }
  zkc_commit_u32(n);
  zkc_commit(&a, sizeof a);
  return 0;
}
