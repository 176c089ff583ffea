// Issue 17: importing a topology asks first when it would drop disks or leave
// io.max lines and pinned tasks naming what the imported machine lacks. The
// dialog names each; Cancel leaves the scenario as it was; Import applies.
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { addCgroup, addDisk, addTask, enter, go, importTopology, writeCgroupFile } from './actions/workbench';
import { machinePage, workloadsPage } from './pages/app';
import { repoRoot } from './support/build-renderer';
import { closeWorkbench, openWorkbench, shotsDir } from './support/workbench-page';

const sl390s = resolve(repoRoot, 'test/fixtures/data/hwloc-xml/24em64t-2n6c2t-pci.xml');
const e4310 = resolve(repoRoot, 'test/fixtures/data/lscpu/lscpu-x86_64-dell_e4310');

describe('topology import asks before dropping disks and breaking pins (Chromium)', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('import-impact'));
  });
  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('lists sdb, its io.max line and the pinned task; Cancel keeps everything; Import applies the 4-CPU machine', async () => {
    const m = machinePage(page);
    await importTopology(page, sl390s); // nothing to lose in the new scenario: imported at once
    await expect.poll(() => m.totals().textContent()).toContain('24 CPUs · 2 nodes');
    expect(await m.impact().count()).toBe(0);
    await addDisk(page, 'hdd');
    await m.topo('disk:sdb').waitFor();
    await addCgroup(page, '/', 'backup');
    await writeCgroupFile(page, '/backup', 'io.max', '8:16 rbps=1048576');
    await addTask(page, { name: 'web', cgroup: '/', type: 'cpu' });
    await enter(workloadsPage(page).cpus(), '20-23');
    await expect.poll(() => workloadsPage(page).cpus().inputValue()).toBe('20-23');

    await go(page, 'machine');
    await m.importInput().setInputFiles(e4310);
    await m.impact().waitFor();
    const losses = await m.impactLosses().allTextContents();
    expect(losses).toContain('disk sdb (8:16, hdd, 256 GiB) is not in the imported machine: it is removed');
    expect(losses).toContain("io.max line '8:16 rbps=1048576' of /backup names sdb (8:16): it stays in the scenario, naming no disk of the imported machine");
    expect(losses).toContain("task 'web' is pinned to CPU 20-23; the imported machine has CPUs 0-3: it stays in the scenario and the scenario check will refuse it");
    expect(await m.impactChanges().allTextContents()).toEqual(['CPUs: 24 → 4', 'NUMA nodes: 2 → 1', 'memory: 36.0 GiB → 16 GiB']);
    await page.screenshot({ path: join(shotsDir, 'import-impact-01-dialog.png') });
    // Drawn on top of the view and inside the window: the element at its centre is part of it.
    const box = (await m.impact().boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    const onTop = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-role="import-impact"]') !== null, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    expect(onTop).toBe(true);

    await m.impactCancel().click();
    await expect.poll(() => m.impact().count()).toBe(0);
    expect(await m.totals().textContent()).toContain('24 CPUs · 2 nodes');
    expect(await m.topo('disk:sdb').count()).toBe(1);
    expect(await m.notes().textContent()).toContain('24em64t-2n6c2t-pci.xml');
    await go(page, 'workloads');
    await workloadsPage(page).task('web').click();
    expect(await workloadsPage(page).cpus().inputValue()).toBe('20-23');

    await go(page, 'machine');
    await m.importInput().setInputFiles(e4310);
    await m.impactConfirm().click();
    await expect.poll(() => m.totals().textContent()).toContain('4 CPUs · 1 nodes');
    expect(await m.topo('disk:sdb').count()).toBe(0);
    expect(await m.impact().count()).toBe(0);
    expect(await m.notes().textContent()).toContain('lscpu-x86_64-dell_e4310');
    await page.screenshot({ path: join(shotsDir, 'import-impact-02-applied.png'), fullPage: true });
  });
});
