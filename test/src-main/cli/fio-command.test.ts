import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fioCommand } from '../../../src-main/cli/fio-command';

const EXAMPLES = path.resolve(__dirname, '../../fixtures/data/fio-examples');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await fioCommand(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('kernel-lab fio', () => {
  it('prints how each job of a real fio example was understood and exits 0', async () => {
    const r = await run([path.join(EXAMPLES, 'fio-rand-RW.fio')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('[file1] (line 15)');
    expect(r.out).toContain('  io: randrw (rwmixread=60), bs 4KiB,4KiB,4KiB, ioengine libaio, iodepth 16, direct 0, numjobs 4');
    expect(r.out).toContain('  time: runtime 900s, time_based');
    expect(r.out).toContain('warning: name=fio-rand-RW: not simulated');
  });

  it('exits 2 with FILE:LINE for a malformed job file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'klab-fio-'));
    const f = path.join(dir, 'bad.fio');
    writeFileSync(f, '[global]\nbs=4k\n\n[job]\nrw=randread\nfrobnicate=yes\n');
    const r = await run([f]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${f}:6: Bad option <frobnicate=yes>\n`);
  });

  it('exits 2 with the usage line when the file is missing', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('usage: kernel-lab fio FILE.fio [--run SECONDS]\n');
  });

  it('runs the jobs with --run and prints fio-style results', async () => {
    const r = await run([path.join(EXAMPLES, 'fio-seq-read.fio'), '--run', '0.2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/file1: \(groupid=0, jobs=1\): err= 0\n {2}read: IOPS=[\d.]+k?, BW=/);
    expect(r.out).toContain('clat percentiles (usec):');
  });
});
