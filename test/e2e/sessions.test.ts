// Sessions like an editor (issue 17), in real Chromium against browser mode
// started with no session: runs made first belong to an "untitled" session
// that Save as writes to any folder the user may write; a folder it cannot
// write is refused with the path named, and the runs stay where they were.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src-main/store/session';
import { addTask, go, sessionAction, startRun, waitRunState } from './actions/workbench';
import { app, sessionsPage } from './pages/app';
import { closeWorkbench, openWorkbench, shotsDir, type Workbench } from './support/workbench-page';

describe('sessions as an editor in Chromium', () => {
  let w: Workbench;
  const shot = (name: string): Promise<Buffer> => w.page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    w = await openWorkbench('sessions', { session: false });
  });
  afterAll(() => closeWorkbench(w));

  it('runs made before any session is open are "untitled · N runs", and Save as is enabled', async () => {
    const s = sessionsPage(w.page);
    await go(w.page, 'sessions');
    await expect.poll(() => s.title().textContent()).toBe('untitled · 0 runs');
    expect(await s.saveAs().isEnabled()).toBe(true);
    await addTask(w.page, { name: 'hog', cgroup: '/', type: 'cpu' });
    for (const name of ['one', 'two']) {
      await startRun(w.page, name, '1s');
      expect(await waitRunState(w.page, /^(complete|failed|cancelled)$/)).toBe('complete');
    }
    await go(w.page, 'sessions');
    await expect.poll(() => s.title().textContent()).toBe('untitled · 2 runs');
    expect(await s.saveAs().isEnabled()).toBe(true);
    expect(await app(w.page).sessionName().textContent()).toMatch(/^untitled/);
    expect(await s.runRow('one').count()).toBe(1);
    await shot('sessions-01-untitled');
  }, 120_000);

  it('Save as into a folder the user may not write shows why, naming the path; the session stays untitled with its runs', async () => {
    const s = sessionsPage(w.page);
    // sysfs refuses to create files even for root: a folder the user may not write on any box.
    await sessionAction(w.page, 'saveAs', '/sys/lab.klab');
    await expect.poll(() => s.error().textContent()).toMatch(/^session\/saveAs: cannot save the session as \/sys\/lab\.klab: cannot create a file in \/sys: permission denied \(the folder is not writable for you\); \S+untitled-\S+\.klab is still open, unchanged$/);
    expect(await s.title().textContent()).toBe('untitled · 2 runs');
    await shot('sessions-02-refused');
  });

  it('Save as anywhere writable gives the session its file name and keeps both runs in the file', async () => {
    const s = sessionsPage(w.page);
    const folder = join(w.dir, 'somewhere', 'else');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'lab.klab');
    await sessionAction(w.page, 'saveAs', file);
    await expect.poll(() => s.title().textContent()).toMatch(/^lab\.klab · 2 runs/);
    expect(await s.current().textContent()).toBe(file);
    expect(await s.error().count()).toBe(0);
    expect(await s.saved().textContent()).toBe(`Saved as ${file} (2 runs).`);
    expect(await app(w.page).sessionName().textContent()).toMatch(/^lab\.klab/);
    expect(await s.runRow('one').count()).toBe(1);
    expect(await s.runRow('two').count()).toBe(1);
    await shot('sessions-03-saved');
    const stored = Session.open(file, { readOnly: true });
    try {
      expect(stored.listRuns().map((r) => [r.name, r.status])).toEqual([
        ['one', 'complete'],
        ['two', 'complete'],
      ]);
    } finally {
      stored.close();
    }
  });
});
