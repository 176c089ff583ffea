// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useScenario } from '../../../src-renderer/stores/scenario';
import MachineView from '../../../src-renderer/views/MachineView.vue';

const data = resolve(import.meta.dirname, '../../fixtures/data');
const stubs = {};

async function importFile(w: ReturnType<typeof mount>, name: string, text: string): Promise<void> {
  const input = w.get('[data-field="import-topology"]');
  const file = new File([text], name);
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
  await new Promise((r) => setTimeout(r, 20));
}

describe('Machine editor', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('imports the Dell C6145 hwloc XML: 64 CPUs on 8 nodes, with the import notes', async () => {
    const w = mount(MachineView, { global: { stubs } });
    await importFile(w, '64amd64-4s2n4ca2co.xml', readFileSync(resolve(data, 'hwloc-xml/64amd64-4s2n4ca2co.xml'), 'utf8'));
    expect(w.get('[data-role="machine-totals"]').text()).toContain('64 CPUs · 8 nodes');
    expect(w.get('[data-role="import-notes"]').text()).toContain('64amd64-4s2n4ca2co.xml: 64 CPUs, 8 NUMA nodes, 0 disks, 0 NICs (hwloc-xml-v2)');
    expect(useScenario().draft.machine.numa.distances[0]).toEqual([10, 16, 16, 22, 16, 22, 16, 22]);
  });

  it('imports lscpu output with the memory per node the user gave', async () => {
    const w = mount(MachineView, { global: { stubs } });
    await w.get('[data-field="lscpu-memory"]').setValue('32G');
    await importFile(w, 'lscpu-x86_64-epyc_7451', readFileSync(resolve(data, 'lscpu/lscpu-x86_64-epyc_7451'), 'utf8'));
    expect(useScenario().draft.machine.memoryBytes).toBe(8 * 32 * 1024 ** 3);
    expect(w.get('[data-role="machine-totals"]').text()).toContain('96 CPUs · 8 nodes · 256 GiB');
  });

  it('a file that is neither gives the importer’s error with file and line', async () => {
    const w = mount(MachineView, { global: { stubs } });
    await importFile(w, 'notes.txt', 'hello\n');
    expect(w.get('[data-role="machine-error"]').text()).toBe(
      'notes.txt:1:1: line 1: "Field: value" (plain lscpu), a "# CPU,Core,…" table or a "CPU NODE …" table, found "hello"',
    );
  });

  it('adds a node and a disk, and refuses a local distance other than 10', async () => {
    const w = mount(MachineView, { global: { stubs } });
    await w.get('[data-action="add-node"]').trigger('click');
    await w.get('[data-action="add-disk"]').trigger('click');
    const m = useScenario().draft.machine;
    expect(m.numa.nodes).toHaveLength(2);
    expect(m.devices.map((d) => `${d.name} ${d.major}:${d.minor}`)).toEqual(['nvme0n1 259:0']);
    expect(w.get('[data-role="machine-totals"]').text()).toBe('6 CPUs · 2 nodes · 12 GiB · 1 disks');
    await w.get('[data-action="add-node"]').trigger('click');
    expect(w.get('[data-field="distance-2"]').attributes('disabled')).toBeDefined();
    const d0 = w.get('[data-field="distance-0"]');
    // setValue fires the change event itself here (a separate trigger would re-send the re-rendered 20).
    await d0.setValue('10');
    expect(w.get('[data-role="machine-error"]').text()).toBe('a remote distance is an integer 11..255 (SLIT entries are one byte, local is 10)');
    await d0.setValue('32');
    expect(useScenario().draft.machine.numa.distances[2]![0]).toBe(32);
    expect(useScenario().draft.machine.numa.distances[0]![2]).toBe(32);
  });
});
