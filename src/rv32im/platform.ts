// The zkc guest platform: memory map, limits and syscall ABI, in one place.
// docs/abi.md explains each choice; the executor, loader and (later) the AIR import these constants.

/** Lowest guest byte address. Page 0 is unmapped so null-pointer dereferences fault. */
export const GUEST_MIN_ADDR = 0x0000_1000;
/**
 * One past the highest guest byte address (2^29). A small address space lets the AIR range-check
 * an address with few limbs; everything in [GUEST_MIN_ADDR, GUEST_END_ADDR) is readable and writable
 * (zero unless a segment initialises it) except executable segments, which are read-only.
 */
export const GUEST_END_ADDR = 0x2000_0000;

/** Initial sp: the top of guest memory, 16-byte aligned as the RISC-V psABI requires. */
export const STACK_TOP = GUEST_END_ADDR;
/** Bytes reserved for the stack below STACK_TOP; ELF segments may not overlap them. */
export const STACK_RESERVED_BYTES = 1 << 20;
/** Lowest byte address of the reserved stack region. */
export const STACK_RESERVED_BOTTOM = STACK_TOP - STACK_RESERVED_BYTES;

/**
 * Default instruction budget (2^26 ≈ 67M cycles): under a second in fast mode, and about the
 * largest trace worth holding in memory (~2.4 GB at 36 trace bytes per cycle).
 */
export const DEFAULT_MAX_CYCLES = 1 << 26;
/** Largest accepted maxCycles: cycle counters stay exact small integers (and below 2^31). */
export const MAX_CYCLES_LIMIT = 0x7fff_ffff;

/** Syscall numbers (value in a7), the Linux RISC-V numbers so guests also run under qemu-user. */
export const SYS_READ = 63;
export const SYS_WRITE = 64;
export const SYS_EXIT = 93;
export const SYS_EXIT_GROUP = 94;

/** File descriptors understood by read/write. */
export const FD_INPUT = 0; // private input (read only)
export const FD_STDOUT = 1; // host stdout (write only, not proven)
export const FD_STDERR = 2; // host stderr (write only, not proven)
export const FD_JOURNAL = 3; // public journal, committed in the receipt (write only)

/** ABI register numbers (RISC-V psABI names). */
export const REG_SP = 2;
export const REG_A0 = 10;
export const REG_A1 = 11;
export const REG_A2 = 12;
export const REG_A7 = 17;
