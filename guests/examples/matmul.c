/* Matrix multiply mod 2^32. Private input: n (u32 LE, default 16) and seed
 * (u32 LE, default 1). A and B (n x n, row-major) are filled from xorshift32
 * (x ^= x << 13; x ^= x >> 17; x ^= x << 5) starting at the seed, A first.
 * Journal: n, then C = A * B row-major (u32 LE each).
 * Exit code 1 if n > 256 or seed == 0 (xorshift32 would stay at 0). */
#include "zkc.h"

static uint32_t rng_state;

static uint32_t xorshift32(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

int main(void) {
  uint32_t params[2] = {16, 1};
  uint8_t first;
  if (zkc_read(&first, 1) == 1) {
    uint8_t rest[7];
    zkc_read_exact(rest, 7);
    params[0] = first | (uint32_t)rest[0] << 8 | (uint32_t)rest[1] << 16 | (uint32_t)rest[2] << 24;
    params[1] = rest[3] | (uint32_t)rest[4] << 8 | (uint32_t)rest[5] << 16 | (uint32_t)rest[6] << 24;
  }
  uint32_t n = params[0];
  rng_state = params[1];
  if (n > 256 || rng_state == 0) return 1;
  size_t cells = (size_t)n * n;
  uint32_t *a = (uint32_t *)malloc(cells * 4 + 4);
  uint32_t *b = (uint32_t *)malloc(cells * 4 + 4);
  uint32_t *c = (uint32_t *)malloc(cells * 4 + 4);
  if (a == NULL || b == NULL || c == NULL) return 2;
  for (size_t i = 0; i < cells; i++) a[i] = xorshift32();
  for (size_t i = 0; i < cells; i++) b[i] = xorshift32();
  for (uint32_t i = 0; i < n; i++) {
    for (uint32_t j = 0; j < n; j++) {
      uint32_t sum = 0;
      for (uint32_t k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
  zkc_commit_u32(n);
  zkc_commit(c, cells * 4);
  return 0;
}
