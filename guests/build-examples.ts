// Rebuilds every example guest (guests/examples/<name>.c → <name>.elf) with the zkc toolchain,
// and records the clang/lld versions in guests/examples/TOOLCHAIN.txt: the committed ELFs are
// byte-for-byte reproducible with exactly those versions (test/guests/reproducible.test.ts).
// Usage: npx tsx guests/build-examples.ts [outDir]

import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGuest, findToolchain } from '../src/toolchain/build.ts';

export const EXAMPLES_DIR = fileURLToPath(new URL('./examples/', import.meta.url));

/** Example names (file stems of guests/examples/*.c), sorted. */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.c'))
    .map((file) => file.slice(0, -2))
    .sort();
}

/** First line of `clang --version` and `ld.lld --version`: what the committed ELFs depend on. */
export function toolchainVersions(): string {
  const { clang, lld } = findToolchain();
  const first = (tool: string): string => execFileSync(tool, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  return `${first(clang)}\n${first(lld)}\n`;
}

/** Builds all examples into outDir (default: next to their sources), in parallel. */
export async function buildExamples(outDir = EXAMPLES_DIR): Promise<string[]> {
  const names = exampleNames();
  await Promise.all(
    names.map((name) => buildGuest({ sources: [join(EXAMPLES_DIR, `${name}.c`)], output: join(outDir, `${name}.elf`), optLevel: '2' })),
  );
  return names;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? EXAMPLES_DIR : resolve(process.argv[2]);
  const names = await buildExamples(outDir);
  if (outDir === EXAMPLES_DIR) writeFileSync(join(EXAMPLES_DIR, 'TOOLCHAIN.txt'), toolchainVersions());
  console.log(`built ${names.length} examples into ${outDir}: ${names.join(', ')}`);
}
