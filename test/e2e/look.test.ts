// Issue 17, what the user sees: disabled buttons look disabled, the dark
// theme meets WCAG AA (contrast computed from the colours Chromium renders),
// and the chosen theme is still there after a reload.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeHandle } from '../../src-main/serve/command';
import { alphaOf, composite, contrastRatio, parseColour, type Rgb } from '../../src-renderer/util/contrast';
import { addCgroup, go } from './actions/workbench';
import { app, runPage } from './pages/app';
import { repoRoot } from './support/build-renderer';
import { closeWorkbench, openWorkbench } from './support/workbench-page';

const shots = join(repoRoot, 'test-results/e2e');

interface Look {
  text: string;
  color: string;
  background: string;
  border: string;
  opacity: string;
  borderStyle: string;
  cursor: string;
  ownBackground: string;
}

/** Every visible button's rendered colours; a transparent background is the nearest painted ancestor's. */
function buttonLooks(p: Page): Promise<Look[]> {
  return p.$$eval('button', (els) =>
    els
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => {
        const cs = getComputedStyle(e);
        let bg = cs.backgroundColor;
        for (let a: Element | null = e; a && /rgba\(.*, 0\)$|transparent/.test(bg); a = a.parentElement) bg = getComputedStyle(a).backgroundColor;
        return { text: (e.textContent ?? '').trim(), color: cs.color, background: bg, border: cs.borderTopColor, opacity: cs.opacity, borderStyle: cs.borderTopStyle, cursor: cs.cursor, ownBackground: cs.backgroundColor };
      }),
  );
}

describe('look in Chromium', () => {
  let dir: string;
  let lab: ServeHandle;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ dir, lab, browser, page } = await openWorkbench('look'));
  });

  afterAll(() => closeWorkbench({ dir, lab, browser }));

  it('disabled buttons (Pause, Resume, Cancel, Write…) are faded, dashed and not clickable-looking; Start is not', async () => {
    await go(page, 'run');
    await runPage(page).start().waitFor();
    const looks = await buttonLooks(page);
    const by = (t: string): Look => looks.find((l) => l.text === t)!;
    for (const t of ['Pause', 'Resume', 'Cancel', 'Unplug disk', 'Plug NVMe disk', 'Write']) {
      expect(by(t), t).toMatchObject({ opacity: '0.45', borderStyle: 'dashed', cursor: 'not-allowed' });
    }
    expect(by('Start')).toMatchObject({ opacity: '1', borderStyle: 'solid', cursor: 'pointer' });
  });

  it('the keyboard reaches the cgroup tree and moves through it with the arrow keys', async () => {
    await addCgroup(page, '/', 'a');
    await addCgroup(page, '/', 'b');
    await page.locator('h2').click();
    let focused: string | null = null;
    for (let i = 0; i < 40 && focused === null; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-cgroup') ?? null);
    }
    expect(focused).toBe('/');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-cgroup'))).toBe('/a');
    expect(await page.locator('[data-cgroup="/a"]').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-cgroup'))).toBe('/b');
    expect(await page.locator('[data-cgroup="/b"]').getAttribute('aria-selected')).toBe('true');
  });

  it('dark theme: button text ≥ 4.5:1 and enabled button edges ≥ 3:1 against the page, as rendered; remembered after a reload', async () => {
    await app(page).themeToggle().click();
    await page.locator('.app[data-theme="dark"]').waitFor();
    for (const view of ['run', 'sessions', 'cgroups'] as const) {
      await go(page, view);
      await page.waitForTimeout(300);
      const page_ = parseColour(await page.$eval('.content', (e) => getComputedStyle(e.closest('.app')!).backgroundColor));
      for (const l of await buttonLooks(page)) {
        if (l.opacity !== '1' || !l.text) continue; // disabled: exempt from contrast minimums (WCAG 1.4.3)
        const bg: Rgb = composite(parseColour(l.background), alphaOf(l.background), page_);
        expect(contrastRatio(composite(parseColour(l.color), alphaOf(l.color), bg), bg), `${view}: "${l.text}" text ${l.color} on ${l.background}`).toBeGreaterThanOrEqual(4.5);
        // Borderless (nav entries) or filled with the edge colour: the fill is the edge, checked below.
        if (alphaOf(l.border) === 0 || alphaOf(l.ownBackground) === 0) continue;
        if (l.border === l.ownBackground) {
          expect(contrastRatio(bg, page_), `${view}: "${l.text}" fill against the page`).toBeGreaterThanOrEqual(3);
          continue;
        }
        expect(contrastRatio(parseColour(l.border), page_), `${view}: "${l.text}" edge ${l.border}`).toBeGreaterThanOrEqual(3);
      }
    }
    await page.screenshot({ path: join(shots, 'look-dark-cgroups.png'), fullPage: true });
    await page.reload();
    await app(page).ready().waitFor({ timeout: 30_000 });
    await page.locator('.app[data-theme="dark"]').waitFor({ timeout: 5_000 });
  });
});
