// A run stored with --duration shorter than its timeline reopens: the CLI
// stores what it applied (the timeline cut at the new end), and a replay of
// an older stored run leaves out actions past its end (issue 16).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCommand } from '../../../src-main/cli/commands/run';
import { replayScenario } from '../../../src-main/sim-host/run-driver';
import { baseScenario } from '../../../src-sim/scenario/defaults';
import { loadScenario } from '../../../src-sim/api';
import { makeLab, type LabFixture } from '../fixtures/lab';
import { fixture, repoRoot } from './spawn';

let dir: string;
let f: LabFixture;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'klab-cut-'));
  f = makeLab();
});
afterAll(async () => {
  await f.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('run --duration 500ms of a scenario with an action at 1s stores a run that Compare can reopen', async () => {
  const session = join(dir, 'cut.klab');
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand([join(repoRoot, fixture('idle.yaml')), '--duration', '500ms', '--session', session], (s) => void out.push(s), (s) => void err.push(s));
  expect(code).toBe(0);
  expect(err.join('')).toContain('--duration 500ms: the timeline action at 1s is after the end and is not applied');
  const c = f.client();
  await c.call('session/open', { path: session });
  const [run] = (await c.call('run/list', {})).runs;
  expect(run!.durationNs).toBe(5e8);
  // What CompareView does with every picked run.
  const file = await c.call('export/scenario', { runId: run!.id, format: 'json' });
  const s = loadScenario(file.text, file.filename, { kernelChecks: false });
  expect(s.durationNs).toBe(5e8);
  expect(s.timeline).toEqual([]);
  expect((await c.call('query/timeline', { runId: run!.id })).actions).toEqual([]);
});

test('a replay (and so a file export) of a stored run leaves out timeline actions past its end', () => {
  const s = {
    ...baseScenario({ durationNs: 6e9 }),
    timeline: [
      { atNs: 1e9, kind: 'write' as const, path: '/proc/sys/vm/swappiness', value: '10' },
      { atNs: 10e9, kind: 'write' as const, path: '/proc/sys/vm/swappiness', value: '20' },
    ],
  };
  expect(replayScenario(s, [{ atNs: 6e9, kind: 'write', path: '/proc/sys/vm/swappiness', value: '30' }]).timeline.map((a) => a.atNs)).toEqual([1e9, 6e9]);
});
