/** Kernel constants the memory model uses, with their sources. */

// mm/vmscan.c / include/linux/swap.h
export const SWAP_CLUSTER_MAX = 32;
export const DEF_PRIORITY = 12;
export const MAX_SWAPPINESS = 200;
export const DEFAULT_SWAPPINESS = 60;

// mm/memcontrol.c
export const MAX_RECLAIM_RETRIES = 16;
// include/linux/memcontrol.h: MEMCG_CHARGE_BATCH (64 since 6.1, 32 before)
export const MEMCG_CHARGE_BATCH = 64;
export const MEMCG_DELAY_PRECISION_SHIFT = 20;
export const MEMCG_DELAY_SCALING_SHIFT = 14;
// include/linux/page_counter.h: PAGE_COUNTER_MAX = LONG_MAX / PAGE_SIZE (4 KiB pages)
export const PAGE_COUNTER_MAX = 2251799813685247;

// include/linux/oom.h
export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;

// include/linux/mm_types.h: sizeof(struct page) on 64-bit; the memmap is reserved at boot.
export const STRUCT_PAGE_BYTES = 64;

// LRU list indices (include/linux/mmzone.h: enum lru_list order).
export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const NR_LRU_LISTS = 4;
export const LRU_NONE = 255;

/**
 * Model calibration, not kernel constants: CPU cost of the work the model
 * aggregates. Chosen to match commonly measured magnitudes on x86 (zeroing
 * a 4 KiB page plus fault entry ≈ 1 µs; reclaim of clean page cache ≈ 1–3
 * GB/s per core; copy_to_user ≈ 10 GB/s).
 */
export const COST = {
  minorFaultNs: 1000,
  scanPageNs: 100,
  reclaimPageNs: 300,
  copyPageNs: 400,
} as const;
