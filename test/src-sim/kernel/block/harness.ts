import { Engine } from '../../../../src-sim/engine/engine';
import { EventLog } from '../../../../src-sim/engine/event-log';
import { Rng } from '../../../../src-sim/engine/rng';
import type { Bio, BioOp, BioStatus, BlockDeviceInfo } from '../../../../src-sim/kernel/block/bio';
import type { BlockLayer } from '../../../../src-sim/kernel/block/block-layer';
import { installBlock } from '../../../../src-sim/kernel/block/install';
import { CgroupTree } from '../../../../src-sim/kernel/cgroup/tree';
import type { Cgroup } from '../../../../src-sim/kernel/cgroup/cgroup';
import { Kernel } from '../../../../src-sim/kernel/kernel';
import type { Task } from '../../../../src-sim/kernel/task';
import { baseScenario, flatMachine } from '../../../../src-sim/scenario/defaults';
import type { BlockDeviceSpec, Scenario } from '../../../../src-sim/scenario/types';
import { Vfs } from '../../../../src-sim/vfs/vfs';

export const GiB = 1024 ** 3;

/** A declared device with defaults; `over` replaces fields. */
export function diskSpec(over: Partial<BlockDeviceSpec> & { name: string; type: BlockDeviceSpec['type'] }): BlockDeviceSpec {
  return {
    sizeBytes: 100 * GiB,
    major: 8,
    minor: 0,
    model: 'SimDisk 1000',
    serial: `S${over.name.toUpperCase()}01`,
    partitions: [],
    params: {},
    badSectors: [],
    ...over,
  };
}

/**
 * A kernel with only the cgroup tree and the block layer installed: the
 * block layer's own behaviour, independent of the CPU scheduler.
 */
export function blockKernel(devices: BlockDeviceSpec[], over: Partial<Scenario> = {}): { k: Kernel; block: BlockLayer } {
  const s = baseScenario({ machine: { ...flatMachine(4), devices }, ...over });
  const vfs = new Vfs();
  const k = new Kernel(s, new Engine(), new Rng(s.seed, s.run), vfs, new EventLog(), new CgroupTree(s.cgroupVersion, vfs));
  const block = installBlock(k);
  return { k, block };
}

export interface Done {
  status: BioStatus;
  at: number;
}

/** Build and submit one bio; returns a record filled at completion. */
export function submit(
  k: Kernel,
  dev: BlockDeviceInfo,
  op: BioOp,
  sector: number,
  bytes: number,
  opts: { flags?: number; task?: Task | null; cgroup?: Cgroup | null; onDone?: (st: BioStatus, now: number) => void } = {},
): Done & { done: boolean } {
  const rec = { status: 0 as BioStatus, at: -1, done: false };
  const bio: Bio = {
    dev,
    op,
    sector,
    bytes,
    flags: opts.flags ?? 0,
    cgroup: opts.cgroup ?? null,
    task: opts.task ?? null,
    submitNs: 0,
    onComplete: (st, now) => {
      rec.status = st;
      rec.at = now;
      rec.done = true;
      opts.onDone?.(st, now);
    },
  };
  k.block!.submitBio(bio);
  return rec;
}

/** A fake task object: only identity matters to the block layer (bfq queues, hw queue choice). */
export function fakeTask(pid: number, cgroup: Cgroup): Task {
  return {
    pid, name: `t${pid}`, cgroup, nice: 0, policy: 'SCHED_OTHER', rtPriority: 0, affinity: [], oomScoreAdj: 0, sliceNs: 0,
    state: 'running', behaviour: { next: () => ({ kind: 'exit' }) }, sumExecRuntime: 0, runDelay: 0, pcount: 0, exitCode: null,
  };
}

/**
 * A closed-loop reader/writer: keeps `depth` I/Os of `bytes` in flight,
 * sequential from `start` or uniformly random over [start, start+span).
 * Counts completed bytes; stops at the first error.
 */
export function closedLoop(
  k: Kernel,
  dev: BlockDeviceInfo,
  o: { op: BioOp; bytes: number; depth: number; random: boolean; start: number; span: number; rng?: Rng; task?: Task | null; cgroup?: Cgroup | null; flags?: number; until: number },
): { bytes: number; ios: number; lat: number[]; errors: string[] } {
  const st = { bytes: 0, ios: 0, lat: [] as number[], errors: [] as string[] };
  const nr = o.bytes / 512;
  let pos = o.start;
  const rng = o.rng ?? k.rng.fork(`loop:${dev.name}:${o.start}`);
  const one = (): void => {
    if (k.now >= o.until) return;
    let sector: number;
    if (o.random) sector = o.start + Math.floor(rng.next() * (o.span / nr)) * nr;
    else {
      sector = pos;
      pos += nr;
      if (pos + nr > o.start + o.span) pos = o.start;
    }
    const t0 = k.now;
    submit(k, dev, o.op, sector, o.bytes, {
      flags: o.flags, task: o.task ?? null, cgroup: o.cgroup ?? null,
      onDone: (s, now) => {
        if (s !== 0) {
          // A failed I/O ends this stream (as fio stops a job on its first error).
          st.errors.push(s);
          return;
        }
        st.bytes += o.bytes;
        st.ios++;
        st.lat.push(now - t0);
        k.engine.schedule(now, one);
      },
    });
  };
  for (let i = 0; i < o.depth; i++) one();
  return st;
}
