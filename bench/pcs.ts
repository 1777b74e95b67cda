/**
 * PCS benchmark: commit + open (2 points) + verify of one width×2^logHeight matrix, and the proof size.
 * Runs `runs` times in one process: run 1 touches fresh memory (220–640 ms per 64 MiB on the shared VM),
 * later runs reuse the PCS's warm buffers (pcsRelease, the opening scratch). Wall and CPU time per step.
 * With `workers`, one NTT worker and the hash worker run beside the main thread (Node, opt-in: the same results).
 * Usage: npx tsx bench/pcs.ts [logHeight=16] [width=16] [profile=DEFAULT_PARAMS|PROVEN_PARAMS|TEST_PARAMS_INSECURE] [runs=2] [workers]
 */
import { P, twoAdicGenerator } from '../src/stark/field/babybear.ts';
import * as ext from '../src/stark/field/ext4.ts';
import { matrix } from '../src/stark/matrix.ts';
import { Transcript } from '../src/stark/transcript.ts';
import { ByteWriter } from '../src/stark/codec.ts';
import * as profiles from '../src/stark/params.ts';
import type { StarkParams } from '../src/stark/params.ts';
import { pcsCommit, pcsOpen, pcsRelease, pcsVerify, writePcsProof } from '../src/stark/pcs.ts';
import { startNttWorkers, stopNttWorkers } from '../src/stark/ntt.ts';
import { startHashWorker, stopHashWorker } from '../src/stark/kernels/blake3-workers.ts';

const logHeight = Number(process.argv[2] ?? 16);
const width = Number(process.argv[3] ?? 16);
const profileName = (process.argv[4] ?? 'DEFAULT_PARAMS') as 'DEFAULT_PARAMS' | 'PROVEN_PARAMS' | 'TEST_PARAMS_INSECURE';
const runs = Number(process.argv[5] ?? 2);
const useWorkers = process.argv[6] === 'workers';
const params: StarkParams = profiles[profileName];

const m = matrix(width, 1 << logHeight);
let s = 12345;
for (let i = 0; i < m.values.length; i++) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  m.values[i] = s % P;
}

/** Runs f, returning its result with wall and CPU (user + system, all threads of the process) milliseconds. */
function timed<T>(f: () => T): { result: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { result, wall, cpu: (c.user + c.system) / 1000 };
}
const fmt = (t: { wall: number; cpu: number }): string => `${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)})`;

if (useWorkers) await Promise.all([startNttWorkers(1), startHashWorker()]);

const zeta: ext.Ext4 = [123, 456, 789, 1011];
const points = [[zeta, ext.mulBase(zeta, twoAdicGenerator(logHeight))]];
for (let run = 1; run <= runs; run++) {
  const commit = timed(() => pcsCommit([m], params));
  const commitment = commit.result;
  const open = timed(() => pcsOpen([{ commitment, points }], new Transcript('bench'), params));
  const { values, proof } = open.result;
  const w = new ByteWriter();
  writePcsProof(w, proof);
  const bytes = w.finish().length;
  const verify = timed(() =>
    pcsVerify([{ root: commitment.root, dims: [{ width, logTraceHeight: logHeight }], points, values: values[0] }], proof, new Transcript('bench'), params),
  );
  pcsRelease(commitment);
  const openedBytes = values.flat(3).length * 16;
  console.log(
    `${profileName} ${width}×2^${logHeight}${useWorkers ? ' (workers)' : ''} run ${run}: commit ${fmt(commit)}, open ${fmt(open)}, ` +
      `verify ${verify.wall.toFixed(1)} ms, PCS proof ${(bytes / 1024).toFixed(1)} KiB (+ ${openedBytes} B opened values)`,
  );
}
if (useWorkers) await Promise.all([stopNttWorkers(), stopHashWorker()]);
