/**
 * zkc's library API: what `src/cli` and other programs import. Each stage of the pipeline
 * (ELF → executor → trace → AIR → STARK → receipt → verifier) is re-exported from its own module.
 */

// ELF loading and execution
export { loadElf } from './rv32im/elf.ts';
export type { Program, Segment } from './rv32im/elf.ts';
export { execute } from './rv32im/execute.ts';
export type { ExecOptions, ExecResult } from './rv32im/execute.ts';
export { executeWithTrace } from './rv32im/trace.ts';
export { executeWithSegments, DEFAULT_SEGMENT_CYCLES, type TraceSegment, type SegmentOptions, type SegmentedResult } from './rv32im/trace.ts';
export type { ExecutionTrace, ByteEvents } from './rv32im/trace.ts';
export { ElfError, ExecError } from './rv32im/errors.ts';
export type { ElfErrorCode, ExecErrorCode } from './rv32im/errors.ts';
export * as platform from './rv32im/platform.ts';

// Guest toolchain (Node only: spawns clang/lld)
export { buildGuest, OPT_LEVELS } from './toolchain/build.ts';
export type { BuildOptions, OptLevel } from './toolchain/build.ts';
export { ToolchainError } from './toolchain/errors.ts';
