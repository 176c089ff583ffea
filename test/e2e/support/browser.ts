// Debian's Chromium through playwright-core (no downloaded browsers here).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** `CHROME_PATH` when set, else the first Chromium or Chrome found at the usual Debian/Ubuntu paths. */
export const CHROMIUM =
  process.env['CHROME_PATH'] ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'].find((p) => existsSync(p)) ??
  '/usr/bin/chromium';

export function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the e2e tests need Chromium (apt-get install -y chromium, or set CHROME_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
