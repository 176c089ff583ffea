// @vitest-environment happy-dom
// The Problems store: a value the scenario schema refuses never stays in the
// draft (and the problem names the task by its name), problems of the draft
// as it is are listed in the editor's words and block Start.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, expect, test } from 'vitest';
import { newDisk, newTask } from '../../../src-renderer/model/scenario';
import { namePlace, pathSegments } from '../../../src-renderer/model/problem-names';
import { useProblems } from '../../../src-renderer/stores/problems';
import { useScenario } from '../../../src-renderer/stores/scenario';

beforeEach(() => setActivePinia(createPinia()));

/** Watch the draft as the app does (main.ts); the store loads the validator lazily: wait until it is there. */
async function ready(): Promise<void> {
  useProblems().watchDraft();
  await useProblems().checkNow();
}

test('validator paths become the names the editor shows, with the view that fixes them', () => {
  expect(pathSegments('cgroups["/web"]["cpu.max"]')).toEqual(['cgroups', '/web', 'cpu.max']);
  expect(pathSegments('tasks[1].run.text')).toEqual(['tasks', 1, 'run', 'text']);
  const sc = useScenario();
  sc.setTasks([newTask('db'), newTask('web')]);
  sc.setMachine({ ...sc.draft.machine, devices: [newDisk(sc.draft.machine, 'nvme')] });
  sc.setTimeline([{ atNs: 5e9, kind: 'write', path: '/sys/fs/cgroup/web/cpu.weight', value: '0' }]);
  const s = sc.draft;
  expect(namePlace('tasks[1].nice', s)).toEqual({ where: "task 'web' nice", view: 'workloads' });
  expect(namePlace('cgroups["/web"]["cpu.max"]', s)).toEqual({ where: 'cgroup /web cpu.max', view: 'cgroups' });
  expect(namePlace('timeline[0].at', s)).toEqual({ where: 'timeline action 1 (write at 5 s) at', view: 'timeline' });
  expect(namePlace('machine.devices[0].queue_depth', s)).toEqual({ where: `disk '${s.machine.devices[0]!.name}' queue_depth`, view: 'machine' });
  expect(namePlace('duration', s)).toEqual({ where: 'duration', view: 'run' });
});

test('nice 30 and a 0s duration are undone at once and listed as refused, naming the task', async () => {
  await ready();
  const sc = useScenario();
  const p = useProblems();
  sc.setTasks([newTask('web')]);
  const before = sc.draft;
  sc.setTasks([{ ...newTask('web'), nice: 30 }]);
  expect(sc.draft).toBe(before);
  expect(sc.draft.tasks[0]!.nice).toBe(0);
  sc.patch({ durationNs: 0 });
  expect(sc.draft.durationNs).toBe(before.durationNs);
  expect(p.refused.map((x) => [x.kind, x.text, x.view])).toEqual([
    ['refused', 'duration: expected a duration > 0, got "0s" — refused, the previous value is kept', 'run'],
    ['refused', "task 'web' nice: expected an integer from -20 to 19, got 30 — refused, the previous value is kept", 'workloads'],
  ]);
  // Refused edits are gone from the draft: nothing blocks Start.
  expect(await p.startBlocker()).toBe(null);
});

test('a draft that cannot run keeps its value, lists the problem by name and blocks Start with a pointer to the panel', async () => {
  await ready();
  const sc = useScenario();
  const p = useProblems();
  sc.addCgroup('/web');
  sc.setTimeline([{ atNs: 20e9, kind: 'write', path: '/sys/fs/cgroup/web/cpu.weight', value: '100' }]);
  sc.setCgroupWrite('/web', 'cpu.weight', '0');
  expect(sc.draft.timeline).toHaveLength(1);
  const blocked = await p.startBlocker();
  expect(blocked).toBe('Start is blocked: the scenario has 2 problems; see the Problems panel below.');
  expect(p.issues.map((x) => x.text)).toEqual([
    'timeline action 1 (write at 20 s) at: expected a time within the duration (10s), got 20s',
    'cgroup /web cpu.weight: the kernel refuses "0": Numerical result out of range (ERANGE): cpu.weight must be 1..10000, got 0',
  ]);
  expect(p.refused).toEqual([]);
});
