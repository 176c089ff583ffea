import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HELP } from '../../../src-main/cli/help';
import { main } from '../../../src-main/cli/main';
import { cli, fixture, type CliResult } from './spawn';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('kernel-lab validate', () => {
  it('accepts a valid scenario with exit code 0', () => {
    const r = cli('validate', fixture('idle.yaml'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${fixture('idle.yaml')}: ok (idle: 2 CPUs, 1 cgroups, 0 tasks, 1 timeline actions, 2s)\n`);
  });

  it('reports bad units as FILE:LINE:COL: path: expected… with exit code 2', () => {
    const r = cli('validate', fixture('bad-units.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${fixture('bad-units.yaml')}:3:11: duration: expected a duration like 2ms (units ns, us, ms, s, m), got "10 parsecs"\n`);
  });

  it('refuses a fio job on a regular file of a machine with no disk, naming the scenario line and the job file\'s filename= line (was reported only when the task started)', () => {
    const f = fixture('fio-no-disk/scenario.yaml');
    const r = cli('validate', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${f}:3:39: tasks[0].run.job: write.fio:6: job "seqwrite": filename=/data/out.bin is a regular file, but the machine has no block device to hold it: expected a disk under machine.devices (or plugged on the timeline), or filename=/dev/NAME of one\n`,
    );
  });

  it('reports a missing file with exit code 2', () => {
    const r = cli('validate', 'no/such.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('no/such.yaml: cannot read: ENOENT\n');
  });
});

describe('kernel-lab run', () => {
  it('--json prints exactly one kernel-lab/summary@1 document with files, tasks and log', () => {
    const r = cli('run', fixture('idle.yaml'), '--json', '--seed', '9', '--duration', '1500ms');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['format', 'scenario', 'seed', 'simulated_ns', 'wall_ms', 'events', 'tasks', 'files', 'log']);
    expect(doc.format).toBe('kernel-lab/summary@1');
    expect(doc.scenario).toBe('idle');
    expect(doc.seed).toBe(9);
    expect(doc.simulated_ns).toBe(1.5e9);
    expect(doc.tasks).toEqual({});
    const files = doc.files as Record<string, string>;
    for (const p of Object.keys(files)) expect(p.startsWith('/')).toBe(true);
    expect(files['/sys/block/sdb/dev']).toBe('8:16\n');
    expect(doc.log).toContainEqual({ t_ns: 1e9, kind: 'write', path: '/sys/block/sdb/queue/scheduler', value: 'none' });
  });

  it('same scenario and seed print the same --json document apart from wall time', () => {
    const strip = (out: string): unknown => ({ ...(JSON.parse(out) as object), wall_ms: 0 });
    const a = cli('run', fixture('weights.yaml'), '--json');
    const b = cli('run', fixture('weights.yaml'), '--json');
    const c = cli('run', fixture('weights.yaml'), '--json', '--seed', '5');
    expect(a.code).toBe(0);
    expect(strip(b.stdout)).toEqual(strip(a.stdout));
    expect(strip(c.stdout)).not.toEqual(strip(a.stdout));
  });

  it('without --json prints a table per cgroup and per task read from cpu.stat and schedstat', () => {
    const r = cli('run', fixture('weights.yaml'));
    expect(r.code).toBe(0);
    const row = (name: string): string[] => r.stdout.split('\n').find((l) => l.trim().startsWith(`${name} `))!.trim().split(/\s+/);
    // cgroup rows: group, usage ms, machine %, …; the two groups share the single CPU.
    const web = Number(row('/web')[1]);
    const batch = Number(row('/batch')[1]);
    expect(web + batch).toBeCloseTo(1000, -1);
    // task rows: name, pid, runtime ms, run delay ms, timeslices.
    expect(row('web')[1]).toBe('1000');
    expect(Number(row('web')[2])).toBeCloseTo(web, 0);
  });

  it('on cgroup v1 the table joins the cpu and cpuacct hierarchies per group', () => {
    const r = cli('run', fixture('weights-v1.yaml'));
    expect(r.code).toBe(0);
    const row = (name: string): string[] => r.stdout.split('\n').find((l) => l.trim().startsWith(`${name} `))!.trim().split(/\s+/);
    // group, usage ms (cpuacct.usage), machine %, nr_periods, nr_throttled (cpu.stat)
    expect(Number(row('/web')[1]) + Number(row('/batch')[1])).toBeCloseTo(1000, -1);
    expect(Number(row('/web')[3])).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/\/cpuacct/);
  });

  it('writes nothing to a session when the scenario is invalid', () => {
    const f = join(dir, 'never.klab');
    const r = cli('run', fixture('bad-units.yaml'), '--session', f);
    expect(r.code).toBe(2);
    expect(existsSync(f)).toBe(false);
  });

  it('refuses bad option values with exit code 2 and the expected form', () => {
    expect(cli('run', fixture('idle.yaml'), '--duration', '5 weeks').stderr).toBe(
      'kernel-lab run: --duration: expected a duration like 2ms (units ns, us, ms, s, m), got "5 weeks"\n',
    );
    const r = cli('run', fixture('idle.yaml'), '--sed', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kernel-lab run: unknown option --sed (see kernel-lab run --help)\n');
  });
});

describe('sessions from the command line', () => {
  it('runs, cat (final and --at T by replay) and export read back a stored run', () => {
    const f = join(dir, 's.klab');
    expect(cli('run', fixture('idle.yaml'), '--session', f).code).toBe(0);
    expect(cli('run', fixture('idle.yaml'), '--session', f, '--seed', '5').code).toBe(0);
    const runs = cli('runs', f);
    expect(runs.code).toBe(0);
    const lines = runs.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+seed\s+run\s+status\s+simulated\s+wall s\s+started/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 6))).toEqual([
      ['1', 'idle', '1', '0', 'complete', '2s'],
      ['2', 'idle', '5', '0', 'complete', '2s'],
    ]);
    const path = '/sys/block/sdb/queue/scheduler';
    const before = cli('cat', f, '--run', '1', path, '--at', '999ms');
    const after = cli('cat', f, '--run', '1', path, '--at', '1s');
    const final = cli('cat', f, path);
    expect(before.code).toBe(0);
    // The timeline write at 1 s has happened at --at 1s, not at 999 ms.
    expect(before.stdout).not.toBe(after.stdout);
    expect(after.stdout).toBe(final.stdout);
    const csv = cli('export', f, '--run', '2', '--format', 'csv');
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]!.startsWith('time_ns,')).toBe(true);
    // 2 s at 10 ms: samples 0…200.
    expect(rows.length).toBe(1 + 201);
    expect(rows[201]!.split(',')[0]).toBe('2000000000');
    const out = join(dir, 'e.json');
    expect(cli('export', f, '--run', '2', '--format', 'json', '--out', out).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { format: string; series: { values: unknown[]; interval_ns: number }[] };
    expect(doc.format).toBe('kernel-lab/export@1');
    expect(doc.series.length).toBe(rows[0]!.split(',').length - 1);
    for (const s of doc.series) expect(s.values.length).toBe(201);
  });

  it('names a missing run, a file outside the run and a time past its end (exit code 2)', () => {
    const f = join(dir, 'm.klab');
    cli('run', fixture('idle.yaml'), '--session', f);
    expect(cli('cat', f, '--run', '7', '/proc/diskstats')).toMatchObject({ code: 2, stderr: `${f}: no run 7 (runs: 1)\n` });
    expect(cli('cat', f, '/proc/nope')).toMatchObject({ code: 2, stderr: `${f}: run 1: /proc/nope: No such file or directory (ENOENT)\n` });
    expect(cli('cat', f, '/proc/diskstats', '--at', '3s')).toMatchObject({
      code: 2,
      stderr: 'kernel-lab cat: --at 3s is after the end of run 1 (2s)\n',
    });
    expect(cli('export', f, '--format', 'xml', '--run', '1')).toMatchObject({
      code: 2,
      stderr: 'kernel-lab export: --format: expected csv, json, perfetto or script, got "xml"\n',
    });
  });

  it('a stored run whose scenario cannot be read back is a damaged session (exit code 2), the file unchanged', () => {
    const f = join(dir, 'broken.klab');
    cli('run', fixture('idle.yaml'), '--session', f);
    const db = new Database(f);
    db.prepare("UPDATE runs SET scenario_json = '{' WHERE id = 1").run();
    db.close();
    const h = sha(f);
    const r = cli('cat', f, '/proc/diskstats', '--at', '1s');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^kernel-lab cat: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: damaged session: a stored value is not valid JSON`));
    expect(sha(f)).toBe(h);
  });

  it('refuses a file that is not a session with exit code 2 and leaves it unchanged', () => {
    const f = join(dir, 'junk.klab');
    writeFileSync(f, Buffer.alloc(4096, 7));
    const h = sha(f);
    for (const args of [['runs', f], ['cat', f, '/proc/stat'], ['export', f, '--run', '1', '--format', 'csv']]) {
      expect(cli(...args)).toMatchObject({ code: 2, stderr: `${f}: not a Kernel Lab session (not an SQLite database)\n` });
    }
    expect(cli('run', fixture('idle.yaml'), '--session', f)).toMatchObject({ code: 2 });
    expect(sha(f)).toBe(h);
  });
});

describe('kernel-lab fio', () => {
  it('describes the jobs of a real fio job file with exit code 0', () => {
    const r = cli('fio', 'test/fixtures/data/fio-examples/aio-read.fio');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[[^\]]+\] \(line \d+\)/);
  });
});

describe('help and usage', () => {
  // In-process: the usage texts need no simulator, and spawning seven processes costs seconds.
  async function inProcess(...argv: string[]): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    try {
      return { code: await main(argv), stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  it('every command answers --help with its usage and exit code 0', async () => {
    for (const c of ['run', 'validate', 'runs', 'cat', 'export', 'fio']) {
      const r = await inProcess(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(`usage: kernel-lab ${c}`)).toBe(true);
    }
    expect((await inProcess('--help')).code).toBe(0);
    // …and through the real binary.
    expect(cli('cat', '--help')).toMatchObject({ code: 0, stdout: HELP.cat });
  });

  it('an unknown command is bad input', async () => {
    const r = await inProcess('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kernel-lab: unknown command "frobnicate" \(commands: run, validate, runs, cat, export, fio/);
  });
});
