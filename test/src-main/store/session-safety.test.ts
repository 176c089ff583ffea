import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPaths } from '../../../src-main/lab/session-paths';
import { Session, type SampleBatch } from '../../../src-main/store/session';
import { baseScenario } from '../../../src-sim/scenario/defaults';
import { exportCommand } from '../../../src-main/cli/commands/export';
import { runCommand } from '../../../src-main/cli/commands/run';
import { CliError } from '../../../src-main/cli/errors';
import { cli, repoRoot } from '../cli/spawn';
import { spawnSync } from 'node:child_process';

/** Exit code and stderr of a command run in this process (a CliError is what main() prints). */
async function inProcess(f: () => number | Promise<number>): Promise<[number, string]> {
  try {
    return [await f(), ''];
  } catch (e) {
    if (e instanceof CliError) return [e.exitCode, `${e.message}\n`];
    throw e;
  }
}
const noOut = (): void => undefined;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-safety-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One new series /proc/x with these samples from index 0. */
function batch(values: Float64Array): SampleBatch {
  return { newSeries: [{ id: 0, path: '/proc/x', field: '', startIndex: 0 }], entries: [{ seriesId: 0, startIndex: 0, offset: 0, count: values.length }], values };
}

/** A session with one complete run of `samples` samples (10 ms apart), closed cleanly. */
function sessionWithRun(file: string, samples = 50): void {
  const s = Session.open(file);
  const w = s.beginRun({ appVersion: 'test', scenario: baseScenario({ durationNs: 1e9, sampleIntervalNs: 1e7 }) });
  w.addBatch(batch(Float64Array.from({ length: samples }, (_, i) => i)));
  w.finish({ status: 'complete', simulatedNs: 1e9, wallMs: 1, events: 1, actions: [], summary: null });
  s.close();
}

describe('read commands open sessions read-only', () => {
  it('reads a session in a read-only folder and creates nothing beside it (was "attempt to write a readonly database")', () => {
    const d = join(dir, 'ro');
    mkdirSync(d);
    const f = join(d, 'a.klab');
    sessionWithRun(f);
    chmodSync(f, 0o444);
    chmodSync(d, 0o555);
    try {
      const s = Session.open(f, { create: false, readOnly: true });
      expect(s.listRuns().map((r) => [r.id, r.status])).toEqual([[1, 'complete']]);
      expect(s.seriesValues(1, 0).values.length).toBe(50);
      s.close();
      const r = cli('runs', f);
      expect(r.code).toBe(0);
      expect(readdirSync(d)).toEqual(['a.klab']);
    } finally {
      chmodSync(d, 0o755);
    }
  });

  it('refuses a damaged file without creating -wal/-shm beside it', () => {
    const d = join(dir, 'damaged');
    mkdirSync(d);
    const good = join(d, 'good.klab');
    sessionWithRun(good);
    const bytes = readFileSync(good);
    bytes.fill(0x41, 100, 4096);
    const bad = join(d, 'bad.klab');
    writeFileSync(bad, bytes);
    const r = cli('runs', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.klab: (damaged session|kernel-lab runs).*malformed/);
    expect(r.stderr).not.toContain('    at ');
    expect(readdirSync(d).sort()).toEqual(['bad.klab', 'good.klab']);
  });

  it('a killed run shows the simulated time of its last stored sample, not 0s', () => {
    const f = join(dir, 'killed.klab');
    const s = Session.open(f);
    const w = s.beginRun({ appVersion: 'test', scenario: baseScenario({ durationNs: 10e9, sampleIntervalNs: 1e7 }) });
    w.addBatch(batch(new Float64Array(301)));
    // No finish: the process "dies" (the row stays 'running', its owner gone once the session is closed).
    s.close();
    const again = Session.open(f, { readOnly: true });
    expect(again.listRuns().map((r) => [r.status, r.simulatedNs])).toEqual([['incomplete', 3e9]]);
    again.close();
  });
});

describe('session arguments that are not session files', () => {
  it('a directory or a missing folder as --session is bad input (exit 2), not an internal error', async () => {
    const scenario = join(dir, 's.yaml');
    writeFileSync(scenario, 'duration: 10ms\n');
    expect(await inProcess(() => runCommand([scenario, '--session', dir], noOut, noOut))).toEqual([2, `${dir}: expected a session file, got a directory or special file\n`]);
    const missing = join(dir, 'no', 'such', 'x.klab');
    expect(await inProcess(() => runCommand([scenario, '--session', missing], noOut, noOut))).toEqual([2, `${missing}: no such folder ${join(dir, 'no', 'such')}\n`]);
  });
});

describe('export --out', () => {
  it('refuses the session itself and its -wal/-shm, leaving the session intact (it was destroyed with exit 0)', async () => {
    const f = join(dir, 'victim.klab');
    sessionWithRun(f);
    const before = readFileSync(f);
    for (const out of [f, `${f}-wal`, `${f}-shm`]) {
      expect(await inProcess(() => exportCommand([f, '--run', '1', '--format', 'csv', '--out', out], noOut))).toEqual([
        2,
        `kernel-lab export: --out ${out}: that is the session being read (or its -wal/-shm); choose another file\n`,
      ]);
    }
    expect(readFileSync(f).equals(before)).toBe(true);
  });

  it('says when the folder is missing and writes the file whole', async () => {
    const f = join(dir, 'e.klab');
    sessionWithRun(f, 3);
    const missing = join(dir, 'nowhere', 'x.csv');
    expect(await inProcess(() => exportCommand([f, '--run', '1', '--format', 'csv', '--out', missing], noOut))).toEqual([
      2,
      `kernel-lab export: --out ${missing}: no such folder ${join(dir, 'nowhere')}\n`,
    ]);
    const ok = join(dir, 'e.csv');
    expect(await inProcess(() => exportCommand([f, '--run', '1', '--format', 'csv', '--out', ok], noOut))).toEqual([0, '']);
    expect(readFileSync(ok, 'utf8')).toBe('time_ns,/proc/x\n0,0\n10000000,1\n20000000,2\n');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('session paths', () => {
  it('follow a dangling symlink to where SQLite would create the file', () => {
    const root = join(dir, 'root');
    mkdirSync(root);
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(join(outside, 'x.klab'), join(root, 'dangling.klab'));
    symlinkSync(join(root, 'inner-target.klab'), join(root, 'inner.klab'));
    const p = new SessionPaths(root);
    expect(p.resolve('dangling.klab')).toBe(join(outside, 'x.klab'));
    expect(p.resolve('inner.klab')).toBe(join(root, 'inner-target.klab'));
    expect(existsSync(join(outside, 'x.klab'))).toBe(false);
  });
});

describe('a session file that cannot grow (full disk, file size limit)', () => {
  it('stops the run with exit 2 and a clear error, and keeps every earlier run intact (it crashed with exit 1)', () => {
    const f = join(dir, 'full.klab');
    sessionWithRun(f);
    const scenario = join(dir, 'fill.yaml');
    writeFileSync(scenario, 'duration: 5s\nsample_interval: 1ms\nmachine: { cpus: 2, memory: 1G }\ntasks: [{ name: c, run: { type: cpu } }]\n');
    // RLIMIT_FSIZE (ulimit -f, KiB) a little above the file's size stands in for a full disk: writes past it fail with EFBIG.
    const limitKiB = Math.ceil(readFileSync(f).length / 1024) + 64;
    const r = spawnSync('bash', ['-c', `trap "" XFSZ; ulimit -f ${limitKiB}; exec "$0" bin/kernel-lab.mjs run "$1" --session "$2"`, process.execPath, scenario, f], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot write the session \\(SQLITE_(IOERR_WRITE|FULL)[^)]*\\); the run stopped there, runs committed before are kept\\n$`));
    const s = Session.open(f, { readOnly: true });
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(s.listRuns()[0]).toMatchObject({ id: 1, status: 'complete' });
    expect(Array.from(s.seriesValues(1, 0).values)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    s.close();
  });
});
