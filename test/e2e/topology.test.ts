// Issue 17 / issue 10, the Machine view: a 24-node, 384-CPU machine drawn as
// lstopo draws it (nested boxes, compact CPU ranges, alike cores collapsed),
// its SLIT matrix as a readable heatmap, memory tiers, keyboard access, and
// editing (nodes, CPUs, memory, distances, disks) still working.
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { contrastRatio } from '../../src-renderer/util/contrast';
import { addDisk, go, importTopology } from './actions/workbench';
import { machinePage } from './pages/app';
import { repoRoot } from './support/build-renderer';
import { closeWorkbench, openWorkbench, shotsDir } from './support/workbench-page';

const uv2000 = resolve(repoRoot, 'test/fixtures/data/hwloc-xml/192em64t-24n8c2t.xml');
const knl = resolve(repoRoot, 'test/fixtures/data/hwloc-xml/64intel64-fakeKNL-SNC4-hybrid.xml');

describe('Machine view topology in Chromium', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(shotsDir, `topology-${name}.png`), fullPage: true });

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('topology'));
  });
  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('draws the SGI UV 2000 (24 nodes, 384 CPUs) as 24 node boxes of Package → L3 → "8 × Core" with compact CPU ranges', async () => {
    await importTopology(page, uv2000);
    const m = machinePage(page);
    await expect.poll(() => m.totals().textContent()).toContain('384 CPUs · 24 nodes');
    expect(await m.topoNodes().count()).toBe(24);
    expect(await m.topo('node3').locator('[data-role="node-cpus"]').textContent()).toBe('CPU 24-31,216-223');
    expect(await m.boxes('package').count()).toBe(24);
    expect(await m.boxes('l3').count()).toBe(24);
    expect(await m.boxes('cores').count()).toBe(24);
    expect(await m.boxes('core').count()).toBe(0);
    expect(await m.topo('node23').textContent()).toContain('8 × Core');
    expect(await m.topo('node23').textContent()).toContain('2 PUs each · CPU 184-191,376-383');
    expect(await m.topo('node0').textContent()).toMatch(/Package P#0.*L3 20 MiB.*L2 256 KiB/);
    // Readable: node boxes do not overlap, are at least 200 px wide, and their text is at least 11 px.
    const rects = await m.topoNodes().evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height, font: parseFloat(getComputedStyle(e.querySelector('[data-role="node-cpus"]')!).fontSize) }; }));
    for (const r of rects) {
      expect(r.w).toBeGreaterThanOrEqual(200);
      expect(r.font).toBeGreaterThanOrEqual(11);
    }
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i]!;
        const b = rects[j]!;
        const apart = a.x + a.w <= b.x + 0.5 || b.x + b.w <= a.x + 0.5 || a.y + a.h <= b.y + 0.5 || b.y + b.h <= a.y + 0.5;
        expect(apart, `node${i} and node${j} overlap`).toBe(true);
      }
    // No node's content spills out of its box.
    const spill = await m.topoNodes().evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
    expect(spill).toBe(0);
    await shot('01-uv2000-collapsed');
  });

  it('shows the 24 × 24 SLIT as a heatmap: the file’s values in the cells, darker for farther, each number readable (≥ 4.5:1)', async () => {
    const m = machinePage(page);
    expect(await m.heatCells().count()).toBe(576);
    expect(await m.heatCell(0, 0).textContent()).toBe('10');
    expect(await m.heatCell(0, 1).textContent()).toBe('50');
    expect(await m.heatCell(0, 2).textContent()).toBe('65');
    const cells = await m.heatCells().evaluateAll((els) => els.map((e) => { const cs = getComputedStyle(e); const r = e.getBoundingClientRect(); return { v: Number(e.textContent), bg: cs.backgroundColor, fg: cs.color, w: r.width, h: r.height, font: parseFloat(cs.fontSize) }; }));
    expect(Math.max(...cells.map((c) => c.v))).toBe(79);
    for (const c of cells) {
      expect(contrastRatio(c.bg, c.fg)).toBeGreaterThanOrEqual(4.5);
      expect(c.w).toBeGreaterThanOrEqual(20);
      expect(c.font).toBeGreaterThanOrEqual(11);
    }
    const lum = (bg: string): number => contrastRatio(bg, 'rgb(0, 0, 0)');
    const local = cells.find((c) => c.v === 10)!;
    const far = cells.find((c) => c.v === 79)!;
    expect(lum(local.bg)).toBeGreaterThan(lum(far.bg));
    expect(await page.locator('[data-role="heat-legend"]').textContent()).toContain('10, 50, 65');
    await m.heatmap().scrollIntoViewIfNeeded();
    await m.heatmap().screenshot({ path: join(shotsDir, 'topology-02-heatmap.png') });
  });

  it('"draw every core and PU" shows all 192 cores with their L2 and 384 PUs', async () => {
    const m = machinePage(page);
    await m.everyCore().check();
    await expect.poll(() => m.boxes('core').count()).toBe(192);
    expect(await m.boxes('pu').count()).toBe(384);
    expect(await m.boxes('cores').count()).toBe(0);
    expect(await m.topo('node1').textContent()).toContain('Core P#0');
    await shot('03-uv2000-every-core');
    await m.everyCore().uncheck();
    await expect.poll(() => m.boxes('cores').count()).toBe(24);
  });

  it('keyboard: Tab reaches the topology, arrows move a visible focus, Enter selects (node, then a NIC)', async () => {
    const m = machinePage(page);
    await m.everyCore().focus();
    await page.keyboard.press('Tab');
    const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-topo') ?? null);
    expect(await focused()).toBe('node0');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('node2');
    const ring = await m.topo('node2').evaluate((e) => { const cs = getComputedStyle(e); return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) }; });
    expect(ring.style).not.toBe('none');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    expect(await m.sideTitle().textContent()).toBe('node0');
    await page.keyboard.press('Enter');
    await expect.poll(() => m.sideTitle().textContent()).toBe('node2');
    expect(await m.topo('node2').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('node1');
    // End: the last item, a NIC of the I/O row (disks sda, sdb, then eth0-eth5).
    await page.keyboard.press('End');
    expect(await focused()).toBe('nic:eth5');
    await page.keyboard.press(' ');
    await expect.poll(() => m.sideTitle().textContent()).toContain('eth5');
    // Tab leaves the listbox in one step (roving tabindex), to the heatmap's first header.
    await page.keyboard.press('Tab');
    expect(await focused()).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-heat-col'))).toBe('0');
    await m.topo('nic:eth5').focus();
    await shot('04-keyboard-focus');
  });

  it('memory tiers: the KNL file’s MCDRAM nodes are drawn CPU-less with their tier', async () => {
    // The UV 2000's disks and NICs are not in the KNL file: the import asks first (import-impact.test.ts).
    await go(page, 'machine');
    await machinePage(page).importInput().setInputFiles(knl);
    await machinePage(page).impactConfirm().click();
    const m = machinePage(page);
    await expect.poll(() => m.totals().textContent()).toContain('64 CPUs · 8 nodes');
    expect(await m.tiers().allTextContents()).toEqual(['DRAM', 'DRAM', 'DRAM', 'DRAM', 'MCDRAM', 'MCDRAM', 'MCDRAM', 'MCDRAM']);
    expect(await m.topo('node4').locator('[data-role="node-cpus"]').textContent()).toBe('no CPUs');
    expect(await m.topo('node4').locator('[data-role="node-memory"]').textContent()).toBe('2 GiB');
    await shot('05-knl-tiers');
  });

  it('editing still works: add a node, set its CPUs, memory and a distance, add and remove a disk, remove the node', async () => {
    const m = machinePage(page);
    await m.addNode().click();
    await expect.poll(() => m.topoNodes().count()).toBe(9);
    await expect.poll(() => m.sideTitle().textContent()).toBe('node8');
    await m.nodeCpus().fill('6');
    await m.nodeCpus().press('Enter');
    await expect.poll(() => m.topo('node8').locator('[data-role="node-cpus"]').textContent()).toBe('CPU 64-69');
    await m.nodeMemory().fill('12G');
    await m.nodeMemory().press('Enter');
    await expect.poll(() => m.topo('node8').locator('[data-role="node-memory"]').textContent()).toBe('12 GiB');
    await m.distance(0).fill('33');
    await m.distance(0).press('Enter');
    await expect.poll(() => m.heatCell(8, 0).textContent()).toBe('33');
    expect(await m.heatCell(0, 8).textContent()).toBe('33');
    // Hand-built: no package data, so the PUs are drawn directly (six alike PUs folded into one box: collapsing is on).
    expect(await m.topo('node8').locator('[data-box="pus"]').textContent()).toContain('6 PUs');
    expect(await m.topo('node8').locator('[data-box="package"]').count()).toBe(0);
    expect(await m.totals().textContent()).toContain('70 CPUs · 9 nodes');
    await addDisk(page, 'nvme');
    await expect.poll(() => m.topo('disk:nvme0n1').isVisible()).toBe(true);
    await shot('06-edited');
    await m.removeSelected().click();
    await expect.poll(() => m.topo('disk:nvme0n1').count()).toBe(0);
    await m.topo('node8').click();
    await m.removeSelected().click();
    await expect.poll(() => m.topoNodes().count()).toBe(8);
    expect(await m.totals().textContent()).toContain('64 CPUs · 8 nodes');
    // The other nodes kept their imported packages.
    expect(await m.topo('node0').textContent()).toContain('Package');
    await go(page, 'machine');
  });
});
