/**
 * Event counters kept per memcg (local) and summed for /proc/vmstat and
 * hierarchical memory.stat. Names are the kernel's vm_event / memcg names.
 */
export const EV = {
  pgfault: 0,
  pgmajfault: 1,
  pgscan_kswapd: 2,
  pgscan_direct: 3,
  pgsteal_kswapd: 4,
  pgsteal_direct: 5,
  pgscan_anon: 6,
  pgscan_file: 7,
  pgsteal_anon: 8,
  pgsteal_file: 9,
  pgrefill: 10,
  pgactivate: 11,
  pgdeactivate: 12,
  workingset_refault_anon: 13,
  workingset_refault_file: 14,
  workingset_activate_anon: 15,
  workingset_activate_file: 16,
  workingset_restore_anon: 17,
  workingset_restore_file: 18,
  pswpin: 19,
  pswpout: 20,
  pgpgin: 21,
  pgpgout: 22,
  pgalloc: 23,
  pgfree: 24,
  allocstall: 25,
  oom_kill: 26,
  pgscan_khugepaged: 27,
  pgsteal_khugepaged: 28,
  pgrotated: 29,
} as const;
export type EvName = keyof typeof EV;
export const NR_EV = 30;
export const EV_NAMES = Object.keys(EV) as EvName[];

/** memory.events keys (include/linux/memcontrol.h: enum memcg_memory_event). */
export const MEMCG_EVENTS = ['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'] as const;
export type MemcgEvent = (typeof MEMCG_EVENTS)[number];
