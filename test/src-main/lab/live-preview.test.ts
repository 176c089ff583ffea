// Live charts draw from the first samples: the worker's display previews
// reach subscribers long before the store's first ≥ 1k-value batch exists.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunBatchEvent } from '../../../src-main/ipc/contract';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { PROBE_FILE, probeScenario } from '../fixtures/probe';

let f: LabFixture;
let c: LabClient;
beforeAll(async () => {
  f = makeLab();
  c = f.client();
  await c.call('session/new', { path: 'preview.klab' });
});
afterAll(() => f.dispose());

test('at 1× pace the first display batch carries the first samples, well before 1,024 are buffered', async () => {
  const batches: RunBatchEvent[] = [];
  c.on('onRunBatch', (b) => void batches.push(b));
  // One recorded file sampled every 1 ms: the store's first batch needs ≥ 1,024 samples (over 1 s at 1×).
  const run = await c.call('run/start', { scenario: probeScenario({ durationNs: 3e9, record: [PROBE_FILE] }), pace: 1 });
  await c.call('run/subscribe', { runId: run.id });
  await until(() => batches.length > 0, 20_000, 'a first display batch');
  const first = batches[0]!;
  expect(first.series.length).toBeGreaterThan(0);
  expect(first.series[0]!.from).toBe(0);
  expect(Math.max(...first.series.map((s) => s.to))).toBeLessThan(1024);
  expect(first.series[0]!.t.length).toBeGreaterThan(0);
  await c.call('run/cancel', { runId: run.id });
  // Later batches continue where the previews left off: one contiguous range per series, no repeats.
  const ends = new Map<number, number>();
  for (const b of batches)
    for (const s of b.series) {
      expect(s.from).toBe(ends.get(s.id) ?? 0);
      ends.set(s.id, s.to);
    }
});
