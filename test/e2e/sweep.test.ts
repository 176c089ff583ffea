// The Sweep view end to end in real Chromium against browser mode: a 1-D
// sweep built from the current scenario (line with a 95 % band), a 2-D sweep
// from a sweep file (heatmap), each point's runs opened in Compare. The
// charts are checked by what they draw: pixels in the plot, and the exported
// SVG's mean line, band and heatmap cells against the numbers in the table.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { LIGHT_THEME } from '../../src-renderer/charts/theme';
import { chartShot, downloadVia, go } from './actions/workbench';
import { comparePage, galleryPage, sweepPage } from './pages/app';
import { repoRoot } from './support/build-renderer';
import { closeWorkbench, openWorkbench } from './support/workbench-page';
import { inkPixels, plotArea, svgAreas, svgHeatmapCells, svgLines, svgSeriesPaths } from './support/pixels';

const shots = join(repoRoot, 'test-results/e2e');
const F = resolve(repoRoot, 'test/src-main/experiments/fixtures');
const blue = LIGHT_THEME.palette[0]!;

describe('Sweep view in Chromium (browser mode)', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };
  const download = async (chart: 'line' | 'heatmap', what: 'svg' | 'csv'): Promise<string> =>
    readFileSync((await (await downloadVia(page, () => sweepPage(page).chart(chart).locator(`[data-action="export-${what}"]`).click())).path())!, 'utf8');

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('sweeps'));
  });

  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('sweeps read_expire over the current scenario × 3 seeds: a mean line with one point per value inside its band', async () => {
    await go(page, 'gallery');
    await galleryPage(page).open('blk-deadline-read-expire.yaml').click();
    await go(page, 'sweep');
    const s = sweepPage(page);
    await s.knobTarget(1).fill('/sys/block/sda/queue/iosched/read_expire');
    await s.knobValues(1).fill('50, 500, 2000');
    await s.metrics().fill('/sys/block/sda/stat:0');
    await s.seeds().fill('1..3');
    await s.duration().fill('300ms');
    await s.start().click();
    await expect.poll(() => s.progress().textContent(), { timeout: 150_000, interval: 500 }).toMatch(/^9\/9 runs done/);
    expect(await s.error().count()).toBe(0);
    await expect.poll(() => s.title().textContent()).toContain('3 points × 3 seeds, 9/9 runs');
    await expect.poll(() => s.pointRows().count()).toBe(3);
    expect(await s.pointRows().nth(0).textContent()).toMatch(/^50[\d.]+ ± [\d.]+/);
    await shot('11-sweep-line');

    // Pixels: the line and band are drawn inside the plot.
    const c = await chartShot(s.chart('line').locator('.chart'));
    expect(await inkPixels(page, c.png, plotArea(c.width, c.height), [blue])).toBeGreaterThan(400);
    // SVG: one visible mean line with a vertex per knob value, and a band around it; the vertices sit
    // where the table's means put them (one linear y scale, larger mean higher up).
    const svg = await download('line', 'svg');
    const lines = svgLines(svg, blue);
    expect(lines).toHaveLength(1);
    const mean = lines[0]!;
    expect(mean).toHaveLength(3);
    const [band] = svgAreas(svg, blue);
    expect(band).toHaveLength(6);
    const top = band!.slice(0, 3);
    const bottom = band!.slice(3).reverse();
    mean.forEach(([x, y], k) => {
      expect(top[k]![0]).toBeCloseTo(x, 0);
      expect(top[k]![1]).toBeLessThanOrEqual(y + 0.5);
      expect(bottom[k]![1]).toBeGreaterThanOrEqual(y - 0.5);
    });
    const csv = (await download('line', 'csv')).trim().split('\n');
    expect(csv[0]).toBe('read_expire,/sys/block/sda/stat:0 mean,/sys/block/sda/stat:0 ci95_lo,/sys/block/sda/stat:0 ci95_hi,/sys/block/sda/stat:0 n');
    const means = csv.slice(1).map((row) => Number(row.split(',')[1]));
    expect(csv.slice(1).map((row) => row.split(',')[0])).toEqual(['50', '500', '2000']);
    expect(csv.slice(1).every((row) => row.endsWith(',3'))).toBe(true);
    const [a, b] = [0, 1, 2].sort((i, j) => means[i]! - means[j]!).filter((_, i, xs) => i === 0 || i === xs.length - 1) as [number, number];
    if (means[a] === means[b]) mean.forEach(([, y]) => expect(y).toBeCloseTo(mean[0]![1], 0));
    else {
      const pxPerUnit = (mean[a]![1] - mean[b]![1]) / (means[b]! - means[a]!);
      expect(pxPerUnit).toBeGreaterThan(0);
      mean.forEach(([, y], k) => expect(Math.abs(y - (mean[a]![1] - pxPerUnit * (means[k]! - means[a]!)))).toBeLessThan(1));
    }

    // Each point's seeds are stored runs: the table opens them in Compare.
    await s.comparePoint(0).click();
    const cmp = comparePage(page);
    await expect.poll(() => page.locator('[data-role="compare-runs"] input:checked').count()).toBe(3);
    expect(await cmp.run('blk-deadline-read-expire [read_expire=50] seed 2').isChecked()).toBe(true);
    await expect.poll(() => cmp.charts().count(), { timeout: 20_000 }).toBeGreaterThan(0);
  }, 240_000);

  it('runs a 2-D sweep file (quota × cpus) and draws a heatmap cell per point, darker where the mean is larger', async () => {
    await go(page, 'sweep');
    const s = sweepPage(page);
    await s.source('file').check();
    await s.sweepFile().setInputFiles(join(F, 'grid.sweep.yaml'));
    await s.scenarioFile().setInputFiles(join(F, 'randread.yaml'));
    await s.start().click();
    await expect.poll(() => s.progress().textContent(), { timeout: 120_000, interval: 500 }).toMatch(/^4\/4 runs done/);
    await expect.poll(() => s.title().textContent()).toContain('quota × cpus');
    await expect.poll(() => s.pointRows().count()).toBe(4);
    await shot('12-sweep-heatmap');

    const svg = await download('heatmap', 'svg');
    const cells = svgHeatmapCells(svg);
    expect(cells).toHaveLength(4);
    // Rows: quota (20 % then 60 % of a CPU); columns: 1 and 2 CPUs. One hog, so the CPU count does not matter
    // and the 60 % row used three times the CPU (kernel/sched/fair.c bandwidth): its cells are darker.
    expect(cells[1]!.x).toBeGreaterThan(cells[0]!.x);
    expect(cells[2]!.y).toBeGreaterThan(cells[0]!.y);
    const light = cells.map((c) => c.rgb[0] + c.rgb[1] + c.rgb[2]);
    expect(Math.max(light[2]!, light[3]!)).toBeLessThan(Math.min(light[0]!, light[1]!));
    const rows = await s.pointRows().allTextContents();
    expect(rows[0]).toMatch(/^20000 1000001100[\d.]+k?/);
    // Pixels: the cells fill the heatmap's grid (left 120, right 90, top 40, bottom 56).
    const c = await chartShot(s.chart('heatmap').locator('.chart'));
    const grid = { x: 122, y: 42, w: c.width - 120 - 90 - 4, h: c.height - 40 - 56 - 4 };
    expect(await inkPixels(page, c.png, grid, [blue])).toBeGreaterThan(0.8 * grid.w * grid.h);
  }, 180_000);

  it('forks a stored run at t = 0.25 s with a higher cpu.max and compares parent and child from t on', async () => {
    await go(page, 'compare');
    const cmp = comparePage(page);
    for (const box of await page.locator('[data-role="compare-runs"] input:checked').all()) await box.uncheck();
    const parent = 'randread [quota=20000 100000 machine.cpus=1] seed 1';
    await cmp.run(parent).check();
    await cmp.forkAt().fill('0.25');
    await cmp.forkPath().fill('/sys/fs/cgroup/web/cpu.max');
    await cmp.forkValue().fill('80000 100000');
    await cmp.fork().click();
    await expect.poll(() => cmp.forkNote().count(), { timeout: 60_000, interval: 500 }).toBe(1);
    expect(await cmp.forkNote().textContent()).toContain(`is a fork of ${parent} at t = 0.25 s`);
    expect(await page.locator('[data-role="compare-runs"] input:checked').count()).toBe(2);
    await expect.poll(() => cmp.summaryTitle().textContent(), { timeout: 20_000 }).toContain('mean over 0.25–0.5 s');
    await shot('13-compare-fork');

    const csvOf = async (): Promise<{ head: string[]; rows: number[][] }> => {
      const text = readFileSync((await (await downloadVia(page, () => cmp.chart(0).locator('[data-action="export-csv"]').click())).path())!, 'utf8');
      const [h, ...r] = text.trim().split('\n');
      return { head: h!.split(','), rows: r.map((x) => x.split(',').map((v) => (v === '' ? NaN : Number(v)))) };
    };
    // The CPU panel starts at the fork: every sample at t ≥ 0.25 s; the child's /web then uses four times the parent's CPU.
    const cropped = await csvOf();
    expect(Math.min(...cropped.rows.map((r) => r[0]!))).toBeGreaterThanOrEqual(0.25 - 1e-9);
    const col = (name: RegExp): number => cropped.head.findIndex((h) => name.test(h) && !h.includes('predicted'));
    const mean = (i: number): number => {
      const xs = cropped.rows.map((r) => r[i]!).filter((v) => Number.isFinite(v));
      return xs.reduce((a, x) => a + x, 0) / xs.length;
    };
    const p = col(/^randread \[quota=20000 100000 machine\.cpus=1\] seed 1 · .*\/web/);
    const c = col(/fork of \d+ at 0\.25s: cpu\.max=80000 100000\] · .*\/web/);
    expect(p).toBeGreaterThan(0);
    expect(c).toBeGreaterThan(0);
    // 80 % vs 20 % of a CPU, but over only 2.5 bandwidth periods (100 ms) sampled every 50 ms, so a period's
    // quota more or less moves the ratio off 4 (kernel/sched/fair.c: quota is refilled once per period).
    expect(mean(c) / mean(p)).toBeGreaterThan(2.5);
    expect(mean(c) / mean(p)).toBeLessThan(8);
    const svg = readFileSync((await (await downloadVia(page, () => cmp.chart(0).locator('[data-action="export-svg"]').click())).path())!, 'utf8');
    expect(svgSeriesPaths(svg).filter((x) => x.points >= 2).length).toBeGreaterThanOrEqual(2);
    const c0 = await chartShot(cmp.chart(0).locator('.chart'));
    expect(await inkPixels(page, c0.png, plotArea(c0.width, c0.height))).toBeGreaterThan(200);

    // Unticked, the whole runs again (identical before t).
    await cmp.forkCrop().uncheck();
    await expect.poll(async () => Math.min(...(await csvOf()).rows.map((r) => r[0]!)), { timeout: 20_000 }).toBeLessThan(0.1);
  }, 120_000);
});
