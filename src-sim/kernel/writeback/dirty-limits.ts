/**
 * Dirty thresholds of a writeback domain (global or one memcg), in pages.
 * mm/page-writeback.c: domain_dirty_limits(), dirty_freerun_ceiling(),
 * hard_dirty_limit(), update_dirty_limit().
 */

import { kernelDefaults } from '../../scenario/kernel-versions';

export const PAGE_SIZE = 4096;

/** The vm.dirty_* sysctls as the kernel holds them. */
export interface DirtySysctls {
  dirtyRatio: number;
  dirtyBackgroundRatio: number;
  /** Bytes; 0 = use the ratio. */
  dirtyBytes: number;
  dirtyBackgroundBytes: number;
  dirtyExpireCentisecs: number;
  dirtyWritebackCentisecs: number;
}

/** Documentation/admin-guide/sysctl/vm.rst defaults; the ratios as of `version` (scenario/kernel-versions.ts). */
export function defaultSysctls(version = '6.18'): DirtySysctls {
  const d = kernelDefaults(version);
  return { dirtyRatio: d.dirtyRatio, dirtyBackgroundRatio: d.dirtyBackgroundRatio, dirtyBytes: 0, dirtyBackgroundBytes: 0, dirtyExpireCentisecs: 3000, dirtyWritebackCentisecs: 500 };
}

export interface DirtyLimits {
  thresh: number;
  bgThresh: number;
}

/**
 * domain_dirty_limits(): thresholds from ratios (per-PAGE_SIZE fixed point)
 * or bytes; bg_thresh ≥ thresh becomes thresh/2; RT/DL tasks get +25 % plus
 * dirty_limit/32. For a memcg domain (`globalAvail` given) the byte settings
 * are converted to a ratio of the global dirtyable memory.
 */
export function domainDirtyLimits(avail: number, s: DirtySysctls, opts: { rt?: boolean; globalDirtyLimit?: number; globalAvail?: number } = {}): DirtyLimits {
  let bytes = s.dirtyBytes;
  let bgBytes = s.dirtyBackgroundBytes;
  let ratio = Math.floor((s.dirtyRatio * PAGE_SIZE) / 100);
  let bgRatio = Math.floor((s.dirtyBackgroundRatio * PAGE_SIZE) / 100);
  if (opts.globalAvail !== undefined) {
    const g = Math.max(1, opts.globalAvail);
    // Bytes become a fraction of global dirtyable memory, per PAGE_SIZE.
    if (bytes) ratio = Math.min(Math.ceil((bytes / PAGE_SIZE / g) * PAGE_SIZE), PAGE_SIZE);
    if (bgBytes) bgRatio = Math.min(Math.ceil((bgBytes / PAGE_SIZE / g) * PAGE_SIZE), PAGE_SIZE);
    bytes = 0;
    bgBytes = 0;
  }
  let thresh = bytes ? Math.ceil(bytes / PAGE_SIZE) : Math.floor((ratio * avail) / PAGE_SIZE);
  let bgThresh = bgBytes ? Math.ceil(bgBytes / PAGE_SIZE) : Math.floor((bgRatio * avail) / PAGE_SIZE);
  if (bgThresh >= thresh) bgThresh = Math.floor(thresh / 2);
  if (opts.rt) {
    const dl = opts.globalDirtyLimit ?? 0;
    bgThresh += Math.floor(bgThresh / 4) + Math.floor(dl / 32);
    thresh += Math.floor(thresh / 4) + Math.floor(dl / 32);
  }
  return { thresh, bgThresh };
}

/** dirty_freerun_ceiling(): (thresh + bg_thresh) / 2; below it writers are never paused. */
export function dirtyFreerunCeiling(thresh: number, bgThresh: number): number {
  return Math.floor((thresh + bgThresh) / 2);
}

/** hard_dirty_limit(): the smoothed limit, never below the current thresh. */
export function hardDirtyLimit(domDirtyLimit: number, thresh: number): number {
  return Math.max(thresh, domDirtyLimit);
}

/**
 * update_dirty_limit(): follow thresh up in one step, down by 1/32 of the
 * gap per BANDWIDTH_INTERVAL, never below the dirty pages.
 */
export function updateDirtyLimit(limit: number, thresh: number, dirty: number): number {
  if (limit < thresh) return thresh;
  const target = Math.max(thresh, dirty);
  if (limit > target) return limit - Math.floor((limit - target) / 32);
  return limit;
}
