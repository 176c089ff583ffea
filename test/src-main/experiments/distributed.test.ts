import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSweepFile } from '../../../src-main/cli/sweep-input';
import { localExecutor } from '../../../src-main/experiments/executors';
import { planSweep, type Plan } from '../../../src-main/experiments/plan';
import { RedisUnavailable } from '../../../src-main/experiments/redis/connection';
import { redisExecutor } from '../../../src-main/experiments/redis/coordinator';
import { startPointWorker } from '../../../src-main/experiments/redis/worker';
import { runExperiment, type ExperimentOutcome } from '../../../src-main/experiments/run-experiment';
import { experimentPoints, storeWholeRun } from '../../../src-main/store/experiments';
import { Session } from '../../../src-main/store/session';
import { cli, cliAsync } from '../cli/spawn';
import { freePort, startRedis, type RedisServer } from '../../../src-main/experiments/local-redis';

const F = 'test/src-main/experiments/fixtures';

function plan(file: string, seeds?: number[]): Plan {
  const { spec, base } = readSweepFile(file);
  return planSweep(seeds ? { ...spec, seeds } : spec, { text: base.text, file: base.file, name: base.scenario.name }, (p) => readFileSync(p, 'utf8'));
}

/** Every stored sample of every series of a run, keyed path:field. */
function seriesOf(s: Session, runId: number): Record<string, number[]> {
  return Object.fromEntries(s.seriesCatalogue(runId).map((c) => [`${c.path}:${c.field}`, [...s.seriesValues(runId, c.seriesId).values]]));
}

const withoutWall = (x: unknown): unknown => ({ ...(x as object), wall_ms: 0 });

let dir: string;
let redis: RedisServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'klab-dist-'));
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('distributed sweeps on BullMQ over a real redis-server', () => {
  it('two workers give every point the same result as the local pool, stored once per point; a second pass stores nothing', async () => {
    const p = plan(`${F}/cpu-max.sweep.yaml`);
    const local = Session.open(join(dir, 'local.klab'));
    const dist = Session.open(join(dir, 'dist.klab'));
    const workers = [startPointWorker({ url: redis.url, name: 'alpha' }), startPointWorker({ url: redis.url, name: 'beta' })];
    try {
      const a = await runExperiment(p, { session: local, executor: localExecutor({ size: 2, metrics: p.spec.metrics, session: local }) });
      const b = await runExperiment(p, { session: dist, executor: await redisExecutor({ url: redis.url, session: dist, metrics: p.spec.metrics }) });
      expect(b.results.map((r) => [r.point, r.seed, r.status])).toEqual(a.results.map((r) => [r.point, r.seed, r.status]));
      expect(b.results.find((r) => r.status === 'failed')!.error).toContain('the kernel refuses "500 100000": Invalid argument (EINVAL)');
      for (const [i, ra] of a.results.entries()) {
        const rb = b.results[i]!;
        if (ra.status !== 'complete') continue;
        expect(rb.metrics).toEqual(ra.metrics);
        expect(withoutWall(rb.summary)).toEqual(withoutWall(ra.summary));
        expect(withoutWall(dist.runSummary(rb.runId!))).toEqual(withoutWall(local.runSummary(ra.runId!)));
        expect(seriesOf(dist, rb.runId!)).toEqual(seriesOf(local, ra.runId!));
      }
      const points = experimentPoints(dist, b.experimentId!);
      // Both workers took points; which one ran a point made no difference above.
      expect(new Set(points.filter((x) => x.status === 'complete').map((x) => x.worker))).toEqual(new Set(['alpha', 'beta']));
      const runsBefore = dist.listRuns().length;
      const again: ExperimentOutcome = await runExperiment(p, { session: dist, executor: await redisExecutor({ url: redis.url, session: dist, metrics: p.spec.metrics }) });
      expect(again.resumed).toBe(p.jobs.length);
      expect(dist.listRuns().length).toBe(runsBefore);
      // A result delivered twice (a retried job whose first worker also finished) is stored once.
      const first = points.find((x) => x.status === 'complete')!;
      const dup = storeWholeRun(dist, b.experimentId!, { ...first, status: 'complete' }, {
        name: 'duplicate',
        appVersion: 'x',
        scenario: p.jobs[0]!.scenario!,
        series: [],
        log: [],
        finish: { status: 'complete', simulatedNs: 0, wallMs: 0, events: 0, summary: null },
      });
      expect(dup).toBeNull();
      expect(dist.listRuns().length).toBe(runsBefore);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      local.close();
      dist.close();
    }
  });

  it('a lost worker (SIGKILL mid-point) is retried on another worker, with the same result', async () => {
    const p = plan(`${F}/seeds.sweep.yaml`, [7]);
    const session = Session.open(join(dir, 'lost.klab'));
    const doomed = cliAsync('worker', '--redis', redis.url, '--name', 'doomed', '--lock-duration', '2s');
    let b: ReturnType<typeof startPointWorker> | null = null;
    try {
      await new Promise<void>((resolve, reject) => {
        let text = '';
        doomed.stdout!.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('waiting for sweep points')) resolve();
        });
        doomed.on('exit', () => reject(new Error(`worker exited: ${text}`)));
      });
      const running = new Promise<void>((resolve) => {
        let text = '';
        doomed.stdout!.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('running (attempt 1)')) resolve();
        });
      });
      const outcome = runExperiment(p, { session, executor: await redisExecutor({ url: redis.url, session, metrics: p.spec.metrics }) });
      await running;
      doomed.kill('SIGKILL');
      b = startPointWorker({ url: redis.url, name: 'rescuer', lockDurationMs: 2000 });
      const r = await outcome;
      expect(r.results).toHaveLength(1);
      expect(r.results[0]!.status).toBe('complete');
      expect(experimentPoints(session, r.experimentId!)[0]!.worker).toBe('rescuer');
      const single = JSON.parse(cli('run', `${F}/randread.yaml`, '--seed', '7', '--json').stdout) as unknown;
      expect(withoutWall(r.results[0]!.summary)).toEqual(withoutWall(single));
    } finally {
      doomed.kill('SIGKILL');
      await b?.close();
      session.close();
    }
  });

  it('a Redis that goes away mid-sweep ends the sweep with a clear error; the points done so far stay in the session', async () => {
    const own = await startRedis();
    const p = plan(`${F}/seeds.sweep.yaml`, [1, 2, 3, 4]);
    const file = join(dir, 'gone.klab');
    const session = Session.open(file);
    const w = startPointWorker({ url: own.url, name: 'solo' });
    try {
      const executor = await redisExecutor({ url: own.url, session, metrics: p.spec.metrics, lostAfterMs: 2000 });
      let killed = false;
      const run = runExperiment(p, {
        session,
        executor,
        onProgress: (x) => {
          if (x.done >= 1 && !killed) {
            killed = true;
            void own.stop();
          }
        },
      });
      const e = await run.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(RedisUnavailable);
      expect((e as Error).message).toMatch(new RegExp(`^kernel-lab sweep: lost Redis at redis://127\\.0\\.0\\.1:${own.port}/? mid-sweep: `));
      session.close();
      const reopened = Session.open(file);
      const stored = experimentPoints(reopened, 1);
      expect(stored.length).toBeGreaterThanOrEqual(1);
      expect(stored.every((x) => x.status === 'complete' && x.runId !== null)).toBe(true);
      expect(reopened.runSummary(stored[0]!.runId!)).not.toBeNull();
      reopened.close();
    } finally {
      await w.close(true);
      await own.stop();
    }
  });

  it('a Redis that is down at the start is a clear error with exit code 2', async () => {
    const port = await freePort();
    const r = cli('sweep', `${F}/seeds.sweep.yaml`, '--redis', `redis://127.0.0.1:${port}`, '--session', join(dir, 'down.klab'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kernel-lab sweep: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });
});
