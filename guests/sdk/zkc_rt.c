/* Freestanding runtime for zkc guests: the mem and str functions clang emits
 * calls to, a heap over the bss region [__heap_start, __heap_end) from zkc.ld
 * (zkc has no brk syscall), and the libgcc 64-bit division helpers that RV32IM
 * lacks. Built with -ffreestanding (implies -fno-builtin) so the loops below
 * are not turned back into calls to themselves. Replaced by picolibc's libc.a
 * and libgcc.a under `zkc build --picolibc`. */
#include "zkc.h"

/* ---- memory and strings ---------------------------------------------------- */

void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = (uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  /* Word copies when both pointers share alignment: 4x fewer loads/stores. */
  if ((((uintptr_t)d ^ (uintptr_t)s) & 3) == 0) {
    while (n > 0 && ((uintptr_t)d & 3) != 0) { *d++ = *s++; n--; }
    while (n >= 4) {
      *(uint32_t *)d = *(const uint32_t *)s;
      d += 4; s += 4; n -= 4;
    }
  }
  while (n > 0) { *d++ = *s++; n--; }
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = (uint8_t *)dst;
  const uint8_t *s = (const uint8_t *)src;
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  /* Overlap with dst above src: copy backwards. */
  while (n > 0) { n--; d[n] = s[n]; }
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = (uint8_t *)dst;
  uint8_t b = (uint8_t)c;
  while (n > 0 && ((uintptr_t)d & 3) != 0) { *d++ = b; n--; }
  uint32_t word = b * 0x01010101u;
  while (n >= 4) { *(uint32_t *)d = word; d += 4; n -= 4; }
  while (n > 0) { *d++ = b; n--; }
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

/* ---- heap ------------------------------------------------------------------ */

extern uint8_t __heap_start[], __heap_end[];
static uint8_t *heap_break = __heap_start;

void *sbrk(ptrdiff_t increment) {
  uint8_t *old = heap_break;
  if (increment >= 0 ? (size_t)increment > (size_t)(__heap_end - old)
                     : (size_t)(-increment) > (size_t)(old - __heap_start)) {
    return (void *)-1;
  }
  heap_break = old + increment;
  return old;
}

/* First-fit free list without splitting or coalescing: guests are short-lived,
 * so simplicity beats fragmentation handling. Every block carries a 16-byte
 * header holding its usable size, so payloads stay 16-byte aligned. */
typedef struct Block {
  size_t size;
  struct Block *next_free;
  uint32_t pad[2];
} Block;

static Block *free_list = NULL;

static size_t round_up16(size_t n) { return (n + 15) & ~(size_t)15; }

void *malloc(size_t n) {
  if (n == 0) n = 1;
  if (n > (size_t)(__heap_end - __heap_start)) return NULL;
  size_t size = round_up16(n);
  for (Block **link = &free_list; *link != NULL; link = &(*link)->next_free) {
    Block *b = *link;
    if (b->size >= size) {
      *link = b->next_free;
      return b + 1;
    }
  }
  Block *b = (Block *)sbrk((ptrdiff_t)(sizeof(Block) + size));
  if (b == (Block *)-1) return NULL;
  b->size = size;
  return b + 1;
}

void free(void *p) {
  if (p == NULL) return;
  Block *b = (Block *)p - 1;
  if ((uint8_t *)(b + 1) + b->size == heap_break) {
    heap_break = (uint8_t *)b; /* the most recent block: give it back to the bump region */
    return;
  }
  b->next_free = free_list;
  free_list = b;
}

void *calloc(size_t count, size_t size) {
  if (size != 0 && count > (size_t)-1 / size) return NULL;
  void *p = malloc(count * size);
  if (p != NULL) memset(p, 0, count * size);
  return p;
}

void *realloc(void *p, size_t n) {
  if (p == NULL) return malloc(n);
  Block *b = (Block *)p - 1;
  if (n <= b->size) return p;
  size_t size = round_up16(n);
  if ((uint8_t *)(b + 1) + b->size == heap_break) {
    /* Last block: grow in place. */
    if (sbrk((ptrdiff_t)(size - b->size)) == (void *)-1) return NULL;
    b->size = size;
    return p;
  }
  void *q = malloc(n);
  if (q == NULL) return NULL;
  memcpy(q, p, b->size);
  free(p);
  return q;
}

/* ---- 64-bit division (libgcc ABI; RV32M only divides 32-bit values) -------- */

/* Division by zero follows the RISC-V DIVU convention (quotient all ones,
 * remainder = dividend) instead of trapping, so results stay deterministic. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem) {
  if (d == 0) {
    if (rem) *rem = n;
    return ~(uint64_t)0;
  }
  if ((n >> 32) == 0 && (d >> 32) == 0) {
    uint32_t n32 = (uint32_t)n, d32 = (uint32_t)d;
    if (rem) *rem = n32 % d32;
    return n32 / d32;
  }
  /* Restoring shift-subtract, one quotient bit per step. */
  uint64_t q = 0, r = 0;
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= (uint64_t)1 << i;
    }
  }
  if (rem) *rem = r;
  return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __udivmoddi4(n, d, NULL); }

uint64_t __umoddi3(uint64_t n, uint64_t d) {
  uint64_t r;
  __udivmoddi4(n, d, &r);
  return r;
}

/* Signed: truncating division; the remainder takes the dividend's sign. */
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *rem) {
  if (d == 0) {
    /* RISC-V DIV convention: quotient -1, remainder = dividend. */
    if (rem) *rem = n;
    return -1;
  }
  /* Negate as unsigned so INT64_MIN has no overflow. */
  uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
  uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
  uint64_t ur;
  uint64_t uq = __udivmoddi4(un, ud, &ur);
  if (rem) *rem = (int64_t)(n < 0 ? -ur : ur);
  return (int64_t)((n < 0) != (d < 0) ? -uq : uq);
}

int64_t __divdi3(int64_t n, int64_t d) { return __divmoddi4(n, d, NULL); }

int64_t __moddi3(int64_t n, int64_t d) {
  int64_t r;
  __divmoddi4(n, d, &r);
  return r;
}
