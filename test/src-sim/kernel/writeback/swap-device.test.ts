// Swap on a declared disk (machine.swap.device): reclaim's pageouts are
// written to the disk and major faults read from it (issue 16: the first
// swap I/O used to crash with "schedule at Infinity").
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/api';
import { Simulation } from '../../../../src-sim/simulation';

const yaml = (swap: string): string => `format: kernel-lab/scenario@1
name: swap-on-disk
seed: 3
duration: 1500ms
sample_interval: 100ms
cgroup_version: 2
machine:
  cpus: 2
  memory: 1G
  swap: ${swap}
  devices:
    - { name: sdb, type: ssd, size: 4G, major: 8, minor: 16 }
cgroups:
  /box: { memory.high: 64M }
tasks:
  - name: touch
    cgroup: /box
    run: { type: workingset, size: 96M, pattern: uniform, rate: 20000 }
`;

const vmstat = (sim: Simulation, key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'))![1]);
/** /sys/block/sdb/stat: reads completed, sectors read, writes completed, sectors written (Documentation/block/stat.rst). */
const diskStat = (sim: Simulation): number[] => sim.kernel.vfs.read('/sys/block/sdb/stat').trim().split(/\s+/).map(Number);

describe('swap on a declared disk', () => {
  it('swaps out to sdb and faults back in from it: pswpout/pswpin match the disk’s sectors written/read', () => {
    const sim = new Simulation(loadScenario(yaml('{ size: 512M, device: sdb }'), 'swap-on-disk.yaml'));
    sim.runToEnd();
    const out = vmstat(sim, 'pswpout');
    const inn = vmstat(sim, 'pswpin');
    expect(out).toBeGreaterThan(500);
    expect(inn).toBeGreaterThan(20);
    const s = diskStat(sim);
    // Every swapped-out page is one 4 KiB write (8 sectors), every swap-in one 8-sector read; nothing else uses sdb.
    expect(s[6]).toBe(out * 8);
    expect(s[2]).toBeGreaterThanOrEqual(8 * (inn - 64));
    expect(s[2]).toBeLessThanOrEqual(inn * 8);
    expect(s[4]).toBeGreaterThanOrEqual(Math.ceil(out / 32));
    // io.stat charges the writes to the group that was reclaimed.
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/box/io.stat')).toMatch(/^8:16 rbytes=\d+ wbytes=\d+ rios=\d+ wios=\d+/m);
  });

  it('is deterministic: the same scenario and seed give the same disk counters', () => {
    const run = (): number[] => {
      const sim = new Simulation(loadScenario(yaml('{ size: 512M, device: sdb }'), 'swap-on-disk.yaml'));
      sim.runToEnd();
      return diskStat(sim);
    };
    expect(run()).toEqual(run());
  });
});
