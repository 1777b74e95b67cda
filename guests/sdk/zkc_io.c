/* Out-of-line SDK I/O helpers (declared in zkc.h): exit, full writes, exact
 * reads. Linked into every guest, with or without picolibc. */
#include "zkc.h"

__attribute__((noreturn)) void zkc_exit(int code) {
  for (;;) zkc_syscall3(ZKC_SYS_EXIT, code, 0, 0);
}

void zkc_write_all(int fd, const void *buf, size_t n) {
  const uint8_t *p = (const uint8_t *)buf;
  while (n > 0) {
    long written = zkc_syscall3(ZKC_SYS_WRITE, fd, (long)p, (long)n);
    if (written <= 0) zkc_exit(255);
    p += written;
    n -= (size_t)written;
  }
}

void zkc_print(const char *s) { zkc_write_all(ZKC_FD_STDOUT, s, strlen(s)); }

void zkc_read_exact(void *buf, size_t n) {
  uint8_t *p = (uint8_t *)buf;
  while (n > 0) {
    size_t got = zkc_read(p, n);
    if (got == 0 || got > n) zkc_exit(254);
    p += got;
    n -= got;
  }
}

uint8_t *zkc_read_all(size_t *len) {
  size_t cap = 4096, n = 0;
  uint8_t *buf = (uint8_t *)malloc(cap);
  for (;;) {
    if (buf == NULL) zkc_exit(253);
    if (n == cap) {
      cap *= 2;
      buf = (uint8_t *)realloc(buf, cap);
      continue;
    }
    size_t got = zkc_read(buf + n, cap - n);
    if (got == 0) break;
    n += got;
  }
  *len = n;
  return buf;
}

