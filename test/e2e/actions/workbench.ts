// Page actions: what a user does, in the user's words, built on the page components.
import type { Download, Locator, Page } from 'playwright-core';
import type { PanelGroup } from '../../../src-renderer/charts/panels';
import { app, calibrationPanel, memoryBlocksPanel, cgroupsPage, comparePage, machinePage, runPage, sessionsPage, workloadsPage } from '../pages/app';

export async function go(p: Page, view: 'machine' | 'cgroups' | 'workloads' | 'timeline' | 'run' | 'compare' | 'sweep' | 'gallery' | 'sessions'): Promise<void> {
  await app(p).nav(view).click();
}

export async function importTopology(p: Page, file: string): Promise<void> {
  await go(p, 'machine');
  await machinePage(p).importInput().setInputFiles(file);
  await machinePage(p).notes().waitFor();
}

export async function addDisk(p: Page, type: 'nvme' | 'ssd' | 'hdd' | 'virtio' | 'usb'): Promise<void> {
  await go(p, 'machine');
  await machinePage(p).diskType().selectOption(type);
  await machinePage(p).addDisk().click();
}

/** Pick fio JSON files in the selected disk's calibration panel and wait for the fit (or its error). */
export async function calibrateFromFio(p: Page, files: string[]): Promise<void> {
  const c = calibrationPanel(p);
  await c.files().setInputFiles(files);
  await p.locator('[data-role="calibration-params"], [data-role="calibration-error"]').first().waitFor({ timeout: 120_000 });
}

export async function addCgroup(p: Page, parent: string, name: string): Promise<void> {
  await go(p, 'cgroups');
  await cgroupsPage(p).node(parent).click();
  await cgroupsPage(p).nameInput().fill(name);
  await cgroupsPage(p).add().click();
}

export async function writeCgroupFile(p: Page, path: string, file: string, value: string): Promise<void> {
  await go(p, 'cgroups');
  await cgroupsPage(p).node(path).click();
  const input = cgroupsPage(p).file(file);
  await input.fill(value);
  await input.press('Enter');
  await input.blur();
}

export async function addTask(p: Page, t: { name: string; cgroup: string; type: string; count?: number }): Promise<void> {
  await go(p, 'workloads');
  const w = workloadsPage(p);
  await w.add().click();
  await w.name().fill(t.name);
  await w.name().blur();
  await w.cgroup().selectOption(t.cgroup);
  await w.type().selectOption(t.type);
  if (t.count) {
    await w.count().fill(String(t.count));
    await w.count().blur();
  }
  await w.task(t.name).waitFor();
}

export async function startRun(p: Page, name: string, duration: string, pace: 'max' | '1' | '10' = 'max'): Promise<void> {
  await go(p, 'run');
  const r = runPage(p);
  await r.name().fill(name);
  await r.duration().fill(duration);
  await r.pace().selectOption(pace);
  await r.start().click();
  await r.state().waitFor();
}

export async function waitRunState(p: Page, states: RegExp, timeout = 60_000): Promise<string> {
  const r = runPage(p);
  await p.waitForFunction(
    (re) => new RegExp(re).test(document.querySelector('[data-role="run-state"]')?.textContent ?? ''),
    states.source,
    { timeout },
  );
  return (await r.state().textContent()) ?? '';
}

export async function unplugDisk(p: Page, name: string): Promise<void> {
  const r = runPage(p);
  await r.unplugDevice().selectOption(name);
  await r.unplug().click();
}

/** Open the Run view's memory blocks list (if closed) and take a block offline, as `echo offline > memoryN/state`. */
export async function offlineMemoryBlock(p: Page, block: string): Promise<void> {
  const m = memoryBlocksPanel(p);
  if (!(await m.root().evaluate((d) => (d as HTMLDetailsElement).open))) await m.summary().click();
  await m.offline(block).click();
}

/** Bring an offline block back, onlined as `type`. */
export async function onlineMemoryBlock(p: Page, block: string, type: 'online' | 'online_kernel' | 'online_movable'): Promise<void> {
  const m = memoryBlocksPanel(p);
  await m.onlineType().selectOption(type);
  await m.online(block).click();
}

export async function compareRuns(p: Page, names: string[], group: PanelGroup['id']): Promise<void> {
  await go(p, 'compare');
  const c = comparePage(p);
  for (const n of names) await c.run(n).check();
  await c.group(group).click();
}

/** Screenshot of a chart's drawing surface (the ECharts root inside a panel or the topology graph) and its size in CSS pixels. */
export async function chartShot(chart: Locator): Promise<{ png: Buffer; width: number; height: number }> {
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.boundingBox())!;
  return { png: await chart.screenshot(), width: Math.round(box.width), height: Math.round(box.height) };
}

/** Clicks something that downloads a file; returns the download. */
export async function downloadVia(p: Page, click: () => Promise<void>): Promise<Download> {
  const [d] = await Promise.all([p.waitForEvent('download'), click()]);
  return d;
}

export async function sessionAction(p: Page, action: 'create' | 'open' | 'saveAs' | 'close', path?: string): Promise<void> {
  await go(p, 'sessions');
  const s = sessionsPage(p);
  if (path !== undefined) await s.path().fill(path);
  await s[action]().click();
}

/** Types a value into a field and leaves it, as a user does; the field's change handler runs. */
export async function enter(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.blur();
}
