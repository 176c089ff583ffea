import { describe, expect, it } from 'vitest';
import type { BlockLayer } from '../../../../src-sim/kernel/block/block-layer';
import type { Disk } from '../../../../src-sim/kernel/block/disk';
import type { LatencyHistogram } from '../../../../src-sim/kernel/block/histogram';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { Simulation } from '../../../../src-sim/simulation';
import { diskSpec, GiB } from './harness';

/**
 * The fast paths of a block I/O — Disk.queueBio's direct issue on an idle
 * `none` queue and the io controller's accounting while no disk has io.max or
 * io.latency state — must give exactly what the general paths give: the same
 * fio results (latency percentiles included), diskstats, io.stat, kernel log
 * and number of events.
 */

// An NVMe with few tags (its none FIFO fills, so bios alternate between the
// direct and the general path), a partition, async jobs whose plugged batches
// merge, a psync writer whose fsync sends cache flushes, and an SSD with
// mq-deadline beside it.
const JOBS = `[global]
direct=1
runtime=40ms
time_based

[mix]
filename=/dev/nvme0n1p1
ioengine=libaio
iodepth=8
rw=randrw
bs=4k

[seq]
filename=/dev/nvme0n1
ioengine=io_uring
iodepth=16
rw=read
bs=8k

[sync]
filename=/dev/nvme0n1
ioengine=psync
rw=randwrite
bs=4k
fsync=4

[ssd]
filename=/dev/sdb
ioengine=libaio
iodepth=4
rw=randread
bs=16k
`;

interface Outcome {
  jobs: string[];
  diskstats: string;
  ioStat: string;
  events: number;
  log: string;
  directIssues: number;
  /** Every disk's queue, dispatch and device latency histograms, whole. */
  histograms: string;
}

function run(seed: number, directPath: boolean, latencyElsewhere: boolean): Outcome {
  const s = baseScenario({
    seed,
    durationNs: 50e6,
    machine: {
      ...flatMachine(4),
      devices: [
        diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259, partitions: [10 * GiB], params: { queue_depth: 4, nr_hw_queues: 2 } }),
        diskSpec({ name: 'sdb', type: 'ssd', minor: 16 }),
        diskSpec({ name: 'sdc', type: 'ssd', minor: 32 }),
      ],
    },
    cgroups: latencyElsewhere ? [{ path: '/fio', writes: [] }, { path: '/other', writes: [['io.latency', '8:32 target=1000']] }] : [{ path: '/fio', writes: [] }],
    tasks: [taskSpec({ name: 'fio', cgroup: '/fio', run: { type: 'fio', jobPath: 'jobs.fio', jobText: JOBS } })],
  });
  const sim = new Simulation(s);
  const block = sim.kernel.block as BlockLayer;
  let directIssues = 0;
  for (const disk of block.presentDisks()) {
    disk.directPath = directPath;
    // Count the direct path's uses (instrumentation only: the method itself runs unchanged).
    const d = disk as unknown as { issueDirect: (...a: unknown[]) => void };
    const issueDirect = d.issueDirect.bind(disk as Disk);
    d.issueDirect = (...a: unknown[]): void => {
      directIssues++;
      issueDirect(...a);
    };
  }
  sim.runToEnd();
  const vfs = sim.kernel.vfs;
  const hist = (h: LatencyHistogram): unknown[] => [Array.from(h.counts), h.total, h.sum, h.sumSq, h.min, h.max];
  const histograms = JSON.stringify(block.presentDisks().map((d) => [hist(d.histQueue), hist(d.histDispatch), hist(d.histDevice)]));
  return {
    jobs: ['mix', 'seq', 'sync', 'ssd'].map((j) => vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${j}.json`)),
    diskstats: vfs.read('/proc/diskstats'),
    ioStat: vfs.read('/sys/fs/cgroup/fio/io.stat'),
    events: sim.kernel.engine.executed,
    log: JSON.stringify(sim.kernel.log.entries),
    directIssues,
    histograms,
  };
}

describe('block I/O fast paths', () => {
  it.each([1, 2, 3])('give the results of the general paths (seed %i)', (seed) => {
    const fast = run(seed, true, false);
    const general = run(seed, false, true);
    // The fast paths were taken, and not for every bio (the FIFO filled, flushes went the long way).
    expect(fast.directIssues).toBeGreaterThan(1000);
    expect(general.directIssues).toBe(0);
    // /proc/diskstats: major minor name, then reads completed (3) … writes completed (7).
    const f = fast.diskstats.split('\n').find((l) => l.includes(' nvme0n1 '))!.trim().split(/\s+/).map(Number);
    expect(fast.directIssues).toBeLessThan(f[3]! + f[7]!);
    expect(fast.jobs).toEqual(general.jobs);
    expect(fast.diskstats).toBe(general.diskstats);
    expect(fast.ioStat).toBe(general.ioStat);
    expect(fast.ioStat).toMatch(/^259:0 rbytes=[1-9]/m);
    expect(fast.events).toBe(general.events);
    expect(fast.log).toBe(general.log);
    expect(fast.histograms).toBe(general.histograms);
  });
});
