// Networking in the workbench, in real Chromium: NIC hot-plug from the Run
// view under a multi-homed association (net-assoc-failover), and Compare's
// network panels drawing the receive-livelock curves (NAPI vs per-packet) at
// the heights the service's series put them.
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

describe('networking in Chromium (browser mode)', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('net'));
  });

  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('net-assoc-failover: unplugging enp1s0 from the Run view removes it from the NIC list, logs the remove uevent and the association fails over to enp2s0; Plug brings it back', async () => {
    await go(page, 'gallery');
    await galleryPage(page).open('net-assoc-failover.yaml').click();
    await go(page, 'run');
    const r = runPage(page);
    // Before a run, both NICs are listed and nothing applies.
    expect(await r.nic('enp1s0').getAttribute('data-present')).toBe('1');
    expect(await r.unplugNic('enp1s0').isDisabled()).toBe(true);
    expect(await r.plugNic('enp1s0').isDisabled()).toBe(true);
    // At real-time pace (6 s); the preset's own timeline removes enp1s0 at 2 s and rescans at 4 s.
    await startRun(page, 'failover', '6s', '1');
    await waitRunState(page, /running/);
    await expect.poll(() => r.unplugNic('enp1s0').isEnabled()).toBe(true);
    expect(await r.plugNic('enp1s0').isDisabled()).toBe(true);
    await r.unplugNic('enp1s0').click();

    await expect.poll(() => r.nic('enp1s0').getAttribute('data-present'), { timeout: 10_000 }).toBe('0');
    expect(await r.nicState('enp1s0').textContent()).toBe('removed');
    expect(await r.unplugNic('enp1s0').isDisabled()).toBe(true);
    expect(await r.nic('enp2s0').getAttribute('data-present')).toBe('1');
    expect(await r.markers().allTextContents()).toContainEqual(expect.stringContaining('unplug enp1s0'));
    const removed = r.logRows('uevent').filter({ hasText: 'ACTION=remove' }).filter({ hasText: 'INTERFACE=enp1s0' });
    await expect.poll(() => removed.count(), { timeout: 10_000 }).toBe(1);
    expect(await removed.first().textContent()).toContain('SUBSYSTEM=net');
    // The association sends into the dead path for its failover delay (500 ms), then moves.
    const failover = r.logRows('assoc_failover');
    await expect.poll(() => failover.count(), { timeout: 10_000 }).toBe(1);
    expect(await failover.first().textContent()).toMatch(/task=peer from=enp1s0 to=enp2s0 delay_ms=500/);
    const tRemove = await removed.first().locator('td').first().textContent();
    const tFailover = await failover.first().locator('td').first().textContent();
    await page.screenshot({ path: join(shotsDir, 'net-run-unplug.png'), fullPage: true });

    // Plug it back into its slot while the run goes on.
    await r.plugNic('enp1s0').click();
    const added = r.logRows('uevent').filter({ hasText: 'ACTION=add' }).filter({ hasText: 'INTERFACE=enp1s0' });
    await expect.poll(() => added.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    // If the plug landed before the timeline's PCI remove at 2 s, enp1s0 is gone again until the rescan at 4 s.
    await expect.poll(() => r.nic('enp1s0').getAttribute('data-present'), { timeout: 15_000 }).toBe('1');
    expect(await r.markers().allTextContents()).toContainEqual(expect.stringContaining('plug enp1s0'));
    await waitRunState(page, /complete|failed/, 60_000);
    expect(await r.state().textContent()).toBe('complete');
    expect(await failover.count()).toBe(1);

    // The stored run says the same: remove, failover 500 ms later (simulated time), add.
    const run = lab.lab.listRuns().find((x) => x.name === 'failover')!;
    const { events } = lab.lab.events(run.id, { limit: 5000 });
    const at = (pred: (e: (typeof events)[number]) => boolean): number => events.find(pred)!.t_ns;
    const tRm = at((e) => e.kind === 'uevent' && e.fields['ACTION'] === 'remove' && e.fields['INTERFACE'] === 'enp1s0');
    expect(at((e) => e.kind === 'assoc_failover') - tRm).toBe(500e6);
    // Whatever removed or added it last (this page, the timeline's PCI remove at 2 s, the rescan at 4 s), the list follows the last uevent.
    const last = events.filter((e) => e.kind === 'uevent' && e.fields['INTERFACE'] === 'enp1s0').at(-1)!;
    expect(await r.nic('enp1s0').getAttribute('data-present')).toBe(last.fields['ACTION'] === 'add' ? '1' : '0');
    // The log shows it too: the failover line is half a second after the remove.
    expect(tFailover).not.toBe(tRemove);
  });

  it('Compare, network: the NAPI and per-packet livelock runs draw delivered packets/s where the service’s series put them; NAPI stays up, per-packet collapses to 0', async () => {
    for (const preset of ['net-livelock-napi', 'net-livelock-per-packet']) {
      await go(page, 'gallery');
      await galleryPage(page).open(`${preset}.yaml`).click();
      await startRun(page, preset, '5500ms');
      await waitRunState(page, /complete|failed/, 90_000);
      expect(await runPage(page).state().textContent()).toBe('complete');
    }
    await compareRuns(page, ['net-livelock-napi', 'net-livelock-per-packet'], 'net');
    const c = comparePage(page);
    await expect.poll(() => c.summaryRows().count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: join(shotsDir, 'net-compare.png'), fullPage: true });

    const net = PANEL_GROUPS.find((g) => g.id === 'net')!;
    const runs = ['net-livelock-napi', 'net-livelock-per-packet'].map((n) => lab.lab.listRuns().find((r) => r.name === n)!);
    /** The panel's series as the service returns them for these runs, transformed as the panel says (rate, scale). */
    const expected = (panelId: string): LineSeries[] => {
      const p = net.panels.find((x) => x.id === panelId)!;
      return runs.flatMap((run) => {
        const picked = pickSeries(lab.lab.seriesCatalogue(run.id).series, p);
        return lab.lab.window(run.id, picked.map((s) => s.id), 0, run.durationNs, 2000, 'minmax').map((sp) => {
          const r = rate(sp.t, sp.v);
          return { name: `${run.name} ${sp.id}`, t: r.t, v: r.v.map((x) => (x === null ? null : x * (p.scale ?? 1))) };
        });
      });
    };
    const svgOf = async (i: number): Promise<string> =>
      readFileSync((await (await downloadVia(page, () => c.chart(i).locator('[data-action="export-svg"]').click())).path())!, 'utf8');
    const palette = LIGHT_THEME.palette;

    // Delivered: softnet processed of cpu0 for each run (the forwarder's packets), 11 rates of 500 ms each.
    const delivered = expected('net-delivered');
    expect(delivered).toHaveLength(2);
    const svg = await svgOf(0);
    const lines = delivered.map((_, i) => svgLines(svg, palette[i]!));
    lines.forEach((l) => expect(l).toHaveLength(1));
    const fit = fitLines(lines.map((l) => l[0]!), delivered);
    expect(fit.vertices).toBe(22);
    expect(fit.maxErrorPx).toBeLessThan(1);
    expect(fit.pxPerUnit).toBeGreaterThan(0);
    // The shapes: at 1 M packets/s offered NAPI still forwards ~1/(3 µs) ≈ 330 k/s, per-packet nothing.
    const [napi, perPacket] = delivered as [LineSeries, LineSeries];
    expect(napi.v.at(-1)!).toBeGreaterThan(250_000);
    expect(perPacket.v.at(-1)!).toBeLessThan(1_000);
    const lastY = (k: number): number => lines[k]![0]!.at(-1)![1];
    expect(lastY(0)).toBeLessThan(lastY(1) - 100);
    expect(Math.abs(lastY(1) - fit.zeroY)).toBeLessThan(1);

    // Interrupt CPU (/proc/stat irq and softirq in CPUs): per-packet spends its CPU in hard interrupts at overload.
    const cpu = expected('net-softirq');
    expect(cpu).toHaveLength(4);
    const cpuSvg = await svgOf(2);
    const cpuLines = cpu.map((_, i) => svgLines(cpuSvg, palette[i]!));
    cpuLines.forEach((l) => expect(l).toHaveLength(1));
    const cpuFit = fitLines(cpuLines.map((l) => l[0]!), cpu);
    expect(cpuFit.maxErrorPx).toBeLessThan(1);
  });
});
