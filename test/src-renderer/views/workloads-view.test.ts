// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useScenario } from '../../../src-renderer/stores/scenario';
import WorkloadsView from '../../../src-renderer/views/WorkloadsView.vue';

describe('Workloads editor', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('adds tasks and turns one into a periodic task with kernel-style durations', async () => {
    const w = mount(WorkloadsView);
    await w.get('[data-action="add-task"]').trigger('click');
    await w.get('[data-field="task-type"]').setValue('periodic');
    await w.get('[data-field="run-busy"]').setValue('3ms');
    await w.get('[data-field="run-busy"]').trigger('change');
    const t = useScenario().draft.tasks[0]!;
    expect(t.run).toEqual({ type: 'periodic', busyNs: 3e6, periodNs: 10e6, jitter: 0 });
  });

  it('a working-set scanner starts at the 2-minute period and 290 ns per page; its period is edited as a duration', async () => {
    const w = mount(WorkloadsView);
    await w.get('[data-action="add-task"]').trigger('click');
    await w.get('[data-field="task-type"]').setValue('wss-scanner');
    expect(useScenario().draft.tasks[0]!.run).toEqual({ type: 'wss-scanner', periodNs: 120e9, pageCostNs: 290 });
    await w.get('[data-field="run-wss-period"]').setValue('30s');
    await w.get('[data-field="run-wss-period"]').trigger('change');
    expect(useScenario().draft.tasks[0]!.run).toEqual({ type: 'wss-scanner', periodNs: 30e9, pageCostNs: 290 });
  });

  it('a file-read task gets a file on the first disk', async () => {
    const sc = useScenario();
    sc.setMachine({ ...sc.draft.machine, devices: [{ name: 'sda', type: 'hdd', sizeBytes: 1e12, major: 8, minor: 0, model: 'm', serial: 's', partitions: [], params: {}, badSectors: [] }] });
    const w = mount(WorkloadsView);
    await w.get('[data-action="add-task"]').trigger('click');
    await w.get('[data-field="task-type"]').setValue('read');
    expect(sc.draft.files).toEqual([{ path: '/data/task1', sizeBytes: 4 * 1024 ** 3, device: 'sda' }]);
    expect(sc.draft.tasks[0]!.run).toMatchObject({ type: 'read', file: '/data/task1', bs: 4096 });
  });

  it('edits a fio job as text and shows fio’s complaint with its line', async () => {
    const w = mount(WorkloadsView);
    await w.get('[data-action="add-task"]').trigger('click');
    await w.get('[data-field="task-type"]').setValue('fio');
    const area = w.get('[data-field="fio-text"]');
    await area.setValue('[job]\nrw=sideways\nbs=4k\n');
    await area.trigger('change');
    expect(w.get('[data-role="fio-issue"]').text()).toMatch(/^job:2: rw=sideways: fio knows read, write/);
  });
});
