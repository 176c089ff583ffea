// Validation where the user edits (issue 17), in real Chromium: values the
// scenario schema refuses (nice 30, a 0s duration) never stay in the editor
// and the Problems panel says what was refused, naming the task; a draft that
// cannot run is listed as it arises and Start is blocked with a pointer to it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTask, go } from './actions/workbench';
import { problemsPanel, runPage, sessionsPage, workloadsPage } from './pages/app';
import { closeWorkbench, openWorkbench, shotsDir, type Workbench } from './support/workbench-page';

describe('Problems panel in Chromium', () => {
  let w: Workbench;
  const shot = (name: string): Promise<Buffer> => w.page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    w = await openWorkbench('problems');
  });
  afterAll(() => closeWorkbench(w));

  it('nice 30 is refused: the field goes back to 0 and the problem names the task', async () => {
    await addTask(w.page, { name: 'web', cgroup: '/', type: 'cpu' });
    const nice = workloadsPage(w.page).nice();
    await nice.fill('30');
    await nice.blur();
    const refused = problemsPanel(w.page).items('refused');
    await expect.poll(() => refused.allTextContents()).toEqual(["task 'web' nice: expected an integer from -20 to 19, got 30 — refused, the previous value is kept"]);
    expect(await nice.inputValue()).toBe('0');
    await shot('problems-01-nice-refused');
  });

  it('a 0s duration is refused: the field shows the kept duration', async () => {
    await go(w.page, 'run');
    const d = runPage(w.page).duration();
    await d.fill('0s');
    await d.blur();
    const refused = problemsPanel(w.page).items('refused');
    await expect.poll(() => refused.first().textContent()).toBe('duration: expected a duration > 0, got "0s" — refused, the previous value is kept');
    expect(await d.inputValue()).toBe('10s');
    await shot('problems-02-duration-refused');
  });

  it('a fio job fio would not accept is listed as it is typed and blocks Start with a pointer to the panel', async () => {
    await go(w.page, 'workloads');
    const wl = workloadsPage(w.page);
    await wl.type().selectOption('fio');
    await wl.fioText().fill('[job]\nrw=sideways\nbs=4k\nsize=1g\n');
    await wl.fioText().blur();
    const issues = problemsPanel(w.page).items('issue');
    await expect.poll(() => issues.allTextContents(), { timeout: 15_000 }).toEqual([
      "task 'web' run.text: expected a job fio accepts: web (text):2: failed parsing rw=sideways: expected read, write, trim, randread, randwrite, randtrim, rw, readwrite, randrw, trimwrite or randtrimwrite",
    ]);
    await go(w.page, 'run');
    const r = runPage(w.page);
    await r.start().click();
    await expect.poll(() => r.runError().textContent()).toBe('Start is blocked: the scenario has 1 problem; see the Problems panel below.');
    expect(await r.state().count()).toBe(0);
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.getAttribute('data-role'))).toBe('problems');
    await shot('problems-03-start-blocked');
    // Fixed: the problem goes, nothing was run meanwhile.
    await go(w.page, 'workloads');
    await wl.type().selectOption('cpu');
    await expect.poll(() => issues.count(), { timeout: 15_000 }).toBe(0);
    await go(w.page, 'sessions');
    await expect.poll(() => sessionsPage(w.page).title().textContent()).toMatch(/ · 0 runs/);
  });
});
