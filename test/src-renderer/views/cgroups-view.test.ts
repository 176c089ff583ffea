// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useScenario } from '../../../src-renderer/stores/scenario';
import CgroupsView from '../../../src-renderer/views/CgroupsView.vue';

async function write(w: ReturnType<typeof mount>, file: string, value: string): Promise<void> {
  const input = w.get(`[data-field="file-${file}"]`);
  await input.setValue(value);
  await input.trigger('change');
}

describe('Cgroups editor', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('builds a tree with real interface files and writes cpu.weight as echo would', async () => {
    const w = mount(CgroupsView);
    await w.get('[data-field="cgroup-name"]').setValue('web');
    await w.get('[data-action="add-cgroup"]').trigger('click');
    expect(w.get('[data-role="cgroup-tree"]').text()).toContain('web');
    expect(w.find('tr[data-file="memory.high"]').exists()).toBe(true);
    expect(w.find('tr[data-file="io.max"]').exists()).toBe(true);
    await write(w, 'cpu.weight', '300');
    expect(useScenario().draft.cgroups).toEqual([{ path: '/web', writes: [['cpu.weight', '300']] }]);
  });

  it('shows the kernel’s ERANGE inline for cpu.weight 0 and does not write it', async () => {
    const w = mount(CgroupsView);
    await w.get('[data-field="cgroup-name"]').setValue('batch');
    await w.get('[data-action="add-cgroup"]').trigger('click');
    await write(w, 'cpu.weight', '0');
    expect(w.get('tr[data-file="cpu.weight"] [data-role="kernel-error"]').text()).toBe(
      'write error: /sys/fs/cgroup/batch/cpu.weight: Numerical result out of range (ERANGE) — cpu.weight must be 1..10000',
    );
    expect(useScenario().draft.cgroups[0]!.writes).toEqual([]);
    await write(w, 'cpu.weight', '50');
    expect(w.find('tr[data-file="cpu.weight"] [data-role="kernel-error"]').exists()).toBe(false);
  });

  it('a malformed cpu.max is EINVAL with the kernel’s limits named', async () => {
    const w = mount(CgroupsView);
    await write(w, 'cpu.max', '500 100000');
    expect(w.get('tr[data-file="cpu.max"] [data-role="kernel-error"]').text()).toContain('Invalid argument (EINVAL) — quota must be at least 1000 µs (1 ms)');
  });

  it('switching to v1 offers cpu.shares and cpu.cfs_quota_us instead of cpu.weight', async () => {
    const w = mount(CgroupsView);
    await w.get('[data-field="cgroup-v1"]').trigger('change');
    expect(useScenario().draft.cgroupVersion).toBe(1);
    expect(w.find('tr[data-file="cpu.shares"]').exists()).toBe(true);
    expect(w.find('tr[data-file="cpu.cfs_quota_us"]').exists()).toBe(true);
    expect(w.find('tr[data-file="cpu.weight"]').exists()).toBe(false);
  });
});
