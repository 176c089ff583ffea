/** Zone watermarks (mm/page_alloc.c). All amounts in pages unless named kbytes. */

export interface Watermarks {
  min: number;
  low: number;
  high: number;
  /** high + gap (memory tiering promotion watermark). */
  promo: number;
}

/** Integer square root (lib/math/int_sqrt.c). */
export function intSqrt(x: number): number {
  return Math.floor(Math.sqrt(x));
}

/**
 * mm/page_alloc.c: calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16),
 * clamped to [128, 262144] KiB.
 */
export function defaultMinFreeKbytes(lowmemPages: number): number {
  const lowmemKbytes = lowmemPages * 4;
  return Math.min(262144, Math.max(128, intSqrt(lowmemKbytes * 16)));
}

/**
 * mm/page_alloc.c: __setup_per_zone_wmarks(). Each zone gets the share of
 * min_free_kbytes proportional to its managed pages; gap =
 * max(min/4, managed × watermark_scale_factor / 10000).
 */
export function zoneWatermarks(managed: number, lowmemPages: number, minFreeKbytes: number, scaleFactor: number): Watermarks {
  const pagesMin = minFreeKbytes >> 2;
  const min = Math.floor((pagesMin * managed) / Math.max(1, lowmemPages));
  const gap = Math.max(min >> 2, Math.floor((managed * scaleFactor) / 10000));
  return { min, low: min + gap, high: min + 2 * gap, promo: min + 3 * gap };
}

/**
 * mm/vmscan.c: inactive_is_low(): inactive_ratio = int_sqrt(10 × size in GiB),
 * or 1 below 1 GiB; the inactive list is low when inactive × ratio < active.
 */
export function inactiveIsLow(inactive: number, active: number): boolean {
  const gb = (inactive + active) >> 18;
  const ratio = gb ? intSqrt(10 * gb) : 1;
  return inactive * ratio < active;
}
