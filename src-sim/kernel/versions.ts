/**
 * Which interface files exist in which kernel release. Subsystems register
 * every file they model; the VFS refuses to register one that the
 * scenario's kernel.version predates (Vfs.gate), so reading or writing it is
 * ENOENT, as on that kernel, and the scenario checker says why.
 * Version-dependent default VALUES (base slice, dirty ratios, …) are not
 * here: they are in scenario/kernel-versions.ts, whose release parsing
 * this table shares.
 */

import { releaseAtLeast, type Release } from '../scenario/kernel-versions';

interface FileSince {
  test: RegExp;
  since: Release;
  what: string;
}

/** First release with each file (or family), from the kernels' Documentation and git history. */
export const FILES_SINCE: readonly FileSince[] = [
  { test: /^\/proc\/pressure\//, since: [4, 20, 0], what: 'pressure stall information (PSI)' },
  { test: /\/(cpu|memory|io)\.pressure$/, since: [4, 20, 0], what: 'pressure stall information (PSI)' },
  { test: /^\/sys\/fs\/cgroup\/(.*\/)?memory\.min$/, since: [4, 18, 0], what: 'memory.min' },
  { test: /\/memory\.oom\.group$/, since: [4, 19, 0], what: 'memory.oom.group' },
  { test: /\/memory\.peak$/, since: [5, 19, 0], what: 'memory.peak' },
  { test: /\/memory\.swap\.peak$/, since: [6, 5, 0], what: 'memory.swap.peak' },
  { test: /\/cpu\.max\.burst$/, since: [5, 14, 0], what: 'cpu.max.burst' },
  { test: /\/cpu\.idle$/, since: [5, 15, 0], what: 'cpu.idle' },
  { test: /\/io\.latency$/, since: [4, 19, 0], what: 'io.latency' },
  { test: /^\/proc\/sys\/vm\/watermark_boost_factor$/, since: [5, 0, 0], what: 'vm.watermark_boost_factor' },
  { test: /^\/proc\/sys\/vm\/watermark_scale_factor$/, since: [4, 6, 0], what: 'vm.watermark_scale_factor' },
  { test: /^\/sys\/kernel\/mm\/page_idle\//, since: [4, 3, 0], what: 'idle page tracking (page_idle/bitmap)' },
  { test: /^\/sys\/kernel\/debug\/sched\/fair_server\//, since: [6, 12, 0], what: 'the fair (deadline) server' },
  { test: /\/memory\.zswap\.(current|max)$/, since: [5, 19, 0], what: 'memory.zswap.current and memory.zswap.max' },
  { test: /\/memory\.zswap\.writeback$/, since: [6, 8, 0], what: 'memory.zswap.writeback' },
  { test: /^\/sys\/module\/zswap\/parameters\/accept_threshold_percent$/, since: [5, 6, 0], what: 'zswap.accept_threshold_percent' },
  { test: /^\/sys\/module\/zswap\/parameters\/shrinker_enabled$/, since: [6, 8, 0], what: 'zswap.shrinker_enabled' },
];

/** cgroup v2 (the unified hierarchy) left its development flag in 4.5. */
export const CGROUP_V2_SINCE: Release = [4, 5, 0];

/** Why `path` does not exist on kernel `version`, or null when it may. */
export function missingInVersion(version: string, path: string): string | null {
  for (const f of FILES_SINCE) {
    if (!f.test.test(path)) continue;
    const [a, b, c] = f.since;
    if (!releaseAtLeast(version, f.since)) return `${f.what} arrived in Linux ${a}.${b}${c ? `.${c}` : ''} and kernel.version is ${version}`;
  }
  return null;
}
