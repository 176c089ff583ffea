import { parseKernelInt } from '../cgroup/tree';
import { fail } from '../../vfs/errors';
import type { VirtualFile } from '../../vfs/vfs';
import type { Kernel } from '../kernel';
import { pageCounterMemparse, printPages } from '../memcg/parse';
import type { Mm } from './mm';
import { Zswap } from './zswap';
import { ZSWAP_COMPRESSORS, ZSWAP_ZPOOLS, zpoolGone, type ZswapCompressor, type ZswapSpec, type ZswapZpool } from './zswap-params';

const PARAMS = '/sys/module/zswap/parameters';
const DEBUG = '/sys/kernel/debug/zswap';

/** lib/kstrtox.c: kstrtobool() as param_set_bool uses it (y/n/1/0/on/off). */
function kstrtobool(d: string): boolean {
  const s = d.trim();
  const c = s[0];
  if (c === 'y' || c === 'Y' || c === 't' || c === 'T' || c === '1') return true;
  if (c === 'n' || c === 'N' || c === 'f' || c === 'F' || c === '0') return false;
  if ((c === 'o' || c === 'O') && (s[1] === 'n' || s[1] === 'N')) return true;
  if ((c === 'o' || c === 'O') && (s[1] === 'f' || s[1] === 'F')) return false;
  return fail('EINVAL', `expected Y or N, got "${s}"`);
}

function boolParam(get: () => boolean, set: (v: boolean) => void): VirtualFile {
  return { read: () => (get() ? 'Y\n' : 'N\n'), write: (d) => set(kstrtobool(d)) };
}

/** param_set_uint / param_set_uint_minmax: EINVAL for non-numbers and outside [lo, hi]. */
function uintParam(get: () => number, set: (v: number) => void, hi: number): VirtualFile {
  return {
    read: () => `${get()}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      if (v < 0 || v > hi) fail('EINVAL', `expected an integer from 0 to ${hi}, got "${d.trim()}"`);
      set(v);
    },
  };
}

/**
 * Install zswap (CONFIG_ZSWAP, the scenario's kernel.zswap): the pool, its
 * module parameters, debugfs counters and the cgroup v2 memory.zswap.*
 * files. /proc/meminfo, /proc/vmstat and memory.stat show it through mm.zswap.
 */
export function installZswap(k: Kernel, mm: Mm, spec: ZswapSpec): Zswap {
  const z = new Zswap(mm, spec);
  mm.zswap = z;
  const vfs = k.vfs;
  const version = k.scenario.kernel.version;
  vfs.register(`${PARAMS}/enabled`, boolParam(() => z.enabled, (v) => (z.enabled = v)));
  vfs.register(`${PARAMS}/max_pool_percent`, uintParam(() => z.maxPoolPercent, (v) => (z.maxPoolPercent = v), 2 ** 32 - 1));
  vfs.register(`${PARAMS}/accept_threshold_percent`, uintParam(() => z.acceptThresholdPercent, (v) => (z.acceptThresholdPercent = v), 100));
  vfs.register(`${PARAMS}/shrinker_enabled`, boolParam(() => z.shrinkerEnabled, (v) => (z.shrinkerEnabled = v)));
  vfs.markNotSimulated(`${PARAMS}/shrinker_enabled`, 'the proactive zswap shrinker is not modelled; the pool is written back only when it reaches max_pool_percent');
  // __zswap_param_set(): an unknown compressor or zpool is "not available" (-ENOENT).
  vfs.register(`${PARAMS}/compressor`, {
    read: () => `${z.compressor}\n`,
    write: (d) => {
      const v = d.trim();
      if (!(ZSWAP_COMPRESSORS as readonly string[]).includes(v)) fail('ENOENT', `compressor ${v} not available (have ${ZSWAP_COMPRESSORS.join(', ')})`);
      z.compressor = v as ZswapCompressor;
    },
  });
  vfs.register(`${PARAMS}/zpool`, {
    read: () => `${z.zpool}\n`,
    write: (d) => {
      const v = d.trim();
      const gone = (ZSWAP_ZPOOLS as readonly string[]).includes(v) ? zpoolGone(version, v as ZswapZpool) : `unknown zpool`;
      if (gone !== null) fail('ENOENT', `zpool ${v} not available (${gone})`);
      z.zpool = v as ZswapZpool;
    },
  });
  const debug: [string, () => number][] = [
    ['pool_limit_hit', () => z.poolLimitHit],
    ['reject_reclaim_fail', () => z.rejectReclaimFail],
    ['reject_alloc_fail', () => z.rejectAllocFail],
    ['reject_kmemcache_fail', () => z.rejectKmemcacheFail],
    ['reject_compress_fail', () => z.rejectCompressFail],
    ['reject_compress_poor', () => z.rejectCompressPoor],
    ['written_back_pages', () => z.writtenBackPages],
    ['pool_total_size', () => z.poolPages * 4096],
    ['stored_pages', () => z.storedPages],
  ];
  for (const [name, get] of debug) vfs.register(`${DEBUG}/${name}`, { read: () => `${get()}\n`, observable: name === 'pool_total_size' || name === 'stored_pages' });
  if (k.cgroups.version === 2) {
    k.cgroups.onCreate((cg) => {
      if (cg.isRoot) return; // CFTYPE_NOT_ON_ROOT
      const m = mm.memcgOf(cg);
      const zm = z.memcg(m);
      const reg = (name: string, vf: VirtualFile): void => k.cgroups.registerFile(cg, 'memory', name, vf);
      reg('memory.zswap.current', { read: () => `${z.subtree(m, (x) => x.bytes)}\n`, observable: true });
      reg('memory.zswap.max', { read: () => `${printPages(zm.max)}\n`, write: (d) => void (zm.max = pageCounterMemparse(d, 'max')) });
      reg('memory.zswap.writeback', {
        read: () => `${zm.writeback ? 1 : 0}\n`,
        write: (d) => {
          const v = parseKernelInt(d);
          if (v !== 0 && v !== 1) fail('EINVAL', `memory.zswap.writeback takes 0 or 1, got ${d.trim()}`);
          zm.writeback = v === 1;
        },
      });
    });
  }
  return z;
}

/** /proc/meminfo lines after SwapFree (fs/proc/meminfo.c, CONFIG_ZSWAP, 5.19+): pool pages and stored pages. */
export function zswapMeminfo<T>(mm: Mm, kb: (label: string, pages: number) => T): T[] {
  const z = mm.zswap;
  if (z === null || !z.countersShown) return [];
  return [kb('Zswap', z.poolPages), kb('Zswapped', z.storedPages)];
}

/** /proc/vmstat zswpin, zswpout (5.19+) and zswpwb (6.8+). */
export function zswapVmstat(mm: Mm): string {
  const z = mm.zswap;
  if (z === null || !z.countersShown) return '';
  let s = `zswpin ${z.total((x) => x.zswpin)}\nzswpout ${z.total((x) => x.zswpout)}\n`;
  if (z.writebackControl) s += `zswpwb ${z.total((x) => x.zswpwb)}\n`;
  return s;
}
