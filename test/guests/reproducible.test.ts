// The committed example ELFs are exactly what `npx tsx guests/build-examples.ts` produces, and a
// build does not depend on where the sources live.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExamples, EXAMPLES_DIR, exampleNames, toolchainVersions } from '../../guests/build-examples.ts';
import { buildGuest } from '../../src/toolchain/build.ts';
import { hasClang, warnIfMissing } from '../helpers/toolchain.ts';

warnIfMissing(hasClang, 'guest reproducibility tests', 'clang lld');

const dir = mkdtempSync(join(tmpdir(), 'zkc-repro-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hex = (path: string): string => readFileSync(path).toString('hex');

describe.skipIf(!hasClang)('reproducible guest builds', () => {
  it('rebuilding the examples reproduces the committed ELFs byte for byte', async () => {
    const recorded = readFileSync(join(EXAMPLES_DIR, 'TOOLCHAIN.txt'), 'utf8');
    const installed = toolchainVersions();
    if (installed !== recorded) {
      // Different compiler, different code: only the version-independent checks below apply.
      console.warn(`\n*** SKIPPING committed-ELF comparison: ELFs were built with\n${recorded}but this machine has\n${installed}***\n`);
      return;
    }
    const names = await buildExamples(join(dir, 'examples'));
    expect(names.length).toBeGreaterThanOrEqual(10);
    const differing = names.filter((name) => hex(join(dir, 'examples', `${name}.elf`)) !== hex(join(EXAMPLES_DIR, `${name}.elf`)));
    expect(differing, 'rebuild with `npx tsx guests/build-examples.ts` and commit the ELFs').toEqual([]);
  });

  it('output does not depend on the source path', async () => {
    const source = join(EXAMPLES_DIR, 'sha256.c');
    for (const sub of ['a', join('bb', 'deeper')]) {
      mkdirSync(join(dir, sub), { recursive: true });
      copyFileSync(source, join(dir, sub, 'sha256.c'));
    }
    await buildGuest({ sources: [join(dir, 'a', 'sha256.c')], output: join(dir, 'a.elf') });
    await buildGuest({ sources: [join(dir, 'bb', 'deeper', 'sha256.c')], output: join(dir, 'b.elf') });
    expect(hex(join(dir, 'a.elf'))).toBe(hex(join(dir, 'b.elf')));
  });

  it('every example source has a committed ELF', () => {
    for (const name of exampleNames()) expect(() => readFileSync(join(EXAMPLES_DIR, `${name}.elf`)), name).not.toThrow();
  });
});
