/* zkc guest SDK: private input, public journal, host output and exit, as
 * Linux RV32 syscalls (ecall, number in a7) so one ELF runs unchanged under
 * zkc and qemu-riscv32. ABI: docs/abi.md. Link with start.S, zkc_rt.c, zkc.ld. */
#ifndef ZKC_H
#define ZKC_H

#include <stddef.h>
#include <stdint.h>

#define ZKC_SYS_READ 63
#define ZKC_SYS_WRITE 64
#define ZKC_SYS_EXIT 93

#define ZKC_FD_INPUT 0   /* private input (read) */
#define ZKC_FD_STDOUT 1  /* host stdout, not part of the proof's claim */
#define ZKC_FD_STDERR 2  /* host stderr, not part of the proof's claim */
#define ZKC_FD_JOURNAL 3 /* public journal: committed in the receipt */

static inline long zkc_syscall3(long n, long a0, long a1, long a2) {
  register long r_a0 __asm__("a0") = a0;
  register long r_a1 __asm__("a1") = a1;
  register long r_a2 __asm__("a2") = a2;
  register long r_a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
  return r_a0;
}

/* Reads up to n bytes of private input; returns the count, 0 at end of input. */
static inline size_t zkc_read(void *buf, size_t n) {
  return (size_t)zkc_syscall3(ZKC_SYS_READ, ZKC_FD_INPUT, (long)buf, (long)n);
}

/* Writes all n bytes to fd; a host that writes less is retried, one that
 * fails (negative return) ends the guest with exit code 255. */
void zkc_write_all(int fd, const void *buf, size_t n);

/* Appends n bytes to the public journal. */
static inline void zkc_commit(const void *buf, size_t n) { zkc_write_all(ZKC_FD_JOURNAL, buf, n); }

/* Appends a u32 to the journal, little-endian (the guest's native order). */
static inline void zkc_commit_u32(uint32_t v) { zkc_commit(&v, 4); }

/* Prints a NUL-terminated string to host stdout. */
void zkc_print(const char *s);

__attribute__((noreturn)) void zkc_exit(int code);

/* Reads exactly n bytes of private input; exits with code 254 if input ends first. */
void zkc_read_exact(void *buf, size_t n);

/* Reads a little-endian u32 of private input (exits 254 if input ends first). */
static inline uint32_t zkc_read_u32(void) {
  uint32_t v;
  zkc_read_exact(&v, 4);
  return v;
}

/* Reads all remaining input into a malloc'd buffer; *len receives its size. */
uint8_t *zkc_read_all(size_t *len);

/* Freestanding runtime (zkc_rt.c). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
void *sbrk(ptrdiff_t increment);
void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

#endif
