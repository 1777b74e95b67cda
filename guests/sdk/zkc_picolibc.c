/* Glue for `zkc build --picolibc`: the few symbols picolibc's libc.a expects
 * the platform to provide (_exit and the stdio streams, which write through the
 * zkc write syscall). picolibc's own sbrk uses __heap_start/__heap_end from zkc.ld.
 * stdin is unbuffered here, so fread() consumes exactly what it returns. */
#include <stdio.h>
#include "zkc.h"

void _exit(int code) { zkc_exit(code); }

static int put_stdout(char c, FILE *f) {
  (void)f;
  zkc_write_all(ZKC_FD_STDOUT, &c, 1);
  return (unsigned char)c;
}

static int put_stderr(char c, FILE *f) {
  (void)f;
  zkc_write_all(ZKC_FD_STDERR, &c, 1);
  return (unsigned char)c;
}

static int get_stdin(FILE *f) {
  (void)f;
  unsigned char c;
  return zkc_read(&c, 1) == 1 ? c : EOF;
}

static FILE zkc_stdin = FDEV_SETUP_STREAM(NULL, get_stdin, NULL, _FDEV_SETUP_READ);
static FILE zkc_stdout = FDEV_SETUP_STREAM(put_stdout, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE zkc_stderr = FDEV_SETUP_STREAM(put_stderr, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdin = &zkc_stdin;
FILE *const stdout = &zkc_stdout;
FILE *const stderr = &zkc_stderr;
