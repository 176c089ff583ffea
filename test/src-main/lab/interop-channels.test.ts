import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { loadScenario } from '../../../src-sim/api';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { readTraceEvents } from '../../support/trace-event-reader';

const CSV = 'test/fixtures/interop/real-samples/cpu-weights-real.csv';
let f: LabFixture;
let c: LabClient;
let sim: RunInfo;

beforeAll(async () => {
  f = makeLab();
  c = f.client();
  const ends = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => {
    if (e.run.status === 'complete') ends.set(e.run.id, e.run);
  });
  await c.call('session/new', { path: 'interop.klab' });
  const scenario = { ...loadScenario(readFileSync('resources/scenarios/cpu-weights.yaml', 'utf8'), 'cpu-weights.yaml'), durationNs: 1e9, timeline: [] };
  sim = await c.call('run/start', { scenario });
  await until(() => ends.has(sim.id), 30_000, 'the simulated run');
});
afterAll(() => f.dispose());

test('export/trace and export/script serve the run the UI buttons download', async () => {
  const trace = await c.call('export/trace', { runId: sim.id });
  expect(trace.filename).toBe(`cpu-weights-run${sim.id}.trace.json`);
  const read = readTraceEvents(trace.text);
  expect([...read.processes.get(1)!.threads.values()].map((t) => t.name)).toEqual(['CPU 0', 'CPU 1', 'CPU 2', 'CPU 3']);
  const script = await c.call('export/script', { runId: sim.id });
  expect(script.filename).toBe(`cpu-weights-run${sim.id}.reproduce.sh`);
  expect(script.text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
  expect(script.text).toContain(`( at_ns 0; join '/web'; exec taskset -c 1 stress-ng --cpu 1`);
});

test('import/real stores the CSV as a run beside the simulated one, which Compare can query; replays of it are refused', async () => {
  const real = await c.call('import/real', { text: readFileSync(CSV, 'utf8'), fileName: 'cpu-weights-real.csv' });
  expect(real).toMatchObject({ name: 'real: testbox 6.8.0-49-generic', status: 'complete', sampleIntervalNs: 1e8 });
  expect((await c.call('run/list', {})).runs.map((r) => r.id)).toContain(real.id);
  const cat = await c.call('query/series', { runId: real.id });
  const web = cat.series.find((s) => s.path === '/sys/fs/cgroup/web/cpu.stat' && s.field === 'usage_usec')!;
  const w = await c.call('query/window', { runId: real.id, seriesIds: [web.id], t0Ns: 0, t1Ns: 10e9, points: 1000, method: 'lttb' });
  expect(w.series[0]!.v.length).toBe(101);
  await expect(c.call('export/trace', { runId: real.id })).rejects.toThrow(`run ${real.id} was measured on a real machine (import-real): a trace replays the simulation`);
  await expect(c.call('query/file', { runId: real.id, path: '/proc/stat', atNs: 0 })).rejects.toThrow(/measured on a real machine/);
  await expect(c.call('import/real', { text: 'nope\n', fileName: 'x.csv' })).rejects.toThrow(/^import\/real: x\.csv:1:1: expected the first line "# kernel-lab\/real-samples@1/);
});

test('device/calibrate refuses a file that is not fio JSON, naming it and the JSON path at fault', async () => {
  await expect(c.call('device/calibrate', { files: [{ name: 'notes.json', text: '{"jobs": []}' }] })).rejects.toThrow(
    /^device\/calibrate: notes\.json: "fio version": missing: not fio --output-format=json output$/,
  );
  await expect(c.call('device/calibrate', { files: [] })).rejects.toThrow(/^invalid request to device\/calibrate: files: /);
});
