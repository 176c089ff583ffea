import { installBlock } from './block/install';
import type { Kernel } from './kernel';
import { installMm } from './mm/install';
import { installSched } from './sched/install';

/**
 * Every subsystem's install(), in boot order. Each registers its global
 * files, its cgroup hook, its behaviour factories and its slot on Kernel.
 * The scheduler comes first: the others block and wake tasks through it.
 */
export const SUBSYSTEMS: ((k: Kernel) => void)[] = [
  installSched,
  // Block layer before the io controller and writeback, which attach hooks to k.block.
  (k) => void installBlock(k),
  // Memory (mm + memcg) after the scheduler; writeback attaches to k.mm.pageCache.
  (k) => void installMm(k),
];
