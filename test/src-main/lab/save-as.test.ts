// Sessions as an editor's documents (issue 17): runs made with no session open
// belong to an untitled session; Save As writes the session anywhere the user
// may write, keeps every run value for value, and refuses a folder it cannot
// write or a disk that fills up with an error naming the path, leaving the
// open session as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import { bundle, repoRoot } from '../fixtures/bundle';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { probeScenario } from '../fixtures/probe';

let f: LabFixture | null = null;
afterEach(async () => {
  await f?.dispose();
  f = null;
});

async function runToEnd(c: LabClient, durationNs = 1e8, seed = 1): Promise<string> {
  const ended = new Set<string>();
  const off = c.on('onRunStatus', (e) => e.run.status === 'complete' && ended.add(e.run.id));
  const r = await c.call('run/start', { scenario: probeScenario({ durationNs, sampleIntervalNs: 1e6, seed }) });
  await until(() => ended.has(r.id));
  off();
  return r.id;
}

async function allValues(c: LabClient, runId: string): Promise<unknown> {
  const cat = await c.call('query/series', { runId });
  return c.call('query/window', { runId, seriesIds: cat.series.map((s) => s.id), t0Ns: 0, t1Ns: 1e9, points: 100_000, method: 'minmax' });
}

test('runs made with no session open are an untitled session; Save As outside the default folder keeps them value for value and names the session', async () => {
  f = makeLab();
  const c = f.client();
  expect(await c.call('session/info', {})).toEqual({ path: null, untitled: true, runCount: 0, savedAt: null });
  const changes: boolean[] = [];
  c.on('onSessionChanged', (s) => changes.push(s.untitled));
  const a = await runToEnd(c, 1e8, 1);
  const b = await runToEnd(c, 2e8, 2);
  const untitled = await c.call('session/info', {});
  expect(untitled).toMatchObject({ untitled: true, runCount: 2 });
  expect(untitled.path).toContain(join('config', 'untitled', 'untitled-'));
  const before = [await allValues(c, a), await allValues(c, b)];

  // Not under the default folder (f.dir): any folder the user may write.
  const elsewhere = join(f.dir, '..', `${f.dir.split('/').pop()}-elsewhere`);
  mkdirSync(elsewhere, { recursive: true });
  const target = join(elsewhere, 'kept.klab');
  const saved = await c.call('session/saveAs', { path: target });
  expect(saved).toMatchObject({ path: target, untitled: false, runCount: 2 });
  expect(changes.at(-1)).toBe(false);
  expect((await c.call('run/list', {})).runs.map((r) => [r.id, r.status])).toEqual([
    [b, 'complete'],
    [a, 'complete'],
  ]);
  expect([await allValues(c, a), await allValues(c, b)]).toEqual(before);
  // The untitled file is gone once its copy is open: its runs live on in kept.klab.
  expect(existsSync(untitled.path!)).toBe(false);

  // Saving a named session again leaves the first file byte for byte as it was.
  await c.call('session/close', {});
  const bytes = readFileSync(target);
  await c.call('session/open', { path: target });
  const again = await c.call('session/saveAs', { path: join(elsewhere, 'again.klab') });
  expect(again).toMatchObject({ untitled: false, runCount: 2 });
  expect([await allValues(c, a), await allValues(c, b)]).toEqual(before);
  expect(readFileSync(target).equals(bytes)).toBe(true);
});

test('Save As with nothing open yet writes an empty session there', async () => {
  f = makeLab();
  const c = f.client();
  const saved = await c.call('session/saveAs', { path: 'fresh.klab' });
  expect(saved).toMatchObject({ path: join(f.dir, 'fresh.klab'), untitled: false, runCount: 0 });
  expect(existsSync(join(f.dir, 'fresh.klab'))).toBe(true);
});

test('Save As into a folder the user may not write, or a missing one: refused naming the path; the untitled session stays open with its runs', async () => {
  f = makeLab();
  const c = f.client();
  const id = await runToEnd(c);
  const untitled = await c.call('session/info', {});
  const before = await allValues(c, id);
  // sysfs refuses to create files even for root: a folder the user may not write on any box.
  const err = await c.call('session/saveAs', { path: '/sys/kept.klab' }).catch((e: Error) => e.message);
  expect(err).toBe(
    `session/saveAs: cannot save the session as /sys/kept.klab: cannot create a file in /sys: permission denied (the folder is not writable for you); ${untitled.path} is still open, unchanged`,
  );
  const missing = join(f.dir, 'no', 'such', 'x.klab');
  expect(await c.call('session/saveAs', { path: missing }).catch((e: Error) => e.message)).toBe(
    `session/saveAs: cannot save the session as ${missing}: no such folder ${join(f.dir, 'no', 'such')}; ${untitled.path} is still open, unchanged`,
  );
  expect(await c.call('session/info', {})).toEqual(untitled);
  expect(await allValues(c, id)).toEqual(before);
});

test('Save As onto a disk that fills up: refused with the reason, no partial copy left, the open session byte for byte as it was', async () => {
  f = makeLab();
  const c = f.client();
  const source = join(f.dir, 'big.klab');
  await c.call('session/new', { path: source });
  await runToEnd(c, 1e9, 3);
  await c.call('session/close', {});
  const bytes = readFileSync(source);
  const entry = await bundle('test/src-main/fixtures/save-as-child.ts', 'save-as-child');
  const out = join(f.dir, 'out');
  mkdirSync(out);
  const target = join(out, 'copy.klab');
  // RLIMIT_FSIZE (KiB) well below the copy's size stands in for a full disk: writes past it fail with EFBIG.
  const limitKiB = Math.max(64, Math.floor(bytes.length / 1024 / 2));
  expect(bytes.length / 1024).toBeGreaterThan(limitKiB + 16);
  const r = spawnSync('bash', ['-c', `trap "" XFSZ; ulimit -f ${limitKiB}; exec "$0" "$@"`, process.execPath, entry, join(f.dir, 'config'), source, target], { cwd: repoRoot, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const reply = JSON.parse(r.stdout) as { ok: boolean; message: string; open: string; runCount: number };
  expect(reply.ok).toBe(false);
  expect(reply.message).toMatch(
    new RegExp(`^cannot save the session as ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (the disk is full \\(SQLITE_FULL\\)|write error \\(SQLITE_IOERR[A-Z_]*; a full disk or a file size limit\\)); nothing was written there, ${source.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is still open, unchanged$`),
  );
  expect(reply).toMatchObject({ open: source, runCount: 1 });
  expect(readdirSync(out)).toEqual([]);
  expect(readFileSync(source).equals(bytes)).toBe(true);
});
