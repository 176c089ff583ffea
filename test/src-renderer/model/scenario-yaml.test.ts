// The app's scenario YAML export and open: every preset written out by the
// app opens back to the same scenario through the validator, and a bad file
// is refused with FILE:LINE:COL errors.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { loadScenario } from '../../../src-sim/api';
import { openScenarioText, scenarioFileName, scenarioYaml } from '../../../src-renderer/model/scenario-yaml';

const presets = resolve(import.meta.dirname, '../../../resources/scenarios');
const files = readdirSync(presets).filter((f) => f.endsWith('.yaml'));

test.each(files)('%s: exported YAML opens back to the same scenario', (f) => {
  const path = join(presets, f);
  const s = loadScenario(readFileSync(path, 'utf8'), path, { readFile: (p) => readFileSync(resolve(dirname(path), p), 'utf8') });
  const text = scenarioYaml(s);
  const back = openScenarioText(text, scenarioFileName(s));
  if (!back.ok) throw new Error(back.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`).join('\n'));
  // fio jobs named by path are written as their text: the exported file stands alone.
  const sameJobs = { ...s, tasks: s.tasks.map((t) => (t.run.type === 'fio' ? { ...t, run: { ...t.run, jobPath: null } } : t)) };
  expect({ ...back.scenario, tasks: back.scenario.tasks.map((t) => (t.run.type === 'fio' ? { ...t, run: { ...t.run, jobPath: null } } : t)) }).toEqual(sameJobs);
  expect(scenarioYaml(back.scenario)).toBe(text);
});

test('a bad file is refused with FILE:LINE:COL errors naming the path inside it; a fio job by path asks for its text', () => {
  const bad = 'format: kernel-lab/scenario@1\nduration: 0s\nmachine: { cpus: 2, memory: 1G }\ntasks:\n  - name: web\n    nice: 30\n    run: { type: cpu }\n';
  const r = openScenarioText(bad, 'bad.yaml');
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.path}: ${i.message}`)).toEqual([
    'bad.yaml:2:11: duration: expected a duration > 0, got "0s"',
    'bad.yaml:6:11: tasks[0].nice: expected an integer from -20 to 19, got 30',
  ]);
  const byPath = openScenarioText('duration: 1s\nmachine: { cpus: 1, memory: 1G, devices: [{ name: nvme0n1, type: nvme, size: 64G, major: 259, minor: 0 }] }\ntasks:\n  - name: f\n    run: { type: fio, job: jobs/a.fio }\n', 'p.yaml');
  expect(byPath.ok).toBe(false);
  if (!byPath.ok) expect(byPath.issues[0]!.message).toContain('the app opens one file; put the fio job in the scenario as "text:" instead of a path');
});
