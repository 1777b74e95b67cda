// `zkc build file.c [more.c] -o file.elf [-O2] [--picolibc]`: compiles a guest with the zkc SDK (src/toolchain).

import type { Command } from 'commander';
import { buildGuest, OPT_LEVELS, ToolchainError, type OptLevel } from '../index.ts';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('compile C guest sources into an RV32IM ELF (needs clang and lld)')
    .argument('<sources...>', 'C or assembly (.S) source files')
    .requiredOption('-o, --output <file>', 'ELF file to write')
    .option('-O, --opt-level <level>', `optimisation level (${OPT_LEVELS.join(', ')})`, '2')
    .option('-I, --include <dir...>', 'extra include directories')
    .option('--picolibc', "link Debian's picolibc (printf, libm, soft-float) instead of the minimal zkc runtime")
    .action(async (sources: string[], opts: { output: string; optLevel: string; include?: string[]; picolibc?: boolean }) => {
      try {
        // buildGuest validates everything, the -O level included (ToolchainError 'bad-options').
        await buildGuest({
          sources,
          output: opts.output,
          optLevel: opts.optLevel as OptLevel,
          includeDirs: opts.include ?? [],
          picolibc: opts.picolibc === true,
          onWarnings: (text) => process.stderr.write(text),
        });
      } catch (err) {
        // The compiler's own diagnostics first (they point at the line), then the one-line error.
        if (err instanceof ToolchainError && err.details !== undefined) process.stderr.write(err.details);
        throw err;
      }
      process.stdout.write(`wrote ${opts.output}\n`);
    });
}
