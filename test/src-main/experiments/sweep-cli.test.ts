import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAsync } from '../cli/spawn';

const F = 'test/src-main/experiments/fixtures';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-sweep-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SweepResult {
  format: string;
  experiment: number | null;
  points: { index: number; values: Record<string, unknown>; done: number; failed: number; error: string | null; runs: number[]; metrics: Record<string, { n: number; mean: number | null }> }[];
}

describe('kernel-lab sweep (local pool)', () => {
  it('runs every point × seed, stores each as an openable run, and a refused value shows the kernel error while the others go on', () => {
    const session = join(dir, 'quota.klab');
    const r = cli('sweep', `${F}/cpu-max.sweep.yaml`, '--session', session, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as SweepResult;
    expect(doc.format).toBe('kernel-lab/sweep-result@1');
    const [low, refused, high] = doc.points;
    expect(refused!.failed).toBe(2);
    expect(refused!.error).toBe(
      `${F}/randread.yaml:38:35: timeline[0].write["/sys/fs/cgroup/web/cpu.max"]: the kernel refuses "500 100000": Invalid argument (EINVAL): quota 500us is below 1000us`,
    );
    // cpu.max caps the hog's usage at quota/period of one CPU for the 1 s run (kernel/sched/fair.c bandwidth).
    const usage = '/sys/fs/cgroup/web/cpu.stat:usage_usec';
    expect(low!.metrics[usage]!.mean).toBeCloseTo(200_000, -4);
    expect(high!.metrics[usage]!.mean).toBeCloseTo(800_000, -4);
    expect(low!.runs).toHaveLength(2);
    // Each point's run is a normal stored run: its final file reads back.
    const cat = cli('cat', session, '--run', String(high!.runs[0]), '/sys/fs/cgroup/web/cpu.max');
    expect(cat.stdout).toBe('80000 100000\n');
  });

  it('two knobs print one grid per metric (rows: first knob, columns: second)', () => {
    const r = cli('sweep', `${F}/grid.sweep.yaml`);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('quota × cpus: 4 points × 1 seeds; metric mean ± 95 % CI');
    expect(lines[2]).toBe('/sys/fs/cgroup/web/cpu.stat:usage_usec (rows: quota, columns: machine.cpus)');
    expect(lines[3]).toMatch(/^ {2}quota +1 +2$/);
    // Half a second at 20 % and 60 % of a CPU: 100 ms and 300 ms, with 1 or 2 CPUs alike (one task).
    // cpu.max quota/period of one CPU over the run (kernel/sched/fair.c bandwidth), within 0.5 %.
    const cells = (line: string): number[] => line.trim().split(/\s{2,}/).slice(1).map(Number);
    expect(lines[4]).toMatch(/^ {2}20000 100000 /);
    expect(lines[5]).toMatch(/^ {2}60000 100000 /);
    for (const v of cells(lines[4]!)) expect(Math.abs(v - 100_000)).toBeLessThan(500);
    for (const v of cells(lines[5]!)) expect(Math.abs(v - 300_000)).toBeLessThan(1500);
  });

  it('a killed sweep resumes: finished points are kept in the session and not run again', async () => {
    const session = join(dir, 'resume.klab');
    const child = cliAsync('sweep', `${F}/seeds.sweep.yaml`, '--session', session, '--jobs', '1', '--progress');
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('1/3 runs done')) resolve();
      });
      child.on('exit', () => reject(new Error(`sweep ended before the kill: ${text}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const again = cli('sweep', `${F}/seeds.sweep.yaml`, '--session', session, '--progress', '--json');
    expect(again.code).toBe(0);
    expect(again.stderr.split('\n')[0]).toMatch(/^[12]\/3 runs done$/);
    const doc = JSON.parse(again.stdout) as SweepResult;
    expect(doc.points[0]!.done).toBe(3);
    expect(doc.points[0]!.metrics['/sys/block/sda/stat:0']!.n).toBe(3);
    // The run in flight at the kill stays as an incomplete run; each seed has exactly one complete run.
    const runs = cli('runs', session).stdout;
    expect(runs.match(/\bcomplete\b/g)).toHaveLength(3);
  });

  it('a bad sweep file lists every problem as FILE:LINE:COL with exit code 2', () => {
    const r = cli('sweep', `${F}/bad.sweep.yaml`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        `${F}/bad.sweep.yaml:4:8: seeds: expected FIRST..LAST with FIRST ≤ LAST, got "3..1"`,
        `${F}/bad.sweep.yaml:6:11: knobs[0].file: expected an absolute virtual file path like /proc/sys/vm/dirty_ratio`,
        `${F}/bad.sweep.yaml:8:42: knobs[1].colour: unknown key "colour" (a knob has file or key, values, and optionally label)`,
        `${F}/bad.sweep.yaml:10:5: metrics[0]: expected PATH:FIELD with an absolute virtual file path (e.g. /proc/vmstat:pgscan_direct), got "cpu.stat:usage_usec"`,
        '',
      ].join('\n'),
    );
  });
});
