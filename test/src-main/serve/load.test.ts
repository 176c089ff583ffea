import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LabClient } from '../../../src-main/ipc/client';
import type { RunBatchEvent, RunInfo } from '../../../src-main/ipc/contract';
import { startServer, type RunningServer } from '../../../src-main/serve/server';
import { WsTransport } from '../../../src-main/serve/ws-client';
import { WorkerPool } from '../../../src-main/sim-host/pool';
import { bundle } from '../fixtures/bundle';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { probeScenario } from '../fixtures/probe';

const CLIENTS = 8;
const RUNS = 4;
const SIM_NS = 30e9;
const INTERVAL_NS = 1e7;

let f: LabFixture;
let server: RunningServer;

beforeAll(async () => {
  const workerPath = await bundle('test/src-main/fixtures/probe-worker.ts', 'probe-worker');
  f = makeLab(new WorkerPool({ size: RUNS, workerPath }));
  server = await startServer({ lab: f.lab, rendererDir: join(f.dir, 'none') });
});
afterAll(async () => {
  await server.close();
  await f.dispose();
});

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** One round: 8 clients subscribed to 4 concurrent 30 s runs; every batch checked. */
async function round(n: number): Promise<void> {
  const transports = await Promise.all(Array.from({ length: CLIENTS }, () => WsTransport.connect(server.wsUrl)));
  const clients = transports.map((t) => new LabClient(t));
  const received = clients.map(() => new Map<string, RunBatchEvent[]>());
  const ended = new Map<string, RunInfo>();
  clients[0]!.on('onRunStatus', (e) => {
    if (e.run.status === 'complete' || e.run.status === 'failed') ended.set(e.run.id, e.run);
  });
  clients.forEach((c, i) =>
    c.on('onRunBatch', (b) => {
      const list = received[i]!.get(b.runId) ?? [];
      list.push(b);
      received[i]!.set(b.runId, list);
    }),
  );
  const runs: RunInfo[] = [];
  for (let r = 0; r < RUNS; r++) {
    // Paced so the display stream has many ticks to deliver.
    runs.push(await clients[0]!.call('run/start', { scenario: probeScenario({ durationNs: SIM_NS, sampleIntervalNs: INTERVAL_NS, seed: n * 10 + r }), paused: true, pace: 30 }));
  }
  for (const c of clients) for (const run of runs) await c.call('run/subscribe', { runId: run.id });
  for (const run of runs) await clients[0]!.call('run/resume', { runId: run.id });
  await until(() => runs.every((r) => ended.has(r.id)), 60_000, 'all runs to end');
  for (const run of runs) expect(ended.get(run.id)!.status).toBe('complete');
  const samples = SIM_NS / INTERVAL_NS + 1;
  for (let i = 0; i < CLIENTS; i++) {
    for (const run of runs) {
      const got = received[i]!.get(run.id) ?? [];
      // No lost batch: sequence numbers 0..n-1 in order…
      expect(got.map((b) => b.seq)).toEqual(got.map((_, k) => k));
      // …and together they cover every sample exactly once.
      const count = got.map((b) => b.series.find((s) => s.field === 'count')!);
      expect(count[0]!.from).toBe(0);
      for (let k = 1; k < count.length; k++) expect(count[k]!.from).toBe(count[k - 1]!.to);
      expect(count[count.length - 1]!.to).toBe(samples);
      // Streamed as it ran, not dumped at the end.
      expect(got.length).toBeGreaterThan(1);
    }
  }
  await Promise.all(transports.map((t) => t.close()));
}

test('8 clients × 4 concurrent 30 s runs: no lost batches, and memory does not grow from round to round', async () => {
  await round(1);
  const afterFirst = heapAfterGc();
  await round(2);
  const afterSecond = heapAfterGc();
  // Another round adds runs to the session file, not to the heap: allow 16 MB of noise.
  expect(afterSecond - afterFirst).toBeLessThan(16 * 1024 * 1024);
});
