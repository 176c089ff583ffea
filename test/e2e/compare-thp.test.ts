// Compare's "Huge pages and compaction" panels in real Chromium (issue 10):
// two THP presets with short durations, and each panel's exported SVG lines
// checked vertex by vertex against the series the service returns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { rate, type LineSeries } from '../../src-renderer/charts/line-option';
import { PANEL_GROUPS, pickSeries } from '../../src-renderer/charts/panels';
import { LIGHT_THEME } from '../../src-renderer/charts/theme';
import { compareRuns, downloadVia, go, startRun, waitRunState } from './actions/workbench';
import { comparePage, galleryPage, runPage } from './pages/app';
import { fitLines } from './support/line-fit';
import { svgLines } from './support/pixels';
import { closeWorkbench, openWorkbench, shotsDir } from './support/workbench-page';

describe('Compare huge-page panels in Chromium', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('thp'));
  });

  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('AnonHugePages/AnonPages and the thp_fault_* rates are drawn where the service’s samples put them, for both runs on one scale', async () => {
    // thp-fragmentation's allocator starts at 3 s: 3.5 s shows it; the random working set fills its huge pages within 1 s.
    const presets: [string, string][] = [
      ['thp-fragmentation', '3500ms'],
      ['thp-random-working-set', '1s'],
    ];
    for (const [preset, duration] of presets) {
      await go(page, 'gallery');
      await galleryPage(page).open(`${preset}.yaml`).click();
      await startRun(page, preset, duration);
      await waitRunState(page, /complete|failed/, 120_000);
      expect(await runPage(page).state().textContent()).toBe('complete');
    }
    await compareRuns(page, presets.map(([n]) => n), 'thp');
    const c = comparePage(page);
    await expect.poll(() => c.summaryRows().count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: join(shotsDir, 'thp-compare.png'), fullPage: true });

    const thp = PANEL_GROUPS.find((g) => g.id === 'thp')!;
    const runs = presets.map(([n]) => lab.lab.listRuns().find((r) => r.name === n)!);
    const expected = (panelId: string): LineSeries[] => {
      const p = thp.panels.find((x) => x.id === panelId)!;
      return runs.flatMap((run) => {
        const picked = pickSeries(lab.lab.seriesCatalogue(run.id).series, p);
        return lab.lab.window(run.id, picked.map((s) => s.id), 0, run.durationNs, 2000, 'minmax').map((sp) => ({ name: `${run.name} ${picked.find((m) => m.id === sp.id)!.field}`, ...(p.transform === 'rate' ? rate(sp.t, sp.v) : { t: sp.t, v: sp.v }) }));
      });
    };
    const svgOf = async (i: number): Promise<string> =>
      readFileSync((await (await downloadVia(page, () => c.chart(i).locator('[data-action="export-svg"]').click())).path())!, 'utf8');
    const drawn = (svg: string, n: number): [number, number][][] =>
      Array.from({ length: n }, (_, i) => {
        const l = svgLines(svg, LIGHT_THEME.palette[i]!);
        expect(l).toHaveLength(1);
        return l[0]!;
      });

    // Panel 0: AnonHugePages and AnonPages (kB) of both runs: 36 + 11 samples each.
    const anon = expected('thp-anon');
    expect(anon).toHaveLength(4);
    const anonFit = fitLines(drawn(await svgOf(0), 4), anon);
    expect(anonFit.vertices).toBe(2 * 36 + 2 * 11);
    expect(anonFit.maxErrorPx).toBeLessThan(1);
    // The random working set is backed by huge pages: its AnonHugePages line ends well above 0.
    expect(anon.find((x) => x.name === 'thp-random-working-set AnonHugePages')!.v.at(-1)!).toBeGreaterThan(1024 * 1024);

    // Panel 1: huge-page faults and fallbacks per second.
    const faults = expected('thp-faults');
    expect(faults.length).toBeGreaterThanOrEqual(2);
    const faultFit = fitLines(drawn(await svgOf(1), faults.length), faults);
    expect(faultFit.maxErrorPx).toBeLessThan(1);
  });
});
