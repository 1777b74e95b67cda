/**
 * zkc's own exit statuses, and the one-line report of a failure. A guest's exit code is reported
 * separately (see README "Exit statuses"); these are the tool's.
 */

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  badElf: 3,
  execution: 4,
  verifyFailed: 5,
  badReceipt: 6,
} as const;

interface CodedError {
  name: string;
  code?: unknown;
  message: string;
}

function exitCodeFor(err: CodedError): number {
  switch (err.name) {
    case 'ElfError':
      return EXIT.badElf;
    case 'ExecError':
      return EXIT.execution;
    case 'VerifyError':
      return EXIT.verifyFailed;
    case 'DecodeError':
    case 'ReceiptError':
      return EXIT.badReceipt;
    case 'UsageError':
    case 'ToolchainError':
      return EXIT.usage;
    default:
      return err.code === 'ENOENT' || err.code === 'EACCES' ? EXIT.usage : EXIT.internal;
  }
}

/** Prints `zkc: error: …` (one line, no stack unless ZKC_DEBUG is set) and exits with the mapped status. */
export function exitWithError(err: unknown): never {
  const e: CodedError = err instanceof Error ? err : { name: 'Error', message: String(err) };
  const firstLine = e.message.split('\n')[0];
  process.stderr.write(`zkc: error: ${firstLine}\n`);
  if (process.env.ZKC_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(exitCodeFor(e));
}

/** A bad command-line argument (missing file, malformed number). */
export class UsageError extends Error {
  override name = 'UsageError';
}
