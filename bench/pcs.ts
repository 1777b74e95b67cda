/**
 * PCS benchmark: commit + open (2 points) + verify of one width×2^logHeight matrix, and the proof size.
 * Usage: npx tsx bench/pcs.ts [logHeight=16] [width=16] [profile=DEFAULT_PARAMS|PROVEN_PARAMS|TEST_PARAMS_INSECURE]
 */
import { P, twoAdicGenerator } from '../src/stark/field/babybear.ts';
import * as ext from '../src/stark/field/ext4.ts';
import { matrix } from '../src/stark/matrix.ts';
import { Transcript } from '../src/stark/transcript.ts';
import { ByteWriter } from '../src/stark/codec.ts';
import * as profiles from '../src/stark/fri/params.ts';
import type { FriParams } from '../src/stark/fri/params.ts';
import { pcsCommit, pcsOpen, pcsVerify, writePcsProof } from '../src/stark/pcs.ts';

const logHeight = Number(process.argv[2] ?? 16);
const width = Number(process.argv[3] ?? 16);
const profileName = (process.argv[4] ?? 'DEFAULT_PARAMS') as 'DEFAULT_PARAMS' | 'PROVEN_PARAMS' | 'TEST_PARAMS_INSECURE';
const params: FriParams = profiles[profileName];

const m = matrix(width, 1 << logHeight);
let s = 12345;
for (let i = 0; i < m.values.length; i++) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  m.values[i] = s % P;
}

const t0 = performance.now();
const commitment = pcsCommit([m], params);
const t1 = performance.now();
const zeta: ext.Ext4 = [123, 456, 789, 1011];
const points = [[zeta, ext.mulBase(zeta, twoAdicGenerator(logHeight))]];
const { values, proof } = pcsOpen([{ commitment, points }], new Transcript('bench'), params);
const t2 = performance.now();
const w = new ByteWriter();
writePcsProof(w, proof);
const bytes = w.finish().length;
const t3 = performance.now();
pcsVerify([{ root: commitment.root, dims: [{ width, logTraceHeight: logHeight }], points, values: values[0] }], proof, new Transcript('bench'), params);
const t4 = performance.now();
const openedBytes = values.flat(3).length * 16;
console.log(
  `${profileName} ${width}×2^${logHeight}: commit ${(t1 - t0).toFixed(0)} ms, open ${(t2 - t1).toFixed(0)} ms, ` +
    `verify ${(t4 - t3).toFixed(1)} ms, PCS proof ${(bytes / 1024).toFixed(1)} KiB (+ ${openedBytes} B opened values)`,
);
