import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateCommand } from '../../../src-main/cli/commands/calibrate';
import { importRealCommand } from '../../../src-main/cli/commands/import-real';
import { CliError } from '../../../src-main/cli/errors';
import { fioCommand } from '../../../src-main/cli/fio-command';
import { readScenarioFile } from '../../../src-main/cli/scenario-input';
import { readSweepFile } from '../../../src-main/cli/sweep-input';
import { cli } from './spawn';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CliError a read throws: exit code and message. */
function refusal(f: () => unknown): { code: number; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return { code: e.exitCode, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('only regular files are read, with a size limit', () => {
  it('refuses /dev/zero as a scenario with exit 2 (it never returned)', () => {
    const r = cli('validate', '/dev/zero');
    expect([r.code, r.stderr]).toEqual([2, '/dev/zero: expected a regular file, got a character device\n']);
  });

  it('refuses a FIFO with no writer without blocking, and a directory', () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(() => readScenarioFile(fifo))).toEqual({ code: 2, message: `${fifo}: expected a regular file, got a FIFO (named pipe)` });
    expect(refusal(() => readScenarioFile(dir))).toEqual({ code: 2, message: `${dir}: expected a regular file, got a directory` });
  });

  it('refuses a scenario file over 1 MiB by its size, before reading it', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `duration: 1s\n#${'x'.repeat(1024 * 1024)}\n`);
    expect(refusal(() => readScenarioFile(big)).message).toBe(`${big}: expected at most 1048576 bytes, got ${1024 * 1024 + 15}`);
  });
});

describe('fio job files named by a scenario', () => {
  const scenario = (job: string): string => `duration: 1s\ntasks:\n  - { name: f, run: { type: fio, job: ${JSON.stringify(job)} } }\n`;

  it('are read from the scenario\'s folder', () => {
    const d = join(dir, 'ok');
    mkdirSync(d);
    writeFileSync(join(d, 'j.fio'), '[j]\nrw=read\nsize=1m\nfilename=/data/f\n');
    writeFileSync(join(d, 's.yaml'), `${scenario('j.fio')}machine:\n  devices:\n    - { name: sdb, type: ssd, size: 1G, major: 8, minor: 16 }\nfiles:\n  - { path: /data/f, size: 1M, device: sdb }\n`);
    expect(readScenarioFile(join(d, 's.yaml')).scenario.tasks[0]!.run).toMatchObject({ type: 'fio', jobPath: 'j.fio' });
  });

  it('are refused outside it (also through a symlink), unless named with --allow; a non-fio file is never echoed', () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n');
    const d = join(dir, 'jail');
    mkdirSync(d);
    symlinkSync(secret, join(d, 'link.fio'));
    for (const job of [secret, '../secret.txt', 'link.fio']) {
      writeFileSync(join(d, 's.yaml'), scenario(job));
      const r = refusal(() => readScenarioFile(join(d, 's.yaml')));
      expect(r.code).toBe(2);
      expect(r.message).toMatch(/tasks\[0\]\.run\.job: expected a readable fio job file, but reading .* failed: .*outside the scenario's folder; name it \(or its folder\) with --allow PATH to read it$/);
      expect(r.message).not.toContain('root:x');
    }
    writeFileSync(join(d, 's.yaml'), scenario(secret));
    const allowed = refusal(() => readScenarioFile(join(d, 's.yaml'), [secret]));
    expect(allowed.message).toBe(`${join(d, 's.yaml')}:3:39: tasks[0].run.job: expected a fio job file, but "${secret}" has no [job] section before line 1 (its content is not shown)`);
  });

  it('kernel-lab fio refuses /dev/zero as a job file', async () => {
    let err = '';
    const code = await fioCommand(['/dev/zero'], () => undefined, (s) => (err += s));
    expect([code, err]).toEqual([2, '/dev/zero: expected a regular file, got a character device\n']);
  });

  it('kernel-lab fio --run takes decimal seconds only (Infinity and 1e300 never ended; 0x10 was taken as 16)', async () => {
    const job = join(dir, 'r.fio');
    writeFileSync(job, '[r]\nrw=read\nsize=1m\nfilename=/dev/sdb\n');
    for (const v of ['Infinity', '1e300', '0x10', '-1', '3601']) {
      let err = '';
      const code = await fioCommand([job, '--run', v], () => undefined, (s) => (err += s));
      expect(code).toBe(2);
      expect(err.split('\n')[0]).toBe(`kernel-lab fio: --run expects a number of seconds from 0 to 3600 (like 2 or 0.5), got ${JSON.stringify(v)}`);
    }
  });
});

describe('measurement and sweep inputs are regular files with a size limit too', () => {
  it('calibrate --fio-json refuses /dev/zero and a FIFO (both never returned), and an oversized file', () => {
    const fifo = join(dir, 'fio-result.json');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(() => calibrateCommand(['--fio-json', '/dev/zero'], () => undefined))).toEqual({ code: 2, message: '/dev/zero: expected a regular file, got a character device' });
    expect(refusal(() => calibrateCommand(['--fio-json', fifo], () => undefined))).toEqual({ code: 2, message: `${fifo}: expected a regular file, got a FIFO (named pipe)` });
    const big = join(dir, 'huge.json');
    writeFileSync(big, '');
    truncateSync(big, 64 * 1024 * 1024 + 1);
    expect(refusal(() => calibrateCommand(['--fio-json', big], () => undefined))).toEqual({ code: 2, message: `${big}: expected at most 67108864 bytes, got 67108865` });
  });

  it('import-real refuses a directory or /dev/zero as its CSV before opening the session', () => {
    const session = join(dir, 'never.klab');
    expect(refusal(() => importRealCommand([dir, '--session', session], () => undefined))).toEqual({ code: 2, message: `${dir}: expected a regular file, got a directory` });
    expect(refusal(() => importRealCommand(['/dev/zero', '--session', session], () => undefined))).toEqual({ code: 2, message: '/dev/zero: expected a regular file, got a character device' });
    expect(existsSync(session)).toBe(false);
  });

  it('a sweep file is read the same way', () => {
    expect(refusal(() => readSweepFile('/dev/zero'))).toEqual({ code: 2, message: '/dev/zero: expected a regular file, got a character device' });
    const r = cli('sweep', join(dir, 'missing.sweep.yaml'));
    expect([r.code, r.stderr]).toEqual([2, `${join(dir, 'missing.sweep.yaml')}: cannot read: ENOENT\n`]);
  });
});
