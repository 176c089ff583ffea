// Issue 10, memory hot-plug in the Run view: offline a memory block of a
// running machine, see its state follow the uevent and MemTotal drop by the
// block's 128 MiB; a block holding the boot memmap refuses with EBUSY; the
// block comes back online movable.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineMemoryBlock, onlineMemoryBlock, startRun, waitRunState } from './actions/workbench';
import { memoryBlocksPanel, runPage } from './pages/app';
import { closeWorkbench, openWorkbench, shotsDir, type Workbench } from './support/workbench-page';

const memTotal = async (w: Workbench): Promise<number> => Number(/(\d+) kB/.exec((await memoryBlocksPanel(w.page).memTotal().textContent()) ?? '')?.[1] ?? NaN);

describe('memory blocks in the Run view (Chromium)', () => {
  let w: Workbench;
  beforeAll(async () => {
    w = await openWorkbench('memhp');
  });
  afterAll(async () => {
    await closeWorkbench(w);
  });

  it('offlining memory63 of the default 8 GiB machine turns it offline and drops MemTotal by 131072 kB; memory0 is EBUSY; online_movable brings it back', async () => {
    const { page } = w;
    const m = memoryBlocksPanel(page);
    const r = runPage(page);
    await startRun(page, 'memhp', '60s', '1');
    try {
      await waitRunState(page, /running/);
      await expect.poll(() => memTotal(w), { timeout: 15_000 }).toBeGreaterThan(0);
      const before = await memTotal(w);
      // 8 GiB = 2097152 pages minus the 32768-page memmap
      expect(before).toBe((2097152 - 32768) * 4);
      await offlineMemoryBlock(page, 'memory63');
      await expect.poll(() => m.state('memory63').textContent(), { timeout: 10_000 }).toBe('offline');
      await expect.poll(() => memTotal(w), { timeout: 10_000 }).toBe(before - 131072);
      expect(await m.online('memory63').isEnabled()).toBe(true);
      expect(await m.offline('memory63').isEnabled()).toBe(false);
      await page.screenshot({ path: join(shotsDir, 'memory-blocks.png'), fullPage: true });
      await offlineMemoryBlock(page, 'memory0');
      await expect.poll(() => m.error().textContent(), { timeout: 10_000 }).toContain('Device or resource busy (EBUSY)');
      expect(await m.state('memory0').textContent()).toBe('online (memmap)');
      await onlineMemoryBlock(page, 'memory63', 'online_movable');
      await expect.poll(() => m.state('memory63').textContent(), { timeout: 10_000 }).toBe('online');
      await expect.poll(() => memTotal(w), { timeout: 10_000 }).toBe(before);
      const ev = r.logRows('uevent').filter({ hasText: 'SUBSYSTEM=memory' });
      await expect.poll(() => ev.count(), { timeout: 10_000 }).toBe(2);
      expect(await ev.first().textContent()).toContain('ACTION=offline DEVPATH=/devices/system/memory/memory63');
    } finally {
      if (await r.cancel().isEnabled()) await r.cancel().click({ timeout: 2000 }).catch(() => undefined);
    }
  });
});
