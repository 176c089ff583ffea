// Issue 17: scenario fields that had no UI — a task's CPU affinity, policy
// and real-time priority (Workloads), the seed, sample interval and recorded
// files (Run). Each is set through the UI, refused values are not kept and
// say why, and the run that follows used every one of them.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { addTask, enter, go, startRun, waitRunState } from './actions/workbench';
import { runPage, workloadsPage } from './pages/app';
import { closeWorkbench, openWorkbench, shotsDir } from './support/workbench-page';

describe('scenario fields without UI until now (Chromium)', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(shotsDir, `fields-${name}.png`), fullPage: true });

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('fields'));
  });
  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('Workloads: CPU affinity, policy and rt priority are set; a CPU the machine lacks and priority 150 are refused and not kept', async () => {
    const w = workloadsPage(page);
    await addTask(page, { name: 'rt', cgroup: '/', type: 'cpu' });
    await enter(w.cpus(), '7');
    await expect.poll(() => w.schedError().textContent()).toBe('task "rt": CPU affinity: expected CPUs of this machine (0-3), got CPU 7');
    expect(await w.cpus().inputValue()).toBe('');
    await enter(w.cpus(), '1-x');
    await expect.poll(() => w.schedError().textContent()).toMatch(/^task "rt": CPU affinity "1-x": .*expected a CPU list like "0-3,8,10-11"/);
    await enter(w.cpus(), '1');
    await expect.poll(() => w.schedError().count()).toBe(0);
    expect(await w.rtPriority().isDisabled()).toBe(true);
    await w.policy().selectOption('SCHED_FIFO');
    await expect.poll(() => w.rtPriority().inputValue()).toBe('1');
    await enter(w.rtPriority(), '150');
    await expect.poll(() => w.schedError().textContent()).toBe('task "rt": rt priority: expected rt_priority 1..99 with SCHED_FIFO (sched_setscheduler refuses 150 with EINVAL)');
    expect(await w.rtPriority().inputValue()).toBe('1');
    await enter(w.rtPriority(), '42');
    await expect.poll(() => w.schedError().count()).toBe(0);
    await shot('01-workloads');

    await addTask(page, { name: 'bg', cgroup: '/', type: 'cpu' });
    await enter(w.cpus(), '2-3');
    await w.policy().selectOption('SCHED_BATCH');
    await expect.poll(() => w.rtPriority().inputValue()).toBe('0');
    await w.task('rt').click();
    expect(await w.cpus().inputValue()).toBe('1');
    expect(await w.policy().inputValue()).toBe('SCHED_FIFO');
    expect(await w.rtPriority().inputValue()).toBe('42');
  });

  it('Run: seed, sample interval and recorded files are set; -5, 0s and a file the kernel lacks are refused and not kept', async () => {
    await go(page, 'run');
    const r = runPage(page);
    await enter(r.seed(), '-5');
    await expect.poll(() => r.settingsError().textContent()).toBe('seed: expected a whole number from 0 to 4294967295, got -5');
    expect(await r.seed().inputValue()).toBe('1');
    await enter(r.seed(), '42');
    await expect.poll(() => r.settingsError().count()).toBe(0);
    await enter(r.sampleInterval(), '0s');
    await expect.poll(() => r.settingsError().textContent()).toBe('sample interval "0s": expected a positive duration such as 100ms or 1s');
    await enter(r.sampleInterval(), '50ms');
    await expect.poll(() => r.settingsError().count()).toBe(0);
    await enter(r.recordFiles(), '/proc/pressure/cpu\n/proc/no_such_file');
    await expect.poll(() => r.settingsError().textContent()).toMatch(/^recorded files: .*\/proc\/no_such_file/);
    expect(await r.recordFiles().inputValue()).toBe('');
    await enter(r.recordFiles(), '/proc/pressure/cpu\n/proc/stat\n');
    await expect.poll(() => r.settingsError().count()).toBe(0);
    expect(await page.locator('[data-role="run-settings"] summary').textContent()).toContain('seed 42 · every 50 ms · 2 recorded files');
    await shot('02-run-settings');
  });

  it('the run used them all: its stored scenario, its 50 ms samples of only the two files, and CPU time only on CPUs 1-3', async () => {
    await startRun(page, 'fields', '1s');
    expect(await waitRunState(page, /^(complete|failed|cancelled)$/, 120_000)).toBe('complete');
    const run = lab.lab.listRuns().find((x) => x.name === 'fields')!;
    const stored = JSON.parse(lab.lab.exportScenario(run.id, 'json').text) as {
      seed: number;
      sample_interval: string;
      record: string[];
      tasks: { name: string; cpus?: string; policy?: string; rt_priority?: number }[];
    };
    expect(stored.seed).toBe(42);
    expect(stored.sample_interval).toBe('50ms');
    expect(stored.record).toEqual(['/proc/pressure/cpu', '/proc/stat']);
    const byName = new Map(stored.tasks.map((t) => [t.name, t]));
    expect(byName.get('rt')).toMatchObject({ cpus: '1', policy: 'SCHED_FIFO', rt_priority: 42 });
    expect(byName.get('bg')).toMatchObject({ cpus: '2-3', policy: 'SCHED_BATCH' });
    const cat = lab.lab.seriesCatalogue(run.id);
    expect(cat.sampleIntervalNs).toBe(50e6);
    expect(new Set(cat.series.map((s) => s.path))).toEqual(new Set(['/proc/pressure/cpu', '/proc/stat']));
    // /proc/stat at the end: the pinned hogs kept CPU 1 and one of CPUs 2-3 busy; CPU 0 ran neither (USER_HZ ticks, 1 s = 100).
    const stat = await lab.lab.fileAt(run.id, '/proc/stat', 1e9);
    const busy = (cpu: number): number => {
      const f = new RegExp(`^cpu${cpu} (.*)$`, 'm').exec(stat)![1]!.trim().split(/\s+/).map(Number);
      return f[0]! + f[1]! + f[2]!;
    };
    expect(busy(1)).toBeGreaterThanOrEqual(95);
    expect(busy(2) + busy(3)).toBeGreaterThanOrEqual(95);
    expect(busy(0)).toBeLessThanOrEqual(5);
  }, 180_000);
});
