// verify() also takes in-memory proofs (a receipt layer may build one): whatever the object holds, the
// answer is a VerifyError naming a check, never a TypeError/RangeError from deep inside the verifier.
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/stark/verifier.ts';
import { VerifyError } from '../../../src/stark/errors.ts';
import type { Proof } from '../../../src/stark/proof.ts';
import { TEST_VERIFY_OPTIONS, proveSystem, rangeCheckSystem } from '../../helpers/test-airs.ts';

const JUNK: unknown[] = [null, undefined, 0, -1, 1.5, 2 ** 40, 'x', [], {}, [[]], new Uint8Array(3), new Uint32Array(4)];

/** Every path (to depth 6, first few array elements) of a proof object whose value can be replaced. */
function paths(x: unknown, prefix: (string | number)[] = [], depth = 0, out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (depth >= 6 || x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return out;
  const keys = Array.isArray(x) ? x.slice(0, 2).map((_, i) => i) : Object.keys(x);
  for (const k of keys) paths((x as Record<string | number, unknown>)[k], [...prefix, k], depth + 1, out);
  return out;
}

function replaced(proof: Proof, path: (string | number)[], value: unknown): Proof {
  const copy = structuredClone(proof) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy as unknown as Proof;
}

describe('malformed in-memory proofs', () => {
  it('every field replaced by junk → VerifyError, never another exception or an accept', () => {
    const sys = rangeCheckSystem(4);
    const { verifyingKey, proof } = proveSystem(sys);
    const failures: string[] = [];
    let cases = 0;
    for (const path of paths(proof)) {
      for (const junk of JUNK) {
        cases++;
        try {
          verify(verifyingKey, replaced(proof, path, junk), sys.publicValues, TEST_VERIFY_OPTIONS);
          failures.push(`${path.join('.')} = ${String(junk)}: accepted`);
        } catch (e) {
          if (!(e instanceof VerifyError)) failures.push(`${path.join('.')} = ${Object.prototype.toString.call(junk)}: ${String(e).slice(0, 120)}`);
        }
      }
    }
    console.info(`malformed-objects: ${cases} cases`);
    expect(failures).toEqual([]);
  });
});
