import { expect, test } from 'vitest';
import type { EventEntry, RunBatchEvent, RunProgressEvent } from '../../../src-main/ipc/contract';
import { DISPLAY_PERIOD_MS, DISPLAY_POINTS, DisplayStream } from '../../../src-main/lab/display-stream';
import type { Batch } from '../../../src-main/sim-host/protocol';

function batch(seq: number, start: number, n: number, newSeries = false): Batch {
  const values = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    values[i] = start + i;
    values[n + i] = -(start + i);
  }
  return {
    seq,
    newSeries: newSeries
      ? [
          { id: 0, path: '/proc/a', field: 'x', startIndex: 0 },
          { id: 1, path: '/proc/b', field: '', startIndex: 0 },
        ]
      : [],
    entries: [
      { seriesId: 0, startIndex: start, offset: 0, count: n },
      { seriesId: 1, startIndex: start, offset: n, count: n },
    ],
    values,
  };
}

function sink(): { batches: Omit<RunBatchEvent, 'seq'>[]; progress: RunProgressEvent[]; events: EventEntry[][]; s: Parameters<DisplayStream['flush']>[0] } {
  const out = { batches: [] as Omit<RunBatchEvent, 'seq'>[], progress: [] as RunProgressEvent[], events: [] as EventEntry[][] };
  return { ...out, s: { batch: (b) => out.batches.push(b), progress: (p) => out.progress.push(p), events: (e) => out.events.push(e) } };
}

test('the display period is at most 20 Hz', () => {
  expect(1000 / DISPLAY_PERIOD_MS).toBeLessThanOrEqual(20);
});

test('everything between two ticks leaves as one message: series reduced, extremes kept, ranges contiguous', () => {
  const d = new DisplayStream('7', 1e6);
  const out = sink();
  d.addBatch(batch(0, 0, 1024, true));
  d.addBatch(batch(1, 1024, 1024));
  d.addBatch(batch(2, 2048, 500));
  d.setProgress({ runId: '7', simNs: 1e9, durationNs: 5e9, eventsPerSec: 1 });
  d.setProgress({ runId: '7', simNs: 2e9, durationNs: 5e9, eventsPerSec: 2 });
  d.addEvents([{ seq: 0, t_ns: 5, kind: 'write', fields: {} }]);
  d.addEvents([{ seq: 1, t_ns: 6, kind: 'uevent', fields: {} }]);
  d.flush(out.s);
  expect(out.batches).toHaveLength(1);
  const [a, b] = out.batches[0]!.series;
  expect([a!.path, a!.field, a!.from, a!.to]).toEqual(['/proc/a', 'x', 0, 2548]);
  expect(a!.t.length).toBeLessThanOrEqual(DISPLAY_POINTS);
  expect(Math.max(...(a!.v as number[]))).toBe(2547);
  expect(Math.min(...(b!.v as number[]))).toBe(-2547);
  expect(out.batches[0]!.simNs).toBe(2547 * 1e6);
  // Only the newest progress; all events, in order.
  expect(out.progress).toEqual([{ runId: '7', simNs: 2e9, durationNs: 5e9, eventsPerSec: 2 }]);
  expect(out.events.flat().map((e) => e.seq)).toEqual([0, 1]);
  // Nothing new: nothing sent. The next batch starts where this one ended.
  d.flush(out.s);
  expect(out.batches).toHaveLength(1);
  d.addBatch(batch(3, 2548, 10));
  d.flush(out.s);
  expect(out.batches[1]!.series[0]).toMatchObject({ from: 2548, to: 2558 });
  expect(d.idle).toBe(true);
});

test('a store batch that repeats what a preview already showed adds only its new tail, so ranges stay contiguous', () => {
  const d = new DisplayStream('7', 1e6);
  const out = sink();
  d.addBatch({ ...batch(0, 0, 10, true), preview: true });
  d.flush(out.s);
  d.addBatch({ ...batch(1, 10, 5), preview: true });
  d.addBatch(batch(0, 0, 1024));
  d.flush(out.s);
  d.addBatch(batch(1, 0, 1024));
  d.flush(out.s);
  expect(out.batches.map((b) => b.series.map((s) => [s.from, s.to]))).toEqual([
    [[0, 10], [0, 10]],
    [[10, 1024], [10, 1024]],
  ]);
  expect(out.batches[0]!.series[0]!.v[0]).toBe(0);
});
