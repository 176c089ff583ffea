import { releaseAtLeast } from '../../scenario/kernel-versions';

/**
 * zswap's module parameters and their defaults per kernel release, and the
 * model's per-compressor CPU costs. Kept apart from the pool (zswap.ts) so
 * the scenario resolver can use the defaults without the memory model.
 */

/** Compressors zswap can use through the crypto API (crypto/*.c); others are ENOENT. */
export const ZSWAP_COMPRESSORS = ['lzo', 'lzo-rle', 'lz4', 'lz4hc', 'zstd', 'deflate', '842'] as const;
export type ZswapCompressor = (typeof ZSWAP_COMPRESSORS)[number];

export const ZSWAP_ZPOOLS = ['zbud', 'z3fold', 'zsmalloc'] as const;
export type ZswapZpool = (typeof ZSWAP_ZPOOLS)[number];

/**
 * Model parameters, not kernel constants: CPU time to compress / decompress
 * one 4 KiB page, from single-thread lzbench throughputs on a ~4 GHz x86
 * core (lzo1x-1 ≈ 820/1130 MB/s, lz4 ≈ 740/4450, lz4hc -9 ≈ 33/4360,
 * zstd -1 ≈ 510/1380, zlib -1 ≈ 120/400, software 842 ≈ 100/300).
 */
export const ZSWAP_COST_NS: Record<ZswapCompressor, { compress: number; decompress: number }> = {
  lzo: { compress: 5000, decompress: 3600 },
  'lzo-rle': { compress: 4500, decompress: 3400 },
  lz4: { compress: 5500, decompress: 900 },
  lz4hc: { compress: 124000, decompress: 900 },
  zstd: { compress: 8000, decompress: 3000 },
  deflate: { compress: 34000, decompress: 10000 },
  '842': { compress: 41000, decompress: 13600 },
};

/**
 * Objects per pool page a zpool can hold at most (mm/zbud.c: two buddies
 * per page; mm/z3fold.c: three); zsmalloc packs size classes into zspages,
 * modelled as perfect packing.
 */
export const ZPOOL_MAX_PER_PAGE: Record<ZswapZpool, number> = { zbud: 2, z3fold: 3, zsmalloc: Infinity };

/** The resolved kernel.zswap of a scenario (boot parameters zswap.* plus the model's compression ratio). */
export interface ZswapSpec {
  enabled: boolean;
  maxPoolPercent: number;
  compressor: ZswapCompressor;
  zpool: ZswapZpool;
  acceptThresholdPercent: number;
  shrinkerEnabled: boolean;
  /** Model parameter: uncompressed ÷ compressed size of the anon pages zswap stores (≥ 1). */
  ratio: number;
}

/** Default compression ratio (model parameter): typical anon memory with lzo/zstd compresses about 3:1. */
export const DEFAULT_ZSWAP_RATIO = 3;

/**
 * mm/Kconfig defaults: ZSWAP_DEFAULT_ON n, ZSWAP_COMPRESSOR_DEFAULT lzo,
 * ZSWAP_ZPOOL_DEFAULT zbud (zsmalloc from 6.9 on, our reading of the
 * Kconfig history), max_pool_percent 20, accept_threshold_percent 90
 * (5.6+), ZSWAP_SHRINKER_DEFAULT_ON n (6.8+).
 */
export function zswapDefaults(version: string): ZswapSpec {
  return {
    enabled: false,
    maxPoolPercent: 20,
    compressor: 'lzo',
    zpool: releaseAtLeast(version, [6, 9, 0]) ? 'zsmalloc' : 'zbud',
    acceptThresholdPercent: 90,
    shrinkerEnabled: false,
    ratio: DEFAULT_ZSWAP_RATIO,
  };
}

/** Why zpool `z` cannot be used on `version` (it was removed), or null. z3fold left in 6.13, zbud in 6.15. */
export function zpoolGone(version: string, z: ZswapZpool): string | null {
  if (z === 'z3fold' && releaseAtLeast(version, [6, 13, 0])) return 'z3fold was removed in Linux 6.13';
  if (z === 'zbud' && releaseAtLeast(version, [6, 15, 0])) return 'zbud was removed in Linux 6.15';
  return null;
}

/** zswap itself arrived in 3.11 (mm/zswap.c). */
export const ZSWAP_SINCE = [3, 11, 0] as const;
