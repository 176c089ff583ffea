/**
 * Browser mode start to interactive: from page navigation to the app having
 * connected to the lab service and loaded session and runs
 * (html[data-ready="1"]), in Chromium. Target ≤ 1.5 s (issue 6).
 */
import type { BenchResult } from './result';
import { buildRenderer, launchChromium } from './ui-support';

export async function benchUiStart(): Promise<BenchResult> {
  const rendererDir = await buildRenderer();
  const { serve } = await import('../src-main/serve/command');
  const lab = await serve({ port: 0, session: null, rendererDir });
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const t0 = performance.now();
      await page.goto(lab.server.url);
      await page.waitForSelector('html[data-ready="1"]', { timeout: 30_000 });
      times.push(performance.now() - t0);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await lab.close();
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)]!;
  return {
    name: 'ui-start-to-interactive',
    figures: { 'first (cold cache) ms': times[0]!, 'median of 5 (fresh context) ms': median, 'max ms': Math.max(...warm) },
    target: '≤ 1500 ms',
    ratio: 1500 / median,
    notes: 'navigation → WebSocket connected, session/info + session/recent + run/list answered; Chromium headless, no GPU',
  };
}
