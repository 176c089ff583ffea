import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { IsolatingRunner } from '../../../src-main/lab/isolating-runner';
import { bundle } from '../fixtures/bundle';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { PROBE_HANG, probeScenario } from '../fixtures/probe';

const STALL_MS = 1500;
let f: LabFixture;
let c: LabClient;
const ends = new Map<string, RunInfo>();

beforeAll(async () => {
  const workerPath = await bundle('test/src-main/fixtures/probe-worker.ts', 'probe-worker');
  f = makeLab(new IsolatingRunner({ size: 2, workerPath, stallMs: STALL_MS }));
  c = f.client();
  c.on('onRunStatus', (e) => {
    if (['complete', 'failed', 'cancelled'].includes(e.run.status)) ends.set(e.run.id, e.run);
  });
  await c.call('session/new', { path: 'isolating.klab' });
});
afterAll(() => f.dispose());

test('a runaway run is terminated after the stall limit and fails with that reason; the queue goes on', async () => {
  const hang = await c.call('run/start', {
    scenario: probeScenario({ name: 'hang', durationNs: 2e9, timeline: [{ atNs: 3e8, kind: 'write', path: PROBE_HANG, value: '1' }] }),
  });
  const fine = await c.call('run/start', { scenario: probeScenario({ name: 'fine', durationNs: 2e9 }) });
  const queued = await c.call('run/start', { scenario: probeScenario({ name: 'queued', durationNs: 1e9 }) });
  await until(() => [hang, fine, queued].every((r) => ends.has(r.id)), 30_000, 'three runs to end');
  expect(ends.get(hang.id)).toMatchObject({
    status: 'failed',
    error: `no progress for ${STALL_MS / 1000} s of wall time (a runaway model?): its worker was terminated`,
  });
  expect(ends.get(fine.id)?.error ?? null).toBe(null);
  expect(ends.get(fine.id)!.status).toBe('complete');
  expect(ends.get(queued.id)!.status).toBe('complete');
});

test('a paused run is not a runaway, however long it waits', async () => {
  const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 5e8 }), paused: true });
  await new Promise((r) => setTimeout(r, STALL_MS * 2));
  expect(ends.has(run.id)).toBe(false);
  await c.call('run/resume', { runId: run.id });
  await until(() => ends.has(run.id), 30_000, 'resumed run to end');
  expect(ends.get(run.id)!.status).toBe('complete');
});

test('a run cancelled while queued never starts', async () => {
  const blockers = await Promise.all([0, 1].map(() => c.call('run/start', { scenario: probeScenario({ durationNs: 600e9 }), pace: 1 })));
  const waiting = await c.call('run/start', { scenario: probeScenario({ durationNs: 1e9 }) });
  await c.call('run/cancel', { runId: waiting.id });
  await until(() => ends.has(waiting.id), 10_000, 'queued run to be cancelled');
  expect(ends.get(waiting.id)).toMatchObject({ status: 'cancelled', simNs: 0 });
  for (const b of blockers) await c.call('run/cancel', { runId: b.id });
  await until(() => blockers.every((b) => ends.has(b.id)), 10_000, 'blockers to end');
});
