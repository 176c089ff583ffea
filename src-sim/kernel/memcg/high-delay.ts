import { MEMCG_CHARGE_BATCH, MEMCG_DELAY_PRECISION_SHIFT, MEMCG_DELAY_SCALING_SHIFT } from '../mm/constants';
import type { Memcg } from './memcg';

/** mm/memcontrol.c: calculate_overage(): ((usage − high) << 20) / high, 0 when not over. */
export function calculateOverage(usage: number, high: number): bigint {
  if (usage <= high) return 0n;
  const h = BigInt(Math.max(high, 1));
  return ((BigInt(usage) - h) << BigInt(MEMCG_DELAY_PRECISION_SHIFT)) / h;
}

/** mem_find_max_overage(): the worst overage of the group and its ancestors. */
export function maxOverage(m: Memcg): bigint {
  let worst = 0n;
  for (let g: Memcg | null = m; g !== null && !g.isRoot; g = g.parent) {
    const o = calculateOverage(g.usage, g.high);
    if (o > worst) worst = o;
  }
  return worst;
}

/** swap_find_max_overage() for memory.swap.high; swap.high is not modelled (always max), so 0. */
export function maxSwapOverage(): bigint {
  return 0n;
}

/**
 * mm/memcontrol.c: calculate_high_delay(): overage² × HZ >> 20 >> 14 jiffies,
 * scaled by nr_pages / MEMCG_CHARGE_BATCH. Integer arithmetic as the kernel does it.
 */
export function calculateHighDelay(maxOverageValue: bigint, nrPages: number, hz: number): number {
  if (maxOverageValue === 0n) return 0;
  let penalty = maxOverageValue * maxOverageValue * BigInt(hz);
  penalty >>= BigInt(MEMCG_DELAY_PRECISION_SHIFT);
  penalty >>= BigInt(MEMCG_DELAY_SCALING_SHIFT);
  return Number((penalty * BigInt(nrPages)) / BigInt(MEMCG_CHARGE_BATCH));
}

/** MEMCG_MAX_HIGH_DELAY_JIFFIES = 2 × HZ. */
export function maxHighDelayJiffies(hz: number): number {
  return 2 * hz;
}

/**
 * The sleep mem_cgroup_handle_over_high() would take now, in jiffies, for
 * `nrPages` charged over high: memory (and swap) penalty, capped at 2 s;
 * 0 when it is ≤ HZ/100 (not worth sleeping).
 */
export function highPenaltyJiffies(m: Memcg, nrPages: number, hz: number): number {
  let p = calculateHighDelay(maxOverage(m), nrPages, hz) + calculateHighDelay(maxSwapOverage(), nrPages, hz);
  p = Math.min(p, maxHighDelayJiffies(hz));
  return p <= Math.floor(hz / 100) ? 0 : p;
}
