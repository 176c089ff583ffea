import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LabClient } from '../src-main/ipc/client';
import type { RunBatchEvent, RunInfo } from '../src-main/ipc/contract';
import { LabService } from '../src-main/lab/service';
import { startServer } from '../src-main/serve/server';
import { WsTransport } from '../src-main/serve/ws-client';
import { WorkerPool } from '../src-main/sim-host/pool';
import { loadScenario } from '../src-sim/scenario/load';
import type { BenchResult } from './result';
import { scratch } from './store-fixture';

const CLIENTS = 8;
const RUNS = 4;
/** cpu-weights at 10 s simulated, paced 5×: each run streams for about 2 s of wall time. */
const PACE = 5;
const PING_MS = 50;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/**
 * Issue 15's load test as figures: 8 browser-mode clients over the real
 * WebSocket server, each subscribed to 4 live runs of a preset on real
 * simulator workers; meanwhile one more client asks `session/info` every
 * 50 ms. Counts batches per client and run (lost = gaps in seq or samples
 * not covered), the server's resident memory, and the simple request's
 * latency. Target: that request answered within 100 ms.
 */
export async function benchServeLoad(): Promise<BenchResult> {
  const { dir, cleanup } = scratch();
  const file = join(process.cwd(), 'resources/scenarios/cpu-weights.yaml');
  const scenario = loadScenario(readFileSync(file, 'utf8'), file);
  const runner = new WorkerPool({ size: RUNS });
  const lab = new LabService({ runner, configDir: join(dir, 'config'), defaultFolder: dir });
  const server = await startServer({ lab, rendererDir: join(dir, 'none') });
  const rssStart = process.memoryUsage.rss();
  let rssPeak = rssStart;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 50);
  const transports = await Promise.all(Array.from({ length: CLIENTS + 1 }, () => WsTransport.connect(server.wsUrl)));
  try {
    const clients = transports.slice(0, CLIENTS).map((t) => new LabClient(t));
    const pinger = new LabClient(transports[CLIENTS]!);
    await clients[0]!.call('session/new', { path: join(dir, 'load.klab') });
    const ended = new Map<string, RunInfo>();
    clients[0]!.on('onRunStatus', (e) => {
      if (['complete', 'failed', 'cancelled'].includes(e.run.status)) ended.set(e.run.id, e.run);
    });
    const received = clients.map(() => new Map<string, RunBatchEvent[]>());
    clients.forEach((c, i) =>
      c.on('onRunBatch', (b) => {
        const l = received[i]!.get(b.runId) ?? [];
        l.push(b);
        received[i]!.set(b.runId, l);
      }),
    );
    const runs: RunInfo[] = [];
    for (let r = 0; r < RUNS; r++) runs.push(await clients[0]!.call('run/start', { scenario: { ...scenario, seed: r + 1 }, paused: true, pace: PACE }));
    for (const c of clients) for (const run of runs) await c.call('run/subscribe', { runId: run.id });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const run of runs) await clients[0]!.call('run/resume', { runId: run.id });
    const latencies: number[] = [];
    while (!runs.every((r) => ended.has(r.id))) {
      const s = performance.now();
      await pinger.call('session/info', {});
      latencies.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, PING_MS));
      if (performance.now() - t0 > 300_000) throw new Error('serve-load: runs did not end within 5 min');
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    let batches = 0;
    let lost = 0;
    for (const per of received) {
      for (const run of runs) {
        const got = per.get(run.id) ?? [];
        batches += got.length;
        got.forEach((b, k) => (lost += b.seq === k ? 0 : 1));
      }
    }
    const complete = runs.filter((r) => ended.get(r.id)?.status === 'complete').length;
    const p99 = quantile(latencies, 0.99);
    return {
      name: 'serve-load',
      figures: {
        runs_complete: complete,
        runs_started: RUNS,
        batches_delivered: batches,
        batches_lost_or_out_of_order: lost,
        request_p50_ms: quantile(latencies, 0.5),
        request_p99_ms: p99,
        request_max_ms: Math.max(...latencies),
        requests: latencies.length,
        server_rss_start_mib: rssStart / 2 ** 20,
        server_rss_peak_mib: rssPeak / 2 ** 20,
        wall_s: wallS,
        main_thread_cpu_s: (cpu.user + cpu.system) / 1e6,
      },
      target: 'a simple request answered within 100 ms during the load (p99)',
      ratio: 100 / p99,
      notes: `${CLIENTS} WebSocket clients × ${RUNS} live runs of cpu-weights (10 s simulated at ${PACE}×) on ${RUNS} workers; session/info every ${PING_MS} ms from a ninth client. CPU is the main thread's (server + clients + store), workers excluded`,
    };
  } finally {
    clearInterval(rssTimer);
    await Promise.all(transports.map((t) => t.close()));
    await server.close();
    await lab.close();
    await runner.close();
    cleanup();
  }
}
