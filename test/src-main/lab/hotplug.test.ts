import { afterAll, expect, test } from 'vitest';
import type { RunInfo } from '../../../src-main/ipc/contract';
import type { BlockDeviceSpec } from '../../../src-sim/scenario/types';
import { makeLab, until } from '../fixtures/lab';
import { PROBE_FILE, probeScenario } from '../fixtures/probe';

const f = makeLab();
afterAll(() => f.dispose());

const disk: BlockDeviceSpec = {
  name: 'sdb',
  type: 'ssd',
  sizeBytes: 64 * 1024 ** 3,
  major: 8,
  minor: 16,
  model: 'LAB SSD',
  serial: 'LAB0001',
  partitions: [],
  params: {},
  badSectors: [],
};

test('a disk plugged and unplugged live is in the timeline and the event log, and the replay sees it come and go', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'hotplug.klab' });
  const ends = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => e.run.status === 'complete' && ends.set(e.run.id, e.run));
  const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 1e9, sampleIntervalNs: 1e7 }), paused: true, pace: 1 });
  await c.call('run/resume', { runId: run.id });
  await new Promise((r) => setTimeout(r, 100));
  const plugged = await c.call('run/act', { runId: run.id, action: { kind: 'plug', device: disk } });
  // Mistakes are refused without touching the run: a second sdb, a clashing 8:16, an absent disk.
  const again = await c.call('run/act', { runId: run.id, action: { kind: 'plug', device: disk } }).catch((e: Error) => e.message);
  expect(again).toBe('run/act: a disk named "sdb" is already plugged in');
  const clash = await c.call('run/act', { runId: run.id, action: { kind: 'plug', device: { ...disk, name: 'sdc' } } }).catch((e: Error) => e.message);
  expect(clash).toBe('run/act: device number 8:16 is already used by sdb');
  const absent = await c.call('run/act', { runId: run.id, action: { kind: 'unplug', device: 'sdz' } }).catch((e: Error) => e.message);
  expect(absent).toBe('run/act: no disk named "sdz" is plugged in (present: sdb)');
  await new Promise((r) => setTimeout(r, 100));
  const unplugged = await c.call('run/act', { runId: run.id, action: { kind: 'unplug', device: 'sdb' } });
  expect(unplugged.atNs).toBeGreaterThan(plugged.atNs);
  await c.call('run/pace', { runId: run.id, pace: null });
  await until(() => ends.has(run.id), 30_000, 'hot-plug run to end');

  const timeline = await c.call('query/timeline', { runId: run.id });
  expect(timeline.actions.map((a) => [a.kind, a.atNs])).toEqual([
    ['plug', plugged.atNs],
    ['unplug', unplugged.atNs],
  ]);
  // udev's view: add then remove of the disk, with the kernel's fields.
  const uevents = await c.call('query/events', { runId: run.id, kinds: ['uevent'] });
  expect(uevents.events.map((e) => [e.fields.ACTION, e.fields.DEVNAME, e.t_ns])).toEqual([
    ['add', 'sdb', plugged.atNs],
    ['remove', 'sdb', unplugged.atNs],
  ]);
  const text = await c.call('query/events', { runId: run.id, text: '"DEVNAME":"sdb"' });
  expect(text.total).toBe(2);
  // Replayed state: the disk's files exist only while it was plugged.
  const between = Math.floor((plugged.atNs + unplugged.atNs) / 2);
  expect((await c.call('query/files', { runId: run.id, atNs: between })).paths).toContain('/sys/block/sdb/stat');
  expect((await c.call('query/files', { runId: run.id, atNs: 1e9 })).paths).not.toContain('/sys/block/sdb/stat');
  expect((await c.call('query/files', { runId: run.id, atNs: Math.max(0, plugged.atNs - 1) })).paths).not.toContain('/sys/block/sdb/stat');
  expect((await c.call('query/file', { runId: run.id, path: '/sys/block/sdb/size', atNs: between })).text).toBe(`${(64 * 1024 ** 3) / 512}\n`);
  // The probe was sampled throughout.
  const cat = await c.call('query/series', { runId: run.id });
  expect(cat.series.filter((s) => s.path === PROBE_FILE).every((s) => s.samples === 101)).toBe(true);
});
