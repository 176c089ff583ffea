import { Engine } from '../../../../src-sim/engine/engine';
import { EventLog } from '../../../../src-sim/engine/event-log';
import { Rng } from '../../../../src-sim/engine/rng';
import type { Bio, BfqWeightSource, BlockApi, BlockDeviceInfo, CompletionHook, ThrottleHook } from '../../../../src-sim/kernel/block/bio';
import { installCgroupCore } from '../../../../src-sim/kernel/cgroup/core-files';
import { CgroupTree } from '../../../../src-sim/kernel/cgroup/tree';
import { Kernel } from '../../../../src-sim/kernel/kernel';
import { baseScenario } from '../../../../src-sim/scenario/defaults';
import { Vfs } from '../../../../src-sim/vfs/vfs';

/**
 * A stand-in block layer for controller tests: throttle hooks in order,
 * then one FIFO server per disk with a fixed per-IO latency plus a
 * bandwidth (so concurrent groups contend). Not a device model.
 */
export class FakeBlock implements BlockApi {
  private readonly devs: BlockDeviceInfo[] = [];
  private readonly hooks: ThrottleHook[] = [];
  private readonly completions: CompletionHook[] = [];
  private busyUntil = new Map<string, number>();
  weightSource: BfqWeightSource | null = null;
  /** Bios that reached the "elevator", in order. */
  readonly dispatched: Bio[] = [];

  constructor(
    private readonly engine: Engine,
    readonly perIoNs = 100_000,
    readonly bytesPerSec = 100 * 1024 * 1024,
  ) {
    this.addDisk('sda', 8, 0, true);
    this.addDisk('sdb', 8, 16, false);
  }

  addDisk(name: string, major: number, minor: number, rotational: boolean): BlockDeviceInfo {
    const disk = { name, type: rotational ? 'hdd' : 'ssd', major, minor, devt: `${major}:${minor}`, sectors: 2 ** 31, startSect: 0, isPartition: false, rotational, alive: true } as const;
    const d = { ...disk, disk: undefined as unknown as BlockDeviceInfo };
    d.disk = d;
    this.devs.push(d);
    const part = { ...disk, name: `${name}1`, minor: minor + 1, devt: `${major}:${minor + 1}`, isPartition: true, startSect: 2048, disk: d };
    this.devs.push(part);
    return d;
  }

  submitBio(bio: Bio): void {
    bio.submitNs = this.engine.now;
    this.stage(bio, 0);
  }

  private stage(bio: Bio, i: number): void {
    for (; i < this.hooks.length; i++) {
      const next = i + 1;
      if (!this.hooks[i]!.admit(bio, (b) => this.stage(b, next))) return;
    }
    this.dispatched.push(bio);
    const devt = bio.dev.disk.devt;
    const start = Math.max(this.engine.now, this.busyUntil.get(devt) ?? 0);
    const end = start + this.perIoNs + Math.round((bio.bytes / this.bytesPerSec) * 1e9);
    this.busyUntil.set(devt, end);
    this.engine.schedule(end, (now) => {
      for (const h of this.completions) h(bio, 0, now);
      bio.onComplete(0, now);
    });
  }

  byName(name: string): BlockDeviceInfo | null {
    return this.devs.find((d) => d.name === name) ?? null;
  }
  byDevt(major: number, minor: number): BlockDeviceInfo | null {
    return this.devs.find((d) => d.major === major && d.minor === minor) ?? null;
  }
  disks(): BlockDeviceInfo[] {
    return this.devs.filter((d) => !d.isPartition);
  }
  all(): BlockDeviceInfo[] {
    return [...this.devs];
  }
  addThrottle(hook: ThrottleHook): void {
    this.hooks.push(hook);
  }
  onComplete(hook: CompletionHook): void {
    this.completions.push(hook);
  }
  setBfqWeightSource(fn: BfqWeightSource): void {
    this.weightSource = fn;
  }
  onDeviceChange(): void {}
  writeCache(): boolean {
    return false;
  }
}

/** A kernel with cgroups and the fake block layer only (no scheduler). */
export function fakeKernel(version: 1 | 2 = 2, perIoNs?: number, bytesPerSec?: number): { k: Kernel; block: FakeBlock } {
  const s = baseScenario({ cgroupVersion: version });
  const engine = new Engine();
  const vfs = new Vfs();
  const k = new Kernel(s, engine, new Rng(s.seed), vfs, new EventLog(), new CgroupTree(version, vfs));
  installCgroupCore(k);
  const block = new FakeBlock(engine, perIoNs, bytesPerSec);
  k.block = block;
  return { k, block };
}

export function bio(k: Kernel, dev: BlockDeviceInfo, op: 'read' | 'write', bytes: number, cgroupPath: string | null, onComplete: (now: number) => void = () => {}): Bio {
  return {
    dev,
    op,
    sector: 0,
    bytes,
    flags: 0,
    cgroup: cgroupPath === null ? null : k.cgroups.create(cgroupPath),
    task: null,
    submitNs: 0,
    onComplete: (_s, now) => onComplete(now),
  };
}
