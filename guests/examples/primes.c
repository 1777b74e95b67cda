/* Sieve of Eratosthenes up to N (u32 LE from private input, default 1000).
 * Journal: the number of primes <= N (u32 LE), then each prime (u32 LE), ascending.
 * Exit code 2 if the sieve does not fit in the heap. */
#include "zkc.h"

int main(void) {
  uint32_t n = 1000;
  uint8_t buf[4];
  if (zkc_read(buf, 1) == 1) {
    zkc_read_exact(buf + 1, 3);
    n = buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
  }
  uint8_t *composite = (uint8_t *)calloc((size_t)n + 1, 1);
  if (composite == NULL) return 2;
  uint32_t count = 0;
  for (uint32_t p = 2; p <= n; p++) {
    if (composite[p]) continue;
    count++;
    for (uint64_t m = (uint64_t)p * p; m <= n; m += p) composite[m] = 1;
  }
  zkc_commit_u32(count);
  for (uint32_t p = 2; p <= n; p++) {
    if (!composite[p]) zkc_commit_u32(p);
  }
  return 0;
}
