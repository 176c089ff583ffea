// Issue 17 in real Chromium against a real `kernel-lab serve` process:
// the server killed and restarted under an open page (banner, a clear error
// for a call made meanwhile, automatic reconnect with the remembered token
// and port, the draft kept), the draft restored after a reload, and many
// start/cancel cycles from the Run view without the server dying.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCgroup, addTask, go, waitRunState } from './actions/workbench';
import { app, cgroupsPage, runPage } from './pages/app';
import { launch } from './support/browser';
import { ensureRendererBuilt, repoRoot } from './support/build-renderer';
import { startServeProcess, type ServeProcess } from './support/serve-process';

const shots = join(repoRoot, 'test-results/e2e');

describe('robustness in Chromium against a real kernel-lab serve process', () => {
  let dir: string;
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  const session = (): string => join(dir, 'robust.klab');
  const config = (): string => join(dir, 'config');
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureRendererBuilt();
    dir = mkdtempSync(join(tmpdir(), 'klab-e2e-robust-'));
    server = await startServeProcess(session(), config());
    browser = await launch();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(server.url);
    await app(page).ready().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('server killed: a banner, a clear error for Start, the draft kept; restarted: reconnects by itself with the same URL', async () => {
    await addCgroup(page, '/', 'web');
    await cgroupsPage(page).node('/web').waitFor();
    expect(await app(page).connectionBanner().count()).toBe(0);

    await server.kill();
    await app(page).connectionBanner().waitFor({ timeout: 10_000 });
    expect(await app(page).connectionBanner().textContent()).toContain('Connection lost — reconnecting');
    await go(page, 'run');
    await runPage(page).start().click();
    await expect.poll(() => runPage(page).runError().textContent()).toContain('run/start: not connected to the lab service (reconnecting); nothing was sent');
    await app(page).connectionDetail().waitFor({ timeout: 10_000 });
    expect(await app(page).connectionDetail().textContent()).toBe('the lab service does not answer (stopped or restarting)');
    await shot('robust-01-connection-lost');

    // Same command again: the token and port come back from the config dir, so the open page gets in without a new URL.
    const before = new URL(server.url);
    server = await startServeProcess(session(), config());
    expect(new URL(server.url).port).toBe(before.port);
    expect(new URL(server.url).searchParams.get('token')).toBe(before.searchParams.get('token'));
    await app(page).connectionBanner().waitFor({ state: 'detached', timeout: 15_000 });
    await go(page, 'cgroups');
    await cgroupsPage(page).node('/web').waitFor();
    await shot('robust-02-reconnected');
  });

  it('a reload brings the unsaved draft back, still marked unsaved', async () => {
    await page.waitForTimeout(400); // the draft is written 250 ms after the last edit
    await page.reload();
    await app(page).ready().waitFor({ timeout: 30_000 });
    await expect.poll(() => app(page).toast().textContent()).toMatch(/^Restored your unsaved scenario draft from /);
    expect(await app(page).sessionName().textContent()).toContain('•');
    await go(page, 'cgroups');
    await cgroupsPage(page).node('/web').waitFor();
    await shot('robust-03-draft-restored');
  });

  it('start and cancel 6 times in quick succession: every run ends "cancelled", the server lives, the next run completes', async () => {
    await addTask(page, { name: 'hog', cgroup: '/web', type: 'cpu', count: 2 });
    await go(page, 'run');
    const r = runPage(page);
    await r.duration().fill('120s');
    await r.pace().selectOption('1');
    for (let i = 0; i < 6; i++) {
      await r.name().fill(`cycle ${i}`);
      await r.start().click();
      await expect.poll(() => r.cancel().isEnabled(), { timeout: 30_000 }).toBe(true);
      await r.cancel().click();
      expect(await waitRunState(page, /^(cancelled|failed|complete)$/)).toBe('cancelled');
      expect(server.alive()).toBe(true);
    }
    await r.name().fill('after the cycles');
    await r.duration().fill('1s');
    await r.pace().selectOption('max');
    await r.start().click();
    await waitRunState(page, /^(queued|running|complete)$/);
    expect(await waitRunState(page, /^(cancelled|failed|complete)$/)).toBe('complete');
    expect(server.alive()).toBe(true);
    expect(server.stderr()).not.toMatch(/Assertion|Aborted/);
    await shot('robust-04-after-cycles');
  }, 240_000);
});
