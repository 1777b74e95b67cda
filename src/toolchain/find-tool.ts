// Locates host executables on PATH (clang, ld.lld, qemu, gcc) without spawning them.

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of the first `names` entry found on PATH, or undefined. */
export function findExecutable(names: readonly string[], path = process.env.PATH ?? ''): string | undefined {
  for (const name of names) {
    for (const dir of path.split(delimiter)) {
      if (dir === '') continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

/** Unversioned name first, then Debian/Ubuntu's versioned names, newest first. */
export function versionedNames(base: string): string[] {
  const names = [base];
  for (let v = 20; v >= 14; v--) names.push(`${base}-${v}`);
  return names;
}
