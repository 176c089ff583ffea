// End to end in real Chromium against browser mode, the bridges to real
// machines: a user adds an NVMe disk, picks fio JSON results measured on a
// real disk, reads the fitted device parameters and the model-vs-real table
// and applies them to the disk; then runs a preset, downloads its
// reproduction script, and imports the CSV such a script wrote on a real
// machine beside the simulated run in Compare.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { addDisk, calibrateFromFio, downloadVia, go, startRun, waitRunState } from './actions/workbench';
import { calibrationPanel, comparePage, galleryPage, machinePage, runPage } from './pages/app';
import { repoRoot } from './support/build-renderer';
import { closeWorkbench, openWorkbench } from './support/workbench-page';

const shots = join(repoRoot, 'test-results/e2e');
const fixture = (f: string): string => resolve(repoRoot, 'test/fixtures/fio-json', f);
/** The percentage error the panel shows in a row (its data-error attribute). */
const shownError = async (p: Page, job: string, dir: string, metric: string): Promise<number> =>
  Number(await calibrationPanel(p).row(job, dir, metric).getAttribute('data-error'));

describe('calibration, reproduction script and real-machine import in Chromium (browser mode)', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('cal'));
  });

  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('a file that is not fio JSON is refused naming the file', async () => {
    await addDisk(page, 'nvme');
    await calibrateFromFio(page, [resolve(repoRoot, 'test/fixtures/interop/trace-mix.yaml')]);
    expect(await calibrationPanel(page).error().textContent()).toMatch(/trace-mix\.yaml: not JSON .*run fio with --output-format=json/);
  });

  it('fits the NVMe results: bandwidth, latency and its p99 spread, shown with model vs real per job', async () => {
    const c = calibrationPanel(page);
    await calibrateFromFio(page, [fixture('nvme-reads.json'), fixture('nvme-writes.json')]);
    expect(await c.error().count()).toBe(0);
    expect(await c.param('bandwidth_mbps').textContent()).toBe('3420');
    expect(Number(await c.param('read_lat_us').textContent())).toBeGreaterThan(50);
    // The writes' p99 is 1.73× their mean, the reads' 1.40×: two variations, each fitted.
    expect(Number(await c.param('write_lat_cv').textContent())).toBeGreaterThan(2 * Number(await c.param('lat_cv').textContent()));
    for (const [job, d] of [['randread-4k-qd1', 'read'], ['randwrite-4k-qd1', 'write']] as const) {
      expect(Math.abs(await shownError(page, job, d, 'mean clat'))).toBeLessThan(3);
      expect(Math.abs(await shownError(page, job, d, 'p99 clat'))).toBeLessThan(5);
    }
    expect(Math.abs(await shownError(page, 'read-128k-qd32', 'read', 'bandwidth'))).toBeLessThan(2);
    expect(await c.row('randread-4k-qd1', 'read', 'p99 clat').textContent()).toMatch(/p99 clat99\.0 µs/);
    await page.screenshot({ path: join(shots, 'interop-01-fitted.png'), fullPage: true });
  }, 150_000);

  it('applies the fitted parameters to the disk of the machine', async () => {
    const m = machinePage(page);
    expect(await m.diskParams().textContent()).toContain('the nvme defaults');
    await calibrationPanel(page).apply().click();
    await calibrationPanel(page).applied().waitFor();
    const shown = await m.diskParams().textContent();
    expect(shown).toContain('bandwidth_mbps 3420');
    expect(shown).toMatch(/write_lat_cv 0\.\d+/);
    await page.screenshot({ path: join(shots, 'interop-02-applied.png'), fullPage: true });
  });

  it('Run → Export reproduction script downloads the bash script of the finished run', async () => {
    await go(page, 'gallery');
    await galleryPage(page).open('cpu-weights.yaml').click();
    await expect.poll(() => machinePage(page).totals().textContent()).toContain('4 CPUs · 1 nodes · 8 GiB');
    // The preset writes cpu.weight at 5 s: the run must cover it.
    await startRun(page, 'weights', '6s', 'max');
    await waitRunState(page, /complete/, 120_000);
    const d = await downloadVia(page, () => runPage(page).exportScript().click());
    const script = readFileSync((await d.path())!, 'utf8');
    expect(d.suggestedFilename()).toMatch(/^cpu-weights-run\d+\.reproduce\.sh$/);
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('refusing to run without root');
    expect(script).toMatch(/stress-ng --cpu 1/);
  }, 150_000);

  it('Compare → Import real-machine CSV adds the measured run beside the simulated one and charts it', async () => {
    await go(page, 'compare');
    const c = comparePage(page);
    await c.importReal().setInputFiles(resolve(repoRoot, 'test/fixtures/interop/real-samples/cpu-weights-real.csv'));
    const real = c.run('real: testbox 6.8.0-49-generic');
    await real.waitFor({ timeout: 30_000 });
    await expect.poll(() => real.isChecked()).toBe(true);
    expect(await c.error().count()).toBe(0);
    await expect.poll(() => c.charts().count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // Model and reality together: the user also picks the simulated run; the summary gets a column each and a Δ.
    await c.run('weights').check();
    await expect.poll(() => c.summaryRows().first().textContent(), { timeout: 30_000 }).toMatch(/real: testbox 6\.8\.0-49-generic.*weights.*Δ weights/);
    await page.screenshot({ path: join(shots, 'interop-03-real-import.png'), fullPage: true });
  }, 60_000);
});
