import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { WorkerPool } from '../../../src-main/sim-host/pool';
import { bundle } from '../fixtures/bundle';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { PROBE_CRASH, PROBE_INVARIANT, probeScenario } from '../fixtures/probe';

let f: LabFixture;
let c: LabClient;
const ends = new Map<string, RunInfo>();

beforeAll(async () => {
  const workerPath = await bundle('test/src-main/fixtures/probe-worker.ts', 'probe-worker');
  f = makeLab(new WorkerPool({ size: 3, workerPath }));
  c = f.client();
  c.on('onRunStatus', (e) => {
    if (['complete', 'failed', 'cancelled'].includes(e.run.status)) ends.set(e.run.id, e.run);
  });
  await c.call('session/new', { path: 'runs.klab' });
});
afterAll(() => f.dispose());

test('a worker that dies and a model invariant fail only their own runs; the others and the service go on', async () => {
  const crash = await c.call('run/start', {
    scenario: probeScenario({ name: 'crash', durationNs: 2e9, timeline: [{ atNs: 5e8, kind: 'write', path: PROBE_CRASH, value: '1' }] }),
  });
  const invariant = await c.call('run/start', {
    scenario: probeScenario({ name: 'invariant', durationNs: 2e9, timeline: [{ atNs: 7e8, kind: 'write', path: PROBE_INVARIANT, value: '1' }] }),
  });
  const fine = await c.call('run/start', { scenario: probeScenario({ name: 'fine', durationNs: 2e9 }) });
  await until(() => [crash, invariant, fine].every((r) => ends.has(r.id)), 30_000, 'three runs to end');
  expect(ends.get(crash.id)).toMatchObject({ status: 'failed', error: 'simulator worker exited unexpectedly (code 70)' });
  expect(ends.get(invariant.id)).toMatchObject({ status: 'failed', error: 'invariant failed in lab-probe at t=700000001ns: probe_invariant was set' });
  expect(ends.get(fine.id)).toMatchObject({ status: 'complete', simNs: 2e9, error: null });
  // The session records the same, and keeps serving new runs.
  const listed = new Map((await c.call('run/list', {})).runs.map((r) => [r.id, r]));
  expect(listed.get(crash.id)!.status).toBe('failed');
  expect(listed.get(invariant.id)!.error).toBe('invariant failed in lab-probe at t=700000001ns: probe_invariant was set');
  const again = await c.call('run/start', { scenario: probeScenario({ durationNs: 1e8 }) });
  await until(() => ends.has(again.id), 30_000, 'a new run after the failures');
  expect(ends.get(again.id)!.status).toBe('complete');
});

test('more runs than workers wait in the queue and all complete', async () => {
  const started = await Promise.all(
    Array.from({ length: 5 }, (_, i) => c.call('run/start', { scenario: probeScenario({ name: `q${i}`, durationNs: 3e8, seed: i + 1 }) })),
  );
  expect(started.map((r) => r.status)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
  await until(() => started.every((r) => ends.has(r.id)), 30_000, 'queued runs to end');
  expect(started.map((r) => ends.get(r.id)!.status)).toEqual(['complete', 'complete', 'complete', 'complete', 'complete']);
});

test('cancel stops a run where it is and keeps what it recorded', async () => {
  const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 600e9 }), pace: 1 });
  await new Promise((r) => setTimeout(r, 200));
  await c.call('run/cancel', { runId: run.id });
  await until(() => ends.has(run.id), 30_000, 'cancelled run to end');
  const end = ends.get(run.id)!;
  expect(end.status).toBe('cancelled');
  expect(end.simNs).toBeLessThan(600e9);
  const refused = await c.call('run/pause', { runId: run.id }).catch((e: Error) => e.message);
  expect(refused).toBe(`run/pause: run ${run.id} is not in progress`);
});
