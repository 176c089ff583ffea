// Issue 17: Compare's "predicted by weights" lines respect CPU affinity and
// mid-run weight writes. On the cpu-weights preset (/web and /batch pinned to
// cpu1, /batch's weight raised at 5 s) the old lines said 2.4 CPUs for /web
// against a measured 0.62; now /web is predicted 0.75 then 0.5 CPUs, as the
// kernel shares cpu1, and the measured use stays near it. Read from the
// chart's CSV export (the series the chart draws) and its summary table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { compareRuns, downloadVia, go, startRun, waitRunState } from './actions/workbench';
import { comparePage, galleryPage, runPage } from './pages/app';
import { repoRoot } from './support/build-renderer';
import { closeWorkbench, openWorkbench } from './support/workbench-page';

const shots = join(repoRoot, 'test-results/e2e');

describe('Compare predictions in Chromium', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('predict'));
  });

  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('cpu-weights: /web predicted 0.75 CPUs before the 5 s write and 0.5 after; the summary shows CPUs', async () => {
    await go(page, 'gallery');
    await galleryPage(page).open('cpu-weights.yaml').click();
    await startRun(page, 'weights', '10s');
    await waitRunState(page, /complete|failed/, 90_000);
    // The preset's own timeline write is marked on the live charts like a live action.
    expect(await runPage(page).markers().allTextContents()).toEqual([expect.stringContaining('timeline: /batch/cpu.weight ← 300')]);
    await compareRuns(page, ['weights'], 'sched');
    const c = comparePage(page);
    await expect.poll(() => c.summaryRows().count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: join(shots, 'predict-compare.png'), fullPage: true });
    const csv = readFileSync((await (await downloadVia(page, () => c.chart(0).locator('[data-action="export-csv"]').click())).path())!, 'utf8');
    const [head, ...rows] = csv.trim().split('\n').map((l) => l.split(','));
    const col = (name: string): number => head!.indexOf(name);
    const predicted = col('weights · /web predicted by weights');
    const measured = col('weights · /web/cpu.stat usage_usec');
    expect(predicted).toBeGreaterThan(0);
    expect(measured).toBeGreaterThan(0);
    const at = (i: number, from: number, to: number): number[] =>
      rows.filter((r) => Number(r[0]) >= from && Number(r[0]) <= to && r[i] !== '').map((r) => Number(r[i]));
    expect(at(predicted, 0, 4.99).every((v) => Math.abs(v - 0.75) < 1e-6)).toBe(true);
    expect(at(predicted, 5.01, 10).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    expect(at(predicted, 0, 10).length).toBeGreaterThanOrEqual(3);
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(at(measured, 1, 4.9))).toBeCloseTo(0.75, 1);
    expect(mean(at(measured, 6, 10))).toBeCloseTo(0.5, 1);
    const summary = (await c.summaryRows().allTextContents()).join('\n');
    expect(summary).toMatch(/\/web predicted by weights\s*0\.625 CPUs/);
  });
});
