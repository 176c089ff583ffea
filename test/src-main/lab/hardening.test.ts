import { afterAll, expect, test } from 'vitest';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { flatMachine, taskSpec } from '../../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../../src-sim/scenario/types';
import { makeLab, until } from '../fixtures/lab';
import { probeScenario } from '../fixtures/probe';

const f = makeLab();
afterAll(() => f.dispose());

const disk: BlockDeviceSpec = {
  name: 'sdb',
  type: 'hdd',
  sizeBytes: 2 ** 30,
  major: 8,
  minor: 16,
  model: 'LAB HDD',
  serial: 'LAB0001',
  partitions: [],
  params: {},
  badSectors: [],
};

test('run/start passes the same limits and device checks as a scenario file', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'limits.klab' });
  const refuse = (over: Parameters<typeof probeScenario>[0]): Promise<string> =>
    c.call('run/start', { scenario: probeScenario(over) }).then(
      () => 'started',
      (e: Error) => e.message,
    );
  expect(await refuse({ durationNs: 100e9, sampleIntervalNs: 1 })).toBe(
    'run/start: scenario "probe" is not valid:\nprobe: sample_interval: expected at most 1000000 samples per series, got 100000000001 (duration 100s / sample_interval 1ns)',
  );
  expect(await refuse({ tasks: [taskSpec({ name: 'many', count: 5_000_000 })] })).toMatch(/^run\/start: scenario "probe" is not valid:\nprobe: tasks\[0\]\.count: expected at most 32768 tasks in all/);
  expect(await refuse({ machine: flatMachine(20_000, 2 ** 34) })).toMatch(/machine\.cpus: expected at most 8192 CPUs/);
  expect(await refuse({ machine: { ...flatMachine(2, 2 ** 30), devices: [{ ...disk, params: { queue_depth: -1 } }] } })).toBe(
    'run/start: scenario "probe" is not valid:\nprobe: machine.devices[0].params.queue_depth: expected a number in [1, 4096], got -1',
  );
  expect((await c.call('run/list', {})).runs).toEqual([]);
});

test('a refused live plug (queue_depth: -1, a misspelt key) keeps the run going to its end', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'act.klab' });
  const ends = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => e.run.finishedAt !== null && ends.set(e.run.id, e.run));
  const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 5e8, sampleIntervalNs: 1e7 }), paused: true });
  const bad = await c.call('run/act', { runId: run.id, action: { kind: 'plug', device: { ...disk, params: { queue_depth: -1 } } } }).catch((e: Error) => e.message);
  expect(bad).toBe('run/act: plug refused: device.params.queue_depth: expected a number in [1, 4096], got -1');
  const typo = await c.call('run/act', { runId: run.id, action: { kind: 'plug', device: { ...disk, params: { rpms: 5400 } } } }).catch((e: Error) => e.message);
  expect(typo).toMatch(/^run\/act: plug refused: device\.params\.rpms: unknown parameter "rpms" for a hdd device \(did you mean "rpm"\?/);
  await c.call('run/resume', { runId: run.id });
  await until(() => ends.has(run.id), 30_000, 'run to end');
  expect(ends.get(run.id)!.status).toBe('complete');
});
