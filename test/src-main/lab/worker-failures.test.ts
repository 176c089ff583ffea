import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { IsolatingRunner } from '../../../src-main/lab/isolating-runner';
import { memoryWatchdog } from '../../../src-main/sim-host/memory-watchdog';
import { bundle } from '../fixtures/bundle';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { PROBE_LEAK, PROBE_THROW, probeScenario } from '../fixtures/probe';

/**
 * A worker that throws, or that grows past the process's memory limit, fails
 * only its own run: the service keeps serving, earlier runs stay readable,
 * a run beside it completes. Real worker threads (the probe worker bundle).
 */
let f: LabFixture;
let c: LabClient;
const ends = new Map<string, RunInfo>();
const limitBefore = memoryWatchdog.limitBytes;

beforeAll(async () => {
  const workerPath = await bundle('test/src-main/fixtures/probe-worker.ts', 'probe-worker');
  f = makeLab(new IsolatingRunner({ size: 3, workerPath }));
  c = f.client();
  c.on('onRunStatus', (e) => {
    if (['complete', 'failed', 'cancelled'].includes(e.run.status)) ends.set(e.run.id, e.run);
  });
  await c.call('session/new', { path: 'failures.klab' });
});
afterAll(async () => {
  memoryWatchdog.limitBytes = limitBefore;
  await f.dispose();
});

const ended = async (run: RunInfo, what: string): Promise<RunInfo> => {
  await until(() => ends.has(run.id), 60_000, what);
  return ends.get(run.id)!;
};

test('a throwing worker and an over-memory worker fail only their own runs; the service keeps serving', async () => {
  const earlier = await c.call('run/start', { scenario: probeScenario({ name: 'earlier', durationNs: 5e8 }) });
  expect((await ended(earlier, 'the earlier run')).status).toBe('complete');

  // The limit sits 300 MiB above what the process holds now; the leak adds 8 MiB every 10 ms (paced at 1×).
  memoryWatchdog.limitBytes = process.memoryUsage.rss() + 300 * 1024 * 1024;
  const leak = await c.call('run/start', {
    scenario: probeScenario({ name: 'leak', durationNs: 60e9, timeline: [{ atNs: 1e8, kind: 'write', path: PROBE_LEAK, value: '8' }] }),
    pace: 1,
  });
  const thrower = await c.call('run/start', {
    scenario: probeScenario({ name: 'throw', durationNs: 2e9, timeline: [{ atNs: 3e8, kind: 'write', path: PROBE_THROW, value: '1' }] }),
  });
  const beside = await c.call('run/start', { scenario: probeScenario({ name: 'beside', durationNs: 3e9 }), pace: 2 });

  const leakEnd = await ended(leak, 'the leaking run to be stopped');
  expect(leakEnd.status).toBe('failed');
  expect(leakEnd.error).toMatch(
    /^out of memory: the lab process reached \d+ MiB resident, over its limit of \d+ MiB \(KLAB_MEMORY_LIMIT_MB\); this run held the most simulator memory \(\d+ MiB\) and was stopped at \d+\.\d{3} s simulated\. Samples stored so far are kept; the session and other runs are not affected$/,
  );
  const throwEnd = await ended(thrower, 'the throwing run');
  expect(throwEnd).toMatchObject({ status: 'failed', error: "Cannot read properties of null (reading 'field')" });
  const besideEnd = await ended(beside, 'the run beside them');
  expect([besideEnd.status, besideEnd.error ?? null]).toEqual(['complete', null]);

  // Still serving: the earlier run reads back whole, and a new run completes.
  memoryWatchdog.limitBytes = limitBefore;
  const listed = await c.call('run/list', {});
  expect(listed.runs.find((r) => r.id === earlier.id)?.status).toBe('complete');
  const cat = await c.call('query/series', { runId: earlier.id });
  const win = await c.call('query/window', { runId: earlier.id, seriesIds: [cat.series[0]!.id], t0Ns: 0, t1Ns: 5e8, points: 100_000, method: 'minmax' });
  expect(win.series[0]!.v.length).toBe(501);
  const after = await c.call('run/start', { scenario: probeScenario({ name: 'after', durationNs: 5e8 }) });
  expect((await ended(after, 'a run after the failures')).status).toBe('complete');
});
