// End to end in real Chromium against browser mode: import a topology, build
// cgroups and workloads, run, unplug a disk mid-run, compare two runs,
// export PNG/SVG/CSV/HTML, save, close and reopen the session.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import {
  addCgroup,
  addTask,
  chartShot,
  compareRuns,
  downloadVia,
  go,
  importTopology,
  sessionAction,
  startRun,
  unplugDisk,
  waitRunState,
  writeCgroupFile,
} from './actions/workbench';
import { app, cgroupsPage, comparePage, galleryPage, machinePage, runPage, sessionsPage } from './pages/app';
import { launch } from './support/browser';
import { ensureRendererBuilt, repoRoot } from './support/build-renderer';
import { startLab } from './support/lab';
import { csvPointCounts, inkPixels, plotArea, svgSeriesPaths } from './support/pixels';

const shots = join(repoRoot, 'test-results/e2e');
/** A drawn line of 1.5 px across a plot of ≥ 400 px covers well over this many pixels; a blank chart covers 0. */
const INK = 200;
const hwloc = resolve(repoRoot, 'test/fixtures/data/hwloc-xml/24em64t-2n6c2t-pci.xml');

describe('workbench in Chromium (browser mode)', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;
  const shot = async (name: string): Promise<void> => {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureRendererBuilt();
    dir = mkdtempSync(join(tmpdir(), 'klab-e2e-'));
    lab = await startLab(join(dir, 'first.klab'));
    browser = await launch();
    const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(lab.server.url);
    await app(page).ready().waitFor({ timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports the HP SL390s hwloc XML: 24 CPUs on 2 nodes, sda and four NICs', async () => {
    await shot('01-sessions');
    await importTopology(page, hwloc);
    const m = machinePage(page);
    await expect.poll(() => m.totals().textContent()).toContain('24 CPUs · 2 nodes');
    expect(await m.totals().textContent()).toContain('1 disks');
    expect(await m.notes().textContent()).toContain('24em64t-2n6c2t-pci.xml: 24 CPUs, 2 NUMA nodes, 1 disks, 4 NICs (hwloc-xml-v2)');
    await shot('02-machine');
    // The topology draws both NUMA nodes with their package (6 cores of 2 PUs each) and sda below them.
    expect(await m.topoNodes().count()).toBe(2);
    expect(await m.topo('node0').textContent()).toContain('Package P#0');
    expect(await m.boxes('core').count()).toBe(12);
    await expect.poll(() => m.topo('disk:sda').isVisible()).toBe(true);
  });

  it('builds /batch and /web; cpu.weight 0 shows the kernel’s ERANGE inline and is not written', async () => {
    await addCgroup(page, '/', 'batch');
    await addCgroup(page, '/', 'web');
    await writeCgroupFile(page, '/web', 'cpu.weight', '300');
    await writeCgroupFile(page, '/batch', 'cpu.weight', '0');
    const c = cgroupsPage(page);
    await expect.poll(() => c.kernelError('cpu.weight').textContent()).toContain('Numerical result out of range (ERANGE)');
    await shot('03-cgroups-error');
    await writeCgroupFile(page, '/batch', 'cpu.weight', '100');
    await expect.poll(() => c.kernelError('cpu.weight').count()).toBe(0);
    await writeCgroupFile(page, '/batch', 'io.max', '8:0 rbps=20971520');
    await expect.poll(() => c.kernelError('io.max').count()).toBe(0);
    await shot('04-cgroups');
  });

  it('adds two workloads: CPU hogs in /web and a reader of a file on sda in /batch', async () => {
    await addTask(page, { name: 'hog', cgroup: '/web', type: 'cpu', count: 2 });
    await addTask(page, { name: 'reader', cgroup: '/batch', type: 'read' });
    await shot('05-workloads');
    await go(page, 'timeline');
    await shot('06-timeline');
  });

  it('runs, and unplugging sda mid-run leaves a marker, a remove uevent and I/O errors in the log', async () => {
    // 30 s at real-time pace so the unplug lands mid-run even on a loaded box (a 5 s run could end
    // before the click reached the worker); the user cancels it once everything is checked.
    await startRun(page, 'first', '30s', '1');
    const r = runPage(page);
    try {
      await waitRunState(page, /running/);
      await page.waitForTimeout(1200);
      await unplugDisk(page, 'sda');
      await expect.poll(() => r.markers().first().textContent(), { timeout: 10_000 }).toContain('unplug sda');
      await expect.poll(() => r.logRows('io_error').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const uevent = r.logRows('uevent').filter({ hasText: 'ACTION=remove' });
      await expect.poll(() => uevent.count()).toBeGreaterThan(0);
      expect(await uevent.first().textContent()).toContain('DEVNAME=sda');
      expect(await r.logRows('io_error').first().textContent()).toContain('errno=EIO');
      expect(await r.charts().count()).toBeGreaterThan(0);
      // The live chart draws its lines while the run is still going.
      await shot('07-run');
      const live = r.charts().first().locator('.chart');
      await expect
        .poll(async () => { const c = await chartShot(live); return inkPixels(page, c.png, plotArea(c.width, c.height)); }, { timeout: 10_000 })
        .toBeGreaterThan(INK);
      // Pixels alone also pass on a blank chart (legend swatches); its SVG export must hold series paths with points.
      const liveSvg = async (): Promise<string> =>
        readFileSync((await (await downloadVia(page, () => r.charts().first().locator('[data-action="export-svg"]').click())).path())!, 'utf8');
      await expect.poll(async () => svgSeriesPaths(await liveSvg()).filter((p) => p.points >= 2).length, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      // The user stops the run before its 30 s are up (on a loaded machine it may have ended already;
      // clicking a disabled Cancel would hide the assertion that failed above).
      // It can also end between the check and the click, hence the short click that may fail.
      if (await r.cancel().isEnabled()) await r.cancel().click({ timeout: 2000 }).catch(() => undefined);
      await waitRunState(page, /cancelled|complete|failed/, 60_000);
    }
    expect(await r.runError().count()).toBe(0);
  }, 180_000);

  it('runs a second time with another weight and compares both runs', async () => {
    await writeCgroupFile(page, '/web', 'cpu.weight', '100');
    await startRun(page, 'second', '2s');
    await waitRunState(page, /complete|failed/, 60_000);
    await compareRuns(page, ['first', 'second'], 'sched');
    const c = comparePage(page);
    await expect.poll(() => c.summaryRows().count(), { timeout: 20_000 }).toBeGreaterThan(1);
    expect(await c.charts().count()).toBe(4);
    await shot('08-compare');
    // Every panel kind draws its series inside the plot: the group's first panel, and the group as a whole.
    const drawn = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < (await c.charts().count()); i++) {
        const shotOf = await chartShot(c.chart(i).locator('.chart'));
        out.push(await inkPixels(page, shotOf.png, plotArea(shotOf.width, shotOf.height)));
      }
      return out;
    };
    // Pixels alone cannot tell a blank panel (legend swatches and markers: ~650 series-coloured pixels) from a
    // drawn one (250–3,400), so each group's first panel is also exported as SVG: its series paths must have points.
    const drawnPaths = async (): Promise<number> => {
      const svg = readFileSync((await (await downloadVia(page, () => c.chart(0).locator('[data-action="export-svg"]').click())).path())!, 'utf8');
      return svgSeriesPaths(svg).filter((p) => p.points >= 2).length;
    };
    const sched = await drawn();
    expect(sched[0]).toBeGreaterThan(INK);
    expect(await drawnPaths()).toBeGreaterThan(0);
    const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
    for (const kind of ['memcg', 'io'] as const) {
      await c.group(kind).click();
      await expect.poll(async () => sum(await drawn()), { timeout: 20_000 }).toBeGreaterThan(2 * INK);
      await expect.poll(drawnPaths, { timeout: 20_000 }).toBeGreaterThan(0);
      await shot(`08-compare-${kind}`);
      if (kind === 'io') {
        // Issue 17: devices by name (sda, not 8:0) and values with their unit.
        const text = (await c.summaryRows().allTextContents()).join('\n');
        expect(text).toMatch(/\/batch\/io\.stat sda\.rbytes[^\n]*\d B\/s/);
        expect(text).not.toMatch(/\b8:0\b/);
      }
    }
    await c.customSeries().selectOption({ label: '/web/cpu.stat usage_usec' });
    await c.addSeries().click();
    await expect.poll(async () => (await drawn())[0] ?? 0, { timeout: 20_000 }).toBeGreaterThan(INK);
    await expect.poll(drawnPaths, { timeout: 20_000 }).toBeGreaterThan(0);
    await shot('08-compare-custom');
    await c.group('sched').click();
    await expect.poll(async () => (await drawn())[0] ?? 0, { timeout: 20_000 }).toBeGreaterThan(INK);
  }, 180_000);

  it('exports a chart as PNG, SVG and CSV and the comparison as one HTML report', async () => {
    const c = comparePage(page);
    const chart = c.chart(0);
    const png = await downloadVia(page, () => chart.locator('[data-action="export-png"]').click());
    const pngBytes = readFileSync((await png.path())!);
    expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Exported at pixelRatio 2: the plot area doubles, and the lines are in it.
    const box = (await chart.locator('.chart').boundingBox())!;
    expect(await inkPixels(page, pngBytes, plotArea(Math.round(box.width), Math.round(box.height), 2))).toBeGreaterThan(4 * INK);

    const svg = readFileSync((await (await downloadVia(page, () => chart.locator('[data-action="export-svg"]').click())).path())!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('usage_usec');

    const csv = readFileSync((await (await downloadVia(page, () => chart.locator('[data-action="export-csv"]').click())).path())!, 'utf8');
    const [head, ...rows] = csv.trim().split('\n');
    expect(head).toMatch(/^time_s,first · /);
    expect(head).toContain('second · ');
    expect(rows.length).toBeGreaterThan(10);

    // One series path per series the chart was given (the CSV's columns), each with the reduced series'
    // points: ECharts skips only vertices closer than 0.71 px to the previous one (chart/line/poly.ts).
    const paths = svgSeriesPaths(svg);
    const given = csvPointCounts(csv);
    expect(paths.length).toBe(given.length);
    given.forEach((s, i) => {
      expect(paths[i]!.points, s.name).toBeLessThanOrEqual(s.points);
      expect(paths[i]!.points, s.name).toBeGreaterThanOrEqual(Math.min(s.points, 2));
    });
    const total = (xs: { points: number }[]): number => xs.reduce((a, x) => a + x.points, 0);
    expect(total(paths)).toBeGreaterThan(0.5 * total(given));

    const html = readFileSync((await (await downloadVia(page, () => c.exportReport().click())).path())!, 'utf8');
    expect(html).toContain('<table id="summary">');
    expect(html).toContain('<svg');
    expect(html).toContain('cpu.weight');
    // Every panel group with series is in the report (issue 17: not only the group on screen), each chart
    // with drawn series, not axes around empty paths; the scheduler group comes first.
    const figures = html.split('<figure>').slice(1);
    const captions = figures.map((f) => /<figcaption>([^<]*)</.exec(f)![1]!);
    for (const g of ['Memory cgroup — ', 'I/O throttling — ', 'Scheduler — ', 'Custom series — ']) expect(captions.some((t) => t.startsWith(g)), g).toBe(true);
    expect(figures.length).toBeGreaterThan(8);
    const sched = figures[captions.findIndex((t) => t.startsWith('Scheduler — CPU use per cgroup'))]!;
    expect(svgSeriesPaths(sched).filter((p) => p.points >= 2).length).toBeGreaterThanOrEqual(4);
    expect(total(figures.flatMap((f) => svgSeriesPaths(f)))).toBeGreaterThan(1000);
    expect(html).not.toMatch(/<script/i);
  });

  // The service replays each compared run with tracing on: about as long as the run took, so slow on a loaded machine.
  it('exports a Perfetto trace per compared run, with per-CPU running slices', async () => {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 170_000 }), page.locator('[data-action="export-traces"]').click()]);
    const trace = JSON.parse(readFileSync((await d.path())!, 'utf8')) as {
      traceEvents: { ph: string; pid: number; name: string; args?: { name?: string } }[];
    };
    expect(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === 1).map((e) => e.args?.name)).toContain('CPU 0');
    expect(trace.traceEvents.filter((e) => e.ph === 'X' && e.pid === 1).length).toBeGreaterThan(0);
  }, 180_000);

  it('saves the session as a new file, closes it, reopens it and finds both runs and the machine', async () => {
    const second = join(dir, 'second.klab');
    await sessionAction(page, 'saveAs', second);
    const s = sessionsPage(page);
    await expect.poll(() => s.current().textContent()).toBe(second);
    await sessionAction(page, 'close');
    await expect.poll(() => s.title().textContent()).toBe('untitled · 0 runs');
    await sessionAction(page, 'open', second);
    await expect.poll(() => s.runRow('first').count()).toBe(1);
    expect(await s.runRow('second').count()).toBe(1);
    await shot('09-sessions-reopened');
    await go(page, 'machine');
    await expect.poll(() => machinePage(page).totals().textContent()).toContain('24 CPUs · 2 nodes');
    await go(page, 'cgroups');
    await cgroupsPage(page).node('/web').click();
    expect(await cgroupsPage(page).file('cpu.weight').inputValue()).toBe('100');
  });

  it('opens the cpu-weights preset from the experiments gallery with its explanation', async () => {
    await go(page, 'gallery');
    const g = galleryPage(page);
    await g.preset('cpu-weights.yaml').waitFor();
    expect(await g.preset('cpu-weights.yaml').textContent()).toContain('/web (300) and /batch (100)');
    await shot('10-gallery');
    await g.open('cpu-weights.yaml').click();
    await expect.poll(() => machinePage(page).totals().textContent()).toContain('4 CPUs · 1 nodes · 8 GiB');
    expect(await g.error().count()).toBe(0);
  });
});
