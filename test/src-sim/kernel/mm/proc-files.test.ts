import { describe, expect, it } from 'vitest';
import { Recorder } from '../../../../src-sim/engine/recorder';
import { parseFields } from '../../../../src-sim/vfs/fields';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { bootMm, GiB, MiB } from './boot-mm';

describe('/proc memory files', () => {
  it('/proc/meminfo prints "Label:" in 16 columns and the value in 8, in kB (HugePages_* as counts); MemTotal = managed pages', () => {
    const rig = bootMm(baseScenario({ machine: flatMachine(2, 4 * GiB) }));
    const text = rig.read('/proc/meminfo');
    const managed = (4 * GiB) / 4096 - (4 * GiB) / 4096 / 64;
    expect(text.split('\n')[0]).toBe(`MemTotal:       ${String(managed * 4).padStart(8)} kB`);
    // Every line is in kB except hugetlb_report_meminfo's four page counts.
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^[A-Za-z()_]+:\s+\d+ kB$|^HugePages_(Total|Free|Rsvd|Surp):\s+\d+$/);
    expect(text.split('\n').filter((l) => l.startsWith('HugePages_'))).toHaveLength(4);
  });

  it('meminfo, vmstat and memory.stat are sampled as series (MemFree in kB, nr_free_pages, anon)', () => {
    const rig = bootMm(
      baseScenario({
        machine: flatMachine(2, 1 * GiB),
        tasks: [taskSpec({ name: 'a', cgroup: '/g', run: { type: 'alloc', sizeBytes: 64 * MiB, stepBytes: 64 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' } })],
      }),
    );
    rig.run(100e6);
    const f = parseFields(rig.read('/proc/meminfo'));
    expect(f.get('MemFree')).toBe(rig.field('/proc/vmstat', 'nr_free_pages') * 4);
    expect(f.get('AnonPages')).toBe(64 * 1024);
    const rec = new Recorder(rig.k.vfs, 100e6);
    rec.sample();
    const names = rec.series.map((s) => `${s.path}:${s.field}`);
    expect(names).toContain('/proc/meminfo:MemFree');
    expect(names).toContain('/proc/vmstat:nr_free_pages');
    expect(names).toContain('/sys/fs/cgroup/g/memory.stat:anon');
    expect(names).toContain('/sys/fs/cgroup/g/memory.events:oom_kill');
  });
});
