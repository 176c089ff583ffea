// The scenario YAML in the app (issue 17), in real Chromium: export the
// edited scenario, open it back (it is the same scenario, byte for byte the
// same export, and the CLI's validator accepts it), and a bad file is not
// opened: its FILE:LINE:COL errors are listed in the Problems panel.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src-sim/api';
import { addCgroup, addTask, downloadVia, go, writeCgroupFile } from './actions/workbench';
import { problemsPanel, sessionsPage, workloadsPage } from './pages/app';
import { closeWorkbench, openWorkbench, shotsDir, type Workbench } from './support/workbench-page';

describe('scenario YAML in Chromium', () => {
  let w: Workbench;
  let exported = '';
  const shot = (name: string): Promise<Buffer> => w.page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
  const exportNow = async (): Promise<{ name: string; text: string }> => {
    await go(w.page, 'sessions');
    const d = await downloadVia(w.page, () => sessionsPage(w.page).exportScenario().click());
    return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
  };

  beforeAll(async () => {
    w = await openWorkbench('yaml');
  });
  afterAll(() => closeWorkbench(w));

  it('exports the edited scenario as a file the validator accepts with the same cgroups and tasks', async () => {
    await addCgroup(w.page, '/', 'web');
    await writeCgroupFile(w.page, '/web', 'cpu.weight', '300');
    await addTask(w.page, { name: 'hog', cgroup: '/web', type: 'cpu', count: 2 });
    const { name, text } = await exportNow();
    expect(name).toBe('untitled.yaml');
    const s = loadScenario(text, name);
    expect(s.cgroups.find((c) => c.path === '/web')?.writes).toEqual([['cpu.weight', '300']]);
    expect(s.tasks.map((t) => [t.name, t.cgroup, t.count, t.run.type])).toEqual([['hog', '/web', 2, 'cpu']]);
    exported = text;
  });

  it('opens the exported file back over other edits: the same scenario, and the same export byte for byte', async () => {
    await addTask(w.page, { name: 'other', cgroup: '/', type: 'cpu' });
    const file = join(w.dir, 'untitled.yaml');
    writeFileSync(file, exported);
    await go(w.page, 'sessions');
    await sessionsPage(w.page).scenarioFile().setInputFiles(file);
    await expect.poll(() => sessionsPage(w.page).scenarioNote().textContent()).toBe('Opened untitled.yaml: untitled, 1 tasks, 1 cgroups.');
    await go(w.page, 'workloads');
    await workloadsPage(w.page).task('hog').waitFor();
    expect(await workloadsPage(w.page).task('other').count()).toBe(0);
    const again = await exportNow();
    expect(again.text).toBe(exported);
    expect(loadScenario(again.text, 'again.yaml')).toEqual(loadScenario(exported, 'again.yaml'));
  });

  it('a bad file is not opened: its FILE:LINE:COL errors go to the Problems panel and the editor keeps its scenario', async () => {
    const bad = 'format: kernel-lab/scenario@1\nduration: 0s\nmachine: { cpus: 2, memory: 1G }\ntasks:\n  - name: web\n    nice: 30\n    run: { type: cpu }\n';
    await go(w.page, 'sessions');
    await sessionsPage(w.page).scenarioFile().setInputFiles({ name: 'bad.yaml', mimeType: 'application/yaml', buffer: Buffer.from(bad) });
    const lines = problemsPanel(w.page).items('file');
    await expect.poll(() => lines.allTextContents()).toEqual([
      'bad.yaml:2:11: duration: expected a duration > 0, got "0s"',
      'bad.yaml:6:11: tasks[0].nice: expected an integer from -20 to 19, got 30',
    ]);
    expect(await sessionsPage(w.page).scenarioNote().textContent()).toBe('bad.yaml was not opened: 2 problems, listed in the Problems panel.');
    await shot('yaml-01-bad-file');
    expect((await exportNow()).text).toBe(exported);
  });

  it('a pasted scenario opens into the editor', async () => {
    const s = sessionsPage(w.page);
    await go(w.page, 'sessions');
    await w.page.locator('[data-role="scenario-file"] summary').click();
    await s.scenarioPaste().fill(exported.replace('name: untitled', 'name: pasted one'));
    await s.openPasted().click();
    await expect.poll(() => s.scenarioNote().textContent()).toBe('Opened pasted.yaml: pasted one, 1 tasks, 1 cgroups.');
    expect(await problemsPanel(w.page).items('file').count()).toBe(0);
    await shot('yaml-02-pasted');
  });
});
