// Typed errors of the guest toolchain wrapper; each message is one line.

export type ToolchainErrorCode =
  | 'tool-not-found'
  | 'picolibc-not-found'
  | 'source-not-found'
  | 'bad-options'
  | 'compile-failed'
  | 'output-not-writable'
  | 'bad-output';

export class ToolchainError extends Error {
  readonly code: ToolchainErrorCode;
  /** Full compiler/linker diagnostics for 'compile-failed' (the message keeps only the first error). */
  readonly details?: string;
  constructor(code: ToolchainErrorCode, message: string, details?: string) {
    super(message);
    this.name = 'ToolchainError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}
