/**
 * The `zkc` command line: parsing and printing only; every command is a thin wrapper over `src/index.ts`.
 */
import { Command, CommanderError } from 'commander';
import { registerRun } from './run.ts';
import { registerBuild } from './build.ts';
import { exitWithError } from './errors.ts';

const program = new Command('zkc')
  .description('Compile, run and prove RV32IM programs with a STARK')
  .version('0.1.0')
  // Usage errors follow the README rule: one line, `zkc: error: …` (commander's "did you mean" hint
  // comes on a second line, so it is folded in).
  .configureOutput({ outputError: (text, write) => write(`zkc: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`) })
  .exitOverride();

registerRun(program);
registerBuild(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed (outputError).
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  exitWithError(err);
}
