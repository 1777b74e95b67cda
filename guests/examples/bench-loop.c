/* Long-running benchmark guest: a loop of ALU, mul, div, load and store work.
 * Private input: iteration count (u32 LE, default 2500000, about 55M
 * instructions at -O2). Journal: iterations, accumulator, sum of the table
 * (u32 LE each). Each iteration (all arithmetic mod 2^32):
 *   x = xorshift32(x); i = x & 1023; v = table[i] * 0x9e3779b1 + (x >> 3);
 *   table[i] = v; acc = (acc ^ (acc >> 7)) + v / ((x & 0xff) | 1);
 * with x starting at 0x12345678, acc at 0 and the table all zero. */
#include "zkc.h"

static uint32_t table[1024];

int main(void) {
  uint32_t iterations = 2500000;
  uint8_t b[4];
  if (zkc_read(b, 1) == 1) {
    zkc_read_exact(b + 1, 3);
    iterations = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  }
  uint32_t x = 0x12345678, acc = 0;
  for (uint32_t n = 0; n < iterations; n++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    uint32_t i = x & 1023;
    uint32_t v = table[i] * 0x9e3779b1u + (x >> 3);
    table[i] = v;
    acc = (acc ^ (acc >> 7)) + v / ((x & 0xff) | 1);
  }
  uint32_t sum = 0;
  for (uint32_t i = 0; i < 1024; i++) sum += table[i];
  zkc_commit_u32(iterations);
  zkc_commit_u32(acc);
  zkc_commit_u32(sum);
  return 0;
}
