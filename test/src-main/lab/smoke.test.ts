import { afterEach, expect, test } from 'vitest';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { makeLab, until, type LabFixture } from '../fixtures/lab';
import { probeScenario } from '../fixtures/probe';

let f: LabFixture;
afterEach(async () => f?.dispose());

test('a run of a task-less scenario completes and its series can be queried', async () => {
  f = makeLab();
  const c = f.client();
  const statuses: RunInfo[] = [];
  c.on('onRunStatus', (e) => statuses.push(e.run));
  await c.call('session/new', { path: 'a.klab' });
  const run = await c.call('run/start', { scenario: probeScenario() });
  await until(() => statuses.some((s) => s.id === run.id && s.status === 'complete'));
  const cat = await c.call('query/series', { runId: run.id });
  expect(cat.series.map((s) => s.field)).toEqual(['count', 'level', 'rate']);
  expect(cat.series[0]!.samples).toBe(2001);
});
