// Which host tools the tests can use. Tests needing one skip LOUDLY when it is absent
// (describe.skipIf + console.warn); CI installs all of them.

import { execFileSync } from 'node:child_process';
import { findExecutable, versionedNames } from '../../src/toolchain/find-tool.ts';

export const clangPath = findExecutable(versionedNames('clang'));
export const lldPath = findExecutable(versionedNames('ld.lld'));
export const qemuPath = findExecutable(['qemu-riscv32', 'qemu-riscv32-static']);
export const riscvGccPath = findExecutable(['riscv64-unknown-elf-gcc']);

export const hasClang = clangPath !== undefined && lldPath !== undefined;
export const hasQemu = qemuPath !== undefined;
export const hasRiscvGcc = riscvGccPath !== undefined;

/** Call at module level next to describe.skipIf so a skipped suite is visible in the log. */
export function warnIfMissing(present: boolean, what: string, install: string): void {
  if (present) return;
  // CI (.ci/run) sets ZKC_REQUIRE_TOOLS: there a missing tool is a broken set-up, not a reason to skip.
  if (process.env.ZKC_REQUIRE_TOOLS === '1') throw new Error(`${what} need ${install}, which is not installed (ZKC_REQUIRE_TOOLS=1)`);
  console.warn(`\n*** SKIPPING ${what}: not installed (apt-get install ${install}) ***\n`);
}

/** First line of `tool --version`. */
export function toolVersion(tool: string): string {
  return execFileSync(tool, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
}
