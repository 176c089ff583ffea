// Shared by the UI benchmarks: Debian's Chromium, the built renderer, and the
// in-browser bench page (src-renderer/bench/ui-bench.ts bundled with esbuild).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const repoRoot = resolve(import.meta.dirname ?? process.cwd(), '..');
/** CHROME_PATH, or Debian's/Ubuntu's Chromium. */
export const CHROMIUM = process.env['CHROME_PATH'] ?? (existsSync('/usr/bin/chromium-browser') ? '/usr/bin/chromium-browser' : '/usr/bin/chromium');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium, or set CHROME_PATH`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * Opens the in-browser bench page in a fresh Chromium, waits until it is
 * ready, runs `use` on the page and closes the browser.
 */
export async function withBenchPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const url = await benchPage();
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(url);
    await page.waitForSelector('html[data-bench="ready"]', { state: 'attached' });
    return await use(page);
  } finally {
    await browser.close();
  }
}

/** Evaluates `expression` (a call on window.klBench) in the bench page. */
export async function evaluateInBenchPage<T>(expression: string): Promise<T> {
  return withBenchPage(async (page) => (await page.evaluate(expression)) as T);
}

/** Bundles the in-browser bench into a temp folder; returns the file:// URL of its page. */
export async function benchPage(): Promise<string> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'klab-uibench-'));
  await build({
    entryPoints: [join(repoRoot, 'src-renderer/bench/ui-bench.ts')],
    bundle: true,
    // A classic script: Chromium refuses ES modules from file:// pages.
    format: 'iife',
    minify: true,
    outfile: join(dir, 'bench.js'),
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body style="margin:0"><script src="./bench.js"></script></body></html>');
  return `file://${join(dir, 'index.html')}`;
}

/** Builds dist/renderer with Vite (what browser mode serves). */
export async function buildRenderer(): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'src-renderer/vite.config.ts'), root: join(repoRoot, 'src-renderer'), logLevel: 'warn' });
  return join(repoRoot, 'dist/renderer');
}
