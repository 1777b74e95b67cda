/* zkc guest entry point. sp is NOT set here: zkc and qemu-user each set it
 * (zkc: top of guest memory, see docs/abi.md), so the same ELF runs on both. */
  /* Weak: linker scripts other than zkc.ld (e.g. GNU ld's default) need not define it. */
  .weak __tls_base

  .section .text.start, "ax"
  .globl _start
  .type _start, @function
_start:
  /* gp must be set without relaxation: a relaxed `la gp` would be rewritten
   * relative to gp itself, which is not yet set. */
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la tp, __tls_base /* thread pointer: the one TLS block (see zkc.ld) */
  li a0, 0          /* argc */
  li a1, 0          /* argv */
  call main
  call zkc_exit     /* a0 = main's return value */
  .size _start, . - _start
