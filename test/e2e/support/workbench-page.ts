// One browser-mode workbench for an e2e file: the renderer built, a lab
// served in this process on a fresh session in a temporary folder, and a
// Chromium page that has finished loading it. Dialogs ("open this preset over
// your edits?") are accepted, as the user would.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ServeHandle } from '../../../src-main/serve/command';
import { app } from '../pages/app';
import { launch } from './browser';
import { ensureRendererBuilt, repoRoot } from './build-renderer';
import { startLab } from './lab';

export const shotsDir = join(repoRoot, 'test-results/e2e');

export interface Workbench {
  dir: string;
  lab: ServeHandle;
  browser: Browser;
  page: Page;
}

/**
 * name: the temporary folder's prefix and the session file's name (NAME.klab).
 * session false: served with no session open (runs then go to an untitled one);
 * the per-user config dir (recent list, untitled sessions) is always inside the temporary folder.
 */
export async function openWorkbench(name: string, opts: { session?: boolean } = {}): Promise<Workbench> {
  mkdirSync(shotsDir, { recursive: true });
  await ensureRendererBuilt();
  const dir = mkdtempSync(join(tmpdir(), `klab-e2e-${name}-`));
  const lab = await startLab(opts.session === false ? null : join(dir, `${name}.klab`), join(dir, 'config'));
  const browser = await launch();
  const page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } })).newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(lab.server.url);
  await app(page).ready().waitFor({ timeout: 30_000 });
  return { dir, lab, browser, page };
}

/** Safe on a partly opened workbench (a failed beforeAll). */
export async function closeWorkbench(w: Partial<Workbench> | undefined): Promise<void> {
  await w?.browser?.close();
  await w?.lab?.close();
  if (w?.dir) rmSync(w.dir, { recursive: true, force: true });
}
