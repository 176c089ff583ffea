import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/api';
import type { Scenario } from '../../../src-sim/scenario/types';
import { buildReproScript } from '../../../src-main/lab/repro-script';
import { parseRealCsv, REAL_SUMMARY_FORMAT } from '../../../src-main/lab/real-import';
import { Session } from '../../../src-main/store/session';
import { cli, repoRoot } from '../cli/spawn';

const load = (file: string): Scenario => loadScenario(readFileSync(join(repoRoot, file), 'utf8'), file, { readFile: (p) => readFileSync(join(repoRoot, p), 'utf8') });
const presets = readdirSync(join(repoRoot, 'resources/scenarios')).filter((f) => f.endsWith('.yaml'));
const script = (file: string): string => buildReproScript({ scenario: load(file), live: [], runLabel: 'test' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-repro-'));
  chmodSync(dir, 0o777);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run bash as an unprivileged user (nobody) when the tests run as root, else as ourselves. */
function bashAsUser(file: string, args: string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'setpriv' : 'bash';
  const argv = asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', file, ...args] : [file, ...args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('reproduction script (export --format script)', () => {
  it('is valid bash for every preset and the trace fixture (bash -n)', () => {
    for (const f of [...presets.map((p) => `resources/scenarios/${p}`), 'test/fixtures/interop/trace-mix.yaml']) {
      const path = join(dir, `${f.replace(/\W+/g, '_')}.sh`);
      writeFileSync(path, script(f));
      const r = spawnSync('bash', ['-n', path], { encoding: 'utf8' });
      expect(r.stderr, f).toBe('');
      expect(r.status, f).toBe(0);
    }
  });

  it('prints its plan and refuses to run without root, changing nothing', () => {
    const path = join(dir, 'trace-mix.sh');
    writeFileSync(path, script('test/fixtures/interop/trace-mix.yaml'), { mode: 0o755 });
    const out = join(dir, 'never.csv');
    const work = join(dir, 'never-work');
    const r = bashAsUser(path, [], { OUT: out, WORK: work });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to run without root: it writes /proc/sys, /sys/fs/cgroup and /sys/block');
    expect(r.stdout).toContain('It will change:');
    expect(r.stdout).toContain('  write /capped/memory.max = 64M');
    expect(r.stdout).toContain('  at 0.5 s: write /sys/devices/system/cpu/cpu1/online = 0');
    expect(r.stdout).toContain('  start 2 × hog (cpu) in /batch');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(work)).toBe(false);
  });

  it('--dry-run prints the plan and exits 0; an unknown option exits 2', () => {
    const path = join(dir, 'trace-mix.sh');
    writeFileSync(path, script('test/fixtures/interop/trace-mix.yaml'), { mode: 0o755 });
    const dry = bashAsUser(path, ['--dry-run'], {});
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Kernel Lab reproduction of "trace-mix": 1\.5 s, samples every 0\.05 s\.\nIt will change:\n/);
    const bad = bashAsUser(path, ['--frobnicate'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: .* \[--yes \| --dry-run\]/);
  });

  it('writes cgroup v2 files under $CGROOT, maps MAJ:MIN to the real disk and reads the tool list from the workloads', () => {
    const s = script('resources/scenarios/io-max-backup.yaml');
    expect(s).toContain(`at_ns 10000000000; kwrite "$CGROOT"'/backup/io.max' "$(devnum sda)"' rbps=20971520' '/sys/fs/cgroup/backup/io.max'`);
    expect(s).toContain('for tool in fio; do');
    expect(s).toContain('rw=read\ndirect=1');
    expect(s).toContain('bs=1048576');
  });

  it('passes a region\'s madvise to stress-ng (--vm-madvise), only where the scenario sets it', () => {
    const s = script('resources/scenarios/thp-random-working-set.yaml');
    const vm = s.split('\n').filter((l) => l.includes('stress-ng --vm 1'));
    expect(vm).toHaveLength(2);
    expect(vm.filter((l) => l.includes('--vm-madvise hugepage'))).toHaveLength(1);
  });

  it('writes cgroup v1 files per controller hierarchy', () => {
    const s = script('resources/scenarios/mem-soft-limits-v1.yaml');
    expect(s).toContain(`mkdir -p "$CGV1"/'memory'/kernel-lab;`);
    expect(s).toMatch(/kwrite "\$CGV1"\/'memory'\/kernel-lab'\/[a-z]+\/memory\.soft_limit_in_bytes'/);
    expect(s).toContain('[ -d "$CGV1/memory" ] ||');
  });

  it('sets sysctls with their old values restored on exit', () => {
    const s = script('resources/scenarios/rt-runtime-limit.yaml');
    const sc = load('resources/scenarios/rt-runtime-limit.yaml');
    for (const [k, v] of sc.kernel.sysctl) {
      expect(s).toContain(`sysctl -qw '${k}=${v}'`);
      expect(s).toContain(`UNDO+=("sysctl -qw $(printf %q "${k}=$(sysctl -n ${k})")")`);
    }
  });

  it('its bash sampler writes rows that import-real reads back (real files of this machine)', () => {
    const text = script('test/fixtures/interop/trace-mix.yaml');
    const fn = (name: string): string => {
      const start = text.indexOf(`${name}() {`);
      const end = name === 'at_ns' ? text.indexOf('\n', start) : text.indexOf('\n}\n', start) + 2;
      return text.slice(start, end);
    };
    const out = join(dir, 'sampled.csv');
    const driver = [
      'set -euo pipefail',
      `OUT=${out}`,
      'INTERVAL_NS=20000000 DURATION_NS=60000000',
      'RECORD_REAL=(/proc/loadavg /proc/stat /proc/self/schedstat)',
      'RECORD_SIM=(/proc/loadavg /proc/stat /proc/1000/schedstat)',
      fn('at_ns'),
      fn('sampler'),
      "printf '%s\\n' '# kernel-lab/real-samples@1 scenario=probe interval_ns=20000000 duration_ns=60000000 cgroup_version=2' 't_ns,path,text' > \"$OUT\"",
      'T0=$(date +%s%N)',
      'sampler',
    ].join('\n');
    const r = spawnSync('bash', ['-c', driver], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const samples = parseRealCsv(readFileSync(out, 'utf8'), 'sampled.csv');
    // 4 ticks (0, 20, 40, 60 ms); /proc/stat "cpu  user nice …" has numbers by position per line.
    const stat = samples.series.filter((x) => x.path === '/proc/stat');
    expect(stat.length).toBeGreaterThan(3);
    expect(samples.series.find((x) => x.path === '/proc/1000/schedstat' && x.field === '2')!.values.length).toBeGreaterThanOrEqual(3);
    expect(samples.lastText['/proc/loadavg']).toMatch(/^\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+\/\d+ \d+\n$/);
  });
});

describe('kernel-lab import-real', () => {
  const csv = 'test/fixtures/interop/real-samples/cpu-weights-real.csv';

  it('parses the fixture: fields as the recorder names them, samples on the scenario grid, the write as an event', () => {
    const s = parseRealCsv(readFileSync(join(repoRoot, csv), 'utf8'), csv);
    expect(s.scenario).toBe('cpu-weights');
    expect(s.kernel).toBe('6.8.0-49-generic');
    const web = s.series.find((x) => x.path === '/sys/fs/cgroup/web/cpu.stat' && x.field === 'usage_usec')!;
    expect(web.startIndex).toBe(0);
    expect(web.values.length).toBe(101);
    // web has 3/4 of a CPU for the first 5 s: 100 ms → 75,000 µs ± 2 %.
    expect((web.values[50]! - web.values[0]!) / 50).toBeGreaterThan(73_500);
    expect((web.values[50]! - web.values[0]!) / 50).toBeLessThan(76_500);
    expect(s.log).toEqual([{ t_ns: 5_000_412_000, kind: 'write', path: '/sys/fs/cgroup/batch/cpu.weight', value: '300' }]);
    expect(s.series.find((x) => x.path === '/sys/fs/cgroup/web/cpu.pressure' && x.field === 'some.avg10')).toBeDefined();
  });

  it('stores it beside the simulated run; series names match; export and cat work on it; a trace is refused', () => {
    const session = join(dir, 'real.klab');
    expect(cli('run', 'resources/scenarios/cpu-weights.yaml', '--duration', '2s', '--session', session).code).toBe(0);
    const r = cli('import-real', csv, '--session', session);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`imported 32 series (1 events) from ${csv} as run 2 "real: testbox 6.8.0-49-generic" beside run 1 in ${session}\n`);
    const db = Session.open(session, { create: false });
    try {
      const sim = new Set(db.seriesCatalogue(1).map((x) => `${x.path}:${x.field}`));
      const real = db.seriesCatalogue(2).map((x) => `${x.path}:${x.field}`);
      expect(real.filter((k) => k.includes('/cgroup/')).every((k) => sim.has(k))).toBe(true);
      expect((db.runSummary(2) as { format: string }).format).toBe(REAL_SUMMARY_FORMAT);
      expect(db.getRun(2)!.status).toBe('complete');
      expect(db.events(2).map((e) => e.kind)).toEqual(['write']);
    } finally {
      db.close();
    }
    const exported = cli('export', session, '--run', '2', '--format', 'csv');
    expect(exported.code).toBe(0);
    expect(exported.stdout.split('\n')[0]).toContain('/sys/fs/cgroup/web/cpu.stat:usage_usec');
    expect(cli('cat', session, '--run', '2', '/sys/fs/cgroup/batch/cpu.stat').stdout).toMatch(/^usage_usec \d+\n/);
    const trace = cli('export', session, '--run', '2', '--format', 'perfetto');
    expect(trace.code).toBe(2);
    expect(trace.stderr).toBe(`${session}: run 2 was measured on a real machine (import-real): --format perfetto needs a simulated run\n`);
  });

  it('reports a malformed CSV at FILE:LINE:COL with exit code 2 and stores nothing', () => {
    const session = join(dir, 'bad.klab');
    expect(cli('run', 'resources/scenarios/cpu-weights.yaml', '--duration', '1s', '--session', session).code).toBe(0);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '# kernel-lab/real-samples@1 scenario=cpu-weights interval_ns=100000000 duration_ns=1000000000\nt_ns,path,text\n12x,"/proc/stat","cpu 1 2"\n');
    const r = cli('import-real', bad, '--session', session);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${bad}:3:1: t_ns: expected an integer number of nanoseconds, got "12x"\n`);
    const notOurs = join(dir, 'other.csv');
    writeFileSync(notOurs, 'a,b,c\n1,2,3\n');
    expect(cli('import-real', notOurs, '--session', session).stderr).toMatch(/other\.csv:1:1: expected the first line "# kernel-lab\/real-samples@1/);
    const db = Session.open(session, { create: false });
    expect(db.listRuns().length).toBe(1);
    db.close();
  });
});
