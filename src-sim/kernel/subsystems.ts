import { installBlock } from './block/install';
import { installFio } from '../workload/fio/install';
import type { Kernel } from './kernel';
import { installMm } from './mm/install';
import { installNuma } from './numa/install';
import { installSched } from './sched/install';
import { installIocg } from './iocg/install';
import { installWriteback } from './writeback/install';
import { installNet } from './net/install';

/**
 * Every subsystem's install(), in boot order. Each registers its global
 * files, its cgroup hook, its behaviour factories and its slot on Kernel.
 * The scheduler comes first: the others block and wake tasks through it.
 */
export const SUBSYSTEMS: ((k: Kernel) => void)[] = [
  installSched,
  // Block layer before the io controller and writeback, which attach hooks to k.block.
  (k) => void installBlock(k),
  // fio job files as a run type, on the block layer.
  installFio,
  // Memory (mm + memcg) after the scheduler; writeback attaches to k.mm.pageCache.
  // NUMA memory (multi-node machines only) on top of it: placement, node files, cpuset.mems.
  (k) => void installNuma(k, installMm(k)),
  // io controller (blk-throttle, io.latency, weights, io.stat) on the block layer's hooks.
  installIocg,
  // Writeback last: it needs both the page cache and the block layer.
  installWriteback,
  // Network stack (src-sim/kernel/net): on the scheduler's interrupt-time hooks.
  installNet,
];
