import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, test } from 'vitest';
import { LabClient } from '../../../src-main/ipc/client';
import type { RunBatchEvent, RunInfo } from '../../../src-main/ipc/contract';
import { WsTransport } from '../../../src-main/serve/ws-client';
import { Session } from '../../../src-main/store/session';
import { bundle } from '../fixtures/bundle';
import { makeLab, until } from '../fixtures/lab';
import { PROBE_FILE, probeScenario } from '../fixtures/probe';

const dir = mkdtempSync(join(tmpdir(), 'klab-crash-'));
let child: ChildProcess | null = null;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startChild(session: string): Promise<{ wsUrl: string; proc: ChildProcess }> {
  const worker = await bundle('test/src-main/fixtures/probe-worker.ts', 'probe-worker');
  const entry = await bundle('test/src-main/fixtures/serve-child.ts', 'serve-child');
  const proc = spawn(process.execPath, [entry, session, worker], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`serve child exited with ${code}`)));
  });
  return { wsUrl: (JSON.parse(line) as { wsUrl: string }).wsUrl, proc };
}

test('SIGKILL of the serving process mid-run: earlier runs intact, the interrupted run incomplete, integrity ok', async () => {
  const session = join(dir, 'crash.klab');
  const { wsUrl, proc } = await startChild(session);
  child = proc;
  const t = await WsTransport.connect(wsUrl);
  const c = new LabClient(t);
  const statuses = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => statuses.set(e.run.id, e.run));
  const batches: RunBatchEvent[] = [];
  c.on('onRunBatch', (b) => batches.push(b));

  const done = await c.call('run/start', { scenario: probeScenario({ durationNs: 1e9, sampleIntervalNs: 1e6, seed: 5 }) });
  await until(() => statuses.get(done.id)?.status === 'complete', 30_000, 'first run to complete');
  const cat = await c.call('query/series', { runId: done.id });
  const before = await c.call('query/window', { runId: done.id, seriesIds: cat.series.map((s) => s.id), t0Ns: 0, t1Ns: 1e9, points: 100_000, method: 'minmax' });

  // A long run at 1× real time: killed while it streams.
  const live = await c.call('run/start', { scenario: probeScenario({ durationNs: 60e9, sampleIntervalNs: 1e6, seed: 6 }), paused: true, pace: 1 });
  await c.call('run/subscribe', { runId: live.id });
  await c.call('run/resume', { runId: live.id });
  // Live display previews start at the first samples; the store commits batches of ≥ 1,024 values, so wait until
  // the stream has covered a few store batches' worth of samples before the kill.
  const streamed = (): number => Math.max(0, ...batches.filter((b) => b.runId === live.id).flatMap((b) => b.series.map((x) => x.to)));
  await until(() => streamed() >= 3 * 1024, 30_000, 'the live run to stream');
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  child = null;

  const s = Session.open(session, { create: false });
  try {
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const runs = s.listRuns();
    expect(runs.map((r) => [String(r.id), r.status])).toEqual([
      [done.id, 'complete'],
      [live.id, 'incomplete'],
    ]);
    // Every sample of the finished run is still there, value for value.
    for (const series of before.series) {
      const meta = cat.series.find((x) => x.id === series.id)!;
      const stored = s.seriesValues(Number(done.id), series.id);
      expect(Array.from(stored.values)).toEqual(series.v);
      expect(meta.path).toBe(PROBE_FILE);
    }
    // The interrupted run kept what it had committed before the kill.
    expect(s.seriesValues(Number(live.id), 0).values.length).toBeGreaterThan(0);
  } finally {
    s.close();
  }
  // And through the service, as the app reopens it.
  const f = makeLab();
  try {
    const c2 = f.client();
    await c2.call('session/open', { path: session });
    const listed = await c2.call('run/list', {});
    expect(listed.runs.map((r) => [r.id, r.status])).toEqual([
      [live.id, 'incomplete'],
      [done.id, 'complete'],
    ]);
  } finally {
    await f.dispose();
  }
});

test('SIGKILL of the server at 10 random moments during writes: every finished run intact, integrity ok, the file still opens', async () => {
  const session = join(dir, 'kill10.klab');
  // Fixed pseudo-random kill moments (ms after the live run started streaming), so a failure reproduces.
  let x = 20261206;
  const nextDelay = (): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % 400;
  };
  const finished = new Map<string, (number | null)[]>();
  for (let round = 0; round < 10; round++) {
    const { wsUrl, proc } = await startChild(session);
    child = proc;
    const c = new LabClient(await WsTransport.connect(wsUrl));
    const statuses = new Map<string, RunInfo>();
    c.on('onRunStatus', (e) => statuses.set(e.run.id, e.run));
    let streamed = false;
    c.on('onRunBatch', () => (streamed = true));
    // A short run that finishes, then a paced one killed while it writes.
    const done = await c.call('run/start', { scenario: probeScenario({ durationNs: 2e8, sampleIntervalNs: 1e6, seed: 100 + round }) });
    await until(() => statuses.get(done.id)?.status === 'complete', 30_000, `round ${round}: the short run to complete`);
    const cat = await c.call('query/series', { runId: done.id });
    const w = await c.call('query/window', { runId: done.id, seriesIds: [cat.series[0]!.id], t0Ns: 0, t1Ns: 2e8, points: 100_000, method: 'minmax' });
    finished.set(done.id, w.series[0]!.v);
    const live = await c.call('run/start', { scenario: probeScenario({ durationNs: 60e9, sampleIntervalNs: 1e6, seed: 200 + round }), pace: 2 });
    await c.call('run/subscribe', { runId: live.id });
    await until(() => streamed, 30_000, `round ${round}: the live run to stream`);
    await new Promise((r) => setTimeout(r, nextDelay()));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    child = null;

    const s = Session.open(session, { create: false });
    try {
      expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const runs = new Map(s.listRuns().map((r) => [String(r.id), r.status]));
      for (const [id, values] of finished) {
        expect(runs.get(id)).toBe('complete');
        expect(Array.from(s.seriesValues(Number(id), cat.series[0]!.id).values)).toEqual(values);
      }
      expect(runs.get(live.id)).toBe('incomplete');
    } finally {
      s.close();
    }
  }
  expect(finished.size).toBe(10);
}, 300_000);
