import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as enc from '../../src/rv32im/encode.ts';
import { PF_R, PF_W, PF_X, writeElf32, wordsToBytes } from '../helpers/elf32.ts';

const ZKC = new URL('../../bin/zkc', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'zkc-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Echoes up to 16 input bytes to stdout and the journal, then exits with `code`. */
function echoElf(code: number): string {
  const sys = (nr: number, fd: number, count: number | 'a0') => [
    enc.addi(17, 0, nr),
    ...(count === 'a0' ? [enc.addi(12, 10, 0)] : [enc.addi(12, 0, count)]),
    enc.addi(10, 0, fd),
    ...enc.li(11, 0x20000),
    enc.ecall(),
  ];
  const words = [...sys(63, 0, 16), ...sys(64, 1, 'a0'), ...sys(64, 3, 2), ...enc.li(10, code), enc.addi(17, 0, 93), enc.ecall()];
  const path = join(dir, `echo-${code}.elf`);
  writeFileSync(path, writeElf32({ entry: 0x10000, segments: [
    { vaddr: 0x10000, bytes: wordsToBytes(words), flags: PF_R | PF_X },
    { vaddr: 0x20000, bytes: new Uint8Array(16), flags: PF_R | PF_W },
  ] }));
  return path;
}

function zkc(...args: string[]) {
  const r = spawnSync(process.execPath, [ZKC, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('zkc run', () => {
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'hi there');

  it('passes guest stdout through, summarises on stderr, exits with the guest code & 0xff', () => {
    const r = zkc('run', echoElf(0x1ff), '--input', input);
    expect(r.stdout).toBe('hi there');
    expect(r.stderr).toContain('exit code: 511');
    expect(r.stderr).toContain('6869'); // journal hex of "hi"
    expect(r.stderr).toMatch(/cycles: +\d+/);
    expect(r.status).toBe(0xff);
  });

  it('--json prints exactly one JSON object on stdout', () => {
    const r = zkc('run', echoElf(7), '--input', input, '--json');
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const out = JSON.parse(lines[0]!);
    expect(out).toMatchObject({ exitCode: 7, journalHex: '6869', journalText: 'hi', stdout: 'hi there', stderr: '' });
    expect(out.cycles).toBeGreaterThan(10);
    expect(typeof out.mips).toBe('number');
    expect(r.status).toBe(7);
  });

  it('execution errors: one line on stderr, status 4, JSON error object with --json', () => {
    const r = zkc('run', echoElf(0), '--max-cycles', '5', '--json');
    expect(r.status).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^zkc: error: cycle limit of 5 reached at pc 0x/)]);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: 'exec', code: 'cycle-limit', cycle: 5 });
  });

  it('bad ELF → status 3; unreadable file or bad --max-cycles → status 2', () => {
    writeFileSync(join(dir, 'bad.elf'), 'not an elf');
    const bad = zkc('run', join(dir, 'bad.elf'));
    expect([bad.status, bad.stderr.trim()]).toEqual([3, 'zkc: error: not an ELF file (bad magic)']);
    expect(zkc('run', join(dir, 'missing.elf')).status).toBe(2);
    const cycles = zkc('run', echoElf(0), '--max-cycles', '12abc');
    expect(cycles.status).toBe(2);
    expect(cycles.stderr).toContain('--max-cycles');
  });

  it('commander usage errors: one `zkc: error:` line, status 2 (README "Exit statuses")', () => {
    const unknown = zkc('run', echoElf(0), '--jsn');
    expect([unknown.status, unknown.stderr.trim()]).toEqual([2, "zkc: error: unknown option '--jsn' (Did you mean --json?)"]);
    const missing = zkc('run');
    expect([missing.status, missing.stderr.trim()]).toEqual([2, "zkc: error: missing required argument 'elf'"]);
  });
});
