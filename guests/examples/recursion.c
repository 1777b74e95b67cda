/* Deep and branching recursion. Private input: m, n (u32 LE each, default 2, 3)
 * for Ackermann A(m, n) (m <= 3, n <= 6), and a depth d (u32 LE, default 10000,
 * at most 12000) for a linear recursion whose frames each hold a 16-word local
 * array: 80 bytes per level at -O2, so 12000 levels use 960 KB, just inside
 * zkc's 1 MiB stack reservation. Exit code 1 if a bound is exceeded.
 * Journal: A(m, n), the number of Ackermann calls, fib(20) by naive recursion,
 * and the linear recursion's checksum (u32 LE each). */
#include "zkc.h"

static uint32_t ackermann_calls;

static uint32_t ackermann(uint32_t m, uint32_t n) {
  ackermann_calls++;
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

/* noinline + a local array read after the call: the compiler cannot turn the
 * recursion into a loop, so every level really occupies a stack frame. */
__attribute__((noinline)) static uint32_t deep(uint32_t level) {
  volatile uint32_t frame[16];
  for (uint32_t i = 0; i < 16; i++) frame[i] = level * 16 + i;
  uint32_t below = level == 0 ? 0 : deep(level - 1);
  uint32_t sum = below * 31;
  for (uint32_t i = 0; i < 16; i++) sum += frame[i];
  return sum;
}

static uint32_t read_u32_or(uint32_t fallback) {
  uint8_t b[4];
  if (zkc_read(b, 1) != 1) return fallback;
  zkc_read_exact(b + 1, 3);
  return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int main(void) {
  uint32_t m = read_u32_or(2);
  uint32_t n = read_u32_or(3);
  uint32_t depth = read_u32_or(10000);
  if (m > 3 || n > 6 || depth > 12000) return 1; /* keep the stack inside 1 MiB */
  uint32_t a = ackermann(m, n);
  zkc_commit_u32(a);
  zkc_commit_u32(ackermann_calls);
  zkc_commit_u32(fib(20));
  zkc_commit_u32(deep(depth));
  return 0;
}
