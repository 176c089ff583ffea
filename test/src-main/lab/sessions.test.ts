import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { configDir } from '../../../src-main/lab/config-dir';
import { RECENT_MAX, RecentList } from '../../../src-main/lab/recent';
import { SessionPaths } from '../../../src-main/lab/session-paths';
import { APP_VERSION } from '../../../src-main/lab/version';
import { makeLab } from '../fixtures/lab';
import { probeScenario } from '../fixtures/probe';
import { until } from '../fixtures/lab';

const dir = mkdtempSync(join(tmpdir(), 'klab-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('session paths: relative to the default folder, absolute anywhere, symlinks followed; other extensions, hidden names and NUL refused', () => {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  symlinkSync(tmpdir(), join(root, 'out'));
  const p = new SessionPaths(root);
  expect(p.resolve('a.klab')).toBe(join(root, 'a.klab'));
  expect(p.resolve('sub/b.KLAB')).toBe(join(root, 'sub', 'b.KLAB'));
  expect(p.resolve(join(root, 'sub', '..', 'c.klab'))).toBe(join(root, 'c.klab'));
  // No "session folders" any more: a session may be saved anywhere the user may write (checked when it is written).
  expect(p.resolve('../x.klab')).toBe(join(dir, 'x.klab'));
  expect(p.resolve('out/x.klab')).toBe(join(realpathSync(tmpdir()), 'x.klab'));
  expect(p.resolve('/srv/elsewhere/x.klab')).toBe('/srv/elsewhere/x.klab');
  expect(() => p.resolve('x.db')).toThrow('session path "x.db": expected a file name ending in .klab');
  expect(() => p.resolve('x\0.klab')).toThrow('session path "x\\0.klab": contains a NUL byte');
  expect(() => p.resolve('.klab')).toThrow('hidden file names are not accepted');
});

test('the recent list keeps the newest first, without duplicates, at most RECENT_MAX; a damaged file reads as empty', () => {
  const r = new RecentList(join(dir, 'cfg'));
  expect(r.list()).toEqual([]);
  for (let i = 0; i < RECENT_MAX + 3; i++) r.add(`/s/${i}.klab`);
  r.add('/s/5.klab');
  const l = r.list();
  expect(l).toHaveLength(RECENT_MAX);
  expect(l[0]).toBe('/s/5.klab');
  expect(l[1]).toBe(`/s/${RECENT_MAX + 2}.klab`);
  expect(new Set(l).size).toBe(l.length);
  expect(JSON.parse(readFileSync(r.file, 'utf8'))).toMatchObject({ format: 'kernel-lab/recent@1' });
  writeFileSync(r.file, '{"format": "something else"');
  expect(r.list()).toEqual([]);
});

test('the config dir follows KERNEL_LAB_CONFIG_DIR, then the platform convention', () => {
  expect(configDir({ KERNEL_LAB_CONFIG_DIR: '/x/y' }, 'linux')).toBe('/x/y');
  expect(configDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/xdg/kernel-lab');
  expect(configDir({ APPDATA: 'C:/AppData' }, 'win32')).toBe(join('C:/AppData', 'Kernel Lab'));
  expect(configDir({}, 'darwin')).toMatch(/Library\/Application Support\/Kernel Lab$/);
});

test('APP_VERSION is package.json version', () => {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string };
  expect(APP_VERSION).toBe(pkg.version);
});

test('new, run, save as, close, reopen: the runs come along and the recent list follows', async () => {
  const f = makeLab();
  try {
    const c = f.client();
    const ended = new Set<string>();
    c.on('onRunStatus', (e) => e.run.status === 'complete' && ended.add(e.run.id));
    // A run with no session open lands in an untitled session in the config dir.
    const first = await c.call('run/start', { scenario: probeScenario({ durationNs: 1e8 }) });
    const untitled = (await c.call('session/info', {})).path!;
    expect(untitled).toContain(join('config', 'untitled', 'untitled-'));
    await until(() => ended.has(first.id));
    const saved = await c.call('session/saveAs', { path: 'kept.klab' });
    expect(saved.path).toBe(join(f.dir, 'kept.klab'));
    expect(saved.runCount).toBe(1);
    await c.call('session/close', {});
    expect(await c.call('session/info', {})).toEqual({ path: null, untitled: true, runCount: 0, savedAt: null });
    expect((await c.call('run/list', {})).runs).toEqual([]);
    const reopened = await c.call('session/open', { path: 'kept.klab' });
    expect(reopened.runCount).toBe(1);
    expect((await c.call('run/list', {})).runs[0]).toMatchObject({ status: 'complete', simNs: 1e8 });
    expect((await c.call('session/recent', {})).paths).toEqual([join(f.dir, 'kept.klab')]);
    // A deleted session drops out of the recent list.
    await c.call('session/new', { path: 'gone.klab' });
    expect((await c.call('session/recent', {})).paths).toEqual([join(f.dir, 'gone.klab'), join(f.dir, 'kept.klab')]);
    await c.call('session/open', { path: 'kept.klab' });
    rmSync(join(f.dir, 'gone.klab'));
    expect((await c.call('session/recent', {})).paths).toEqual([join(f.dir, 'kept.klab')]);
    const taken = await c.call('session/saveAs', { path: 'gone2.klab' }).then(async () => {
      await c.call('session/open', { path: 'kept.klab' });
      return c.call('session/saveAs', { path: 'gone2.klab' }).catch((e: Error) => e.message);
    });
    expect(taken).toBe(`session/saveAs: ${join(f.dir, 'gone2.klab')} already exists`);
    const exists = await c.call('session/new', { path: 'kept.klab' }).catch((e: Error) => e.message);
    expect(exists).toBe(`${join(f.dir, 'kept.klab')}: a file with this name already exists`);
  } finally {
    await f.dispose();
  }
});

test('a truncated session file is refused with a clear error and left byte for byte as it was', async () => {
  const f = makeLab();
  try {
    const c = f.client();
    const ended = new Set<string>();
    c.on('onRunStatus', (e) => e.run.status === 'complete' && ended.add(e.run.id));
    await c.call('session/new', { path: 'cut.klab' });
    const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 5e8 }) });
    await until(() => ended.has(run.id));
    await c.call('session/close', {});
    const file = join(f.dir, 'cut.klab');
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const before = readFileSync(file);
    const err = await c.call('session/open', { path: 'cut.klab' }).then(
      () => null,
      (e: Error & { reply?: { code: string } }) => e,
    );
    expect(err?.reply?.code).toBe('refused');
    expect(err?.message.startsWith(`${file}: `)).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(true);
    // The service is still usable.
    expect((await c.call('session/info', {})).path).toBe(null);
  } finally {
    await f.dispose();
  }
});

test('New Session over a file the user agreed to replace starts empty, WAL and all; the open session cannot be replaced', async () => {
  const f = makeLab();
  try {
    const c = f.client();
    const ended = new Set<string>();
    c.on('onRunStatus', (e) => e.run.status === 'complete' && ended.add(e.run.id));
    await c.call('session/new', { path: 'old.klab' });
    const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 1e8 }) });
    await until(() => ended.has(run.id));
    const file = join(f.dir, 'old.klab');
    await expect(f.lab.newSession(file, { replace: true })).rejects.toThrow('that session is open; close it before replacing it');
    await c.call('session/close', {});
    writeFileSync(`${file}-wal`, 'stale wal');
    const fresh = await f.lab.newSession(file, { replace: true });
    expect(fresh.runCount).toBe(0);
    expect((await c.call('run/list', {})).runs).toEqual([]);
  } finally {
    await f.dispose();
  }
});
