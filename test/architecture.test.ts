// Imports run one way (ELF → executor → trace → AIR → STARK → receipt → verifier); this keeps them so.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(new URL(import.meta.url).pathname), '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level area of src/ a file belongs to ("stark", "rv32im", … or "index.ts"). */
function area(path: string): string {
  return relative(SRC, path).split('/')[0];
}

function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  return [...specifiers, ...dynamic].filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** Which areas each area may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  stark: [],
  rv32im: [],
  toolchain: ['rv32im'], // a built ELF is checked by loading it
  air: ['stark', 'rv32im'],
  receipt: ['stark', 'air', 'rv32im'],
  'index.ts': ['stark', 'rv32im', 'air', 'receipt', 'toolchain'],
  cli: ['index.ts'],
};

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('imports only run downstream', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = area(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        violations.push(`${relative(SRC, file)}: area "${from}" has no entry in ALLOWED`);
        continue;
      }
      for (const target of localImports(file)) {
        const to = area(target);
        if (to !== from && !allowed.includes(to)) violations.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps node-only modules out of the verifier path', () => {
    // src/stark and src/receipt must also run in a browser: no static node: imports.
    const offenders = files
      .filter((f) => ['stark', 'receipt'].includes(area(f)))
      .filter((f) => /^\s*import[^'"]*from\s+['"]node:/m.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
