import { fail } from '../../vfs/errors';
import type { Vfs } from '../../vfs/vfs';
import { PAGE_SIZE, type DirtySysctls } from './dirty-limits';

// include/linux/limits.h
const INT_MAX = 2147483647;

/** proc_dointvec / proc_doulongvec: one decimal integer, surrounding blanks allowed. */
function parseProcInt(s: string, max: number): number {
  const t = s.trim();
  if (!/^[-+]?\d+$/.test(t)) fail('EINVAL', `expected an integer, got "${s}"`);
  const v = Number(t);
  if (!Number.isSafeInteger(v) || v > max) fail('EINVAL', `${t} is out of range`);
  return v;
}

function inRange(v: number, min: number, max: number, what: string): number {
  if (v < min || v > max) fail('EINVAL', `${what} must be between ${min} and ${max}, got ${v}`);
  return v;
}

/**
 * /proc/sys/vm/dirty_* (mm/page-writeback.c vm_page_writeback_sysctls and
 * their handlers). Writing a ratio zeroes its bytes twin and vice versa (only
 * when the value changes, as dirty_ratio_handler / dirty_bytes_handler do).
 * `changed` lets writeback react (re-evaluate background writeback, re-arm
 * the periodic flusher).
 */
export function registerDirtySysctls(vfs: Vfs, s: DirtySysctls, changed: () => void): void {
  const reg = (name: string, read: () => number, write: (v: string) => void): void => {
    vfs.register(`/proc/sys/vm/${name}`, {
      read: () => `${read()}\n`,
      write: (v) => {
        write(v);
        changed();
      },
    });
  };
  reg(
    'dirty_ratio',
    () => s.dirtyRatio,
    (v) => {
      const n = inRange(parseProcInt(v, INT_MAX), 0, 100, 'dirty_ratio');
      if (n !== s.dirtyRatio) s.dirtyBytes = 0;
      s.dirtyRatio = n;
    },
  );
  reg(
    'dirty_bytes',
    () => s.dirtyBytes,
    (v) => {
      // dirty_bytes_min = 2 * PAGE_SIZE
      const n = inRange(parseProcInt(v, Number.MAX_SAFE_INTEGER), 2 * PAGE_SIZE, Number.MAX_SAFE_INTEGER, 'dirty_bytes');
      if (n !== s.dirtyBytes) s.dirtyRatio = 0;
      s.dirtyBytes = n;
    },
  );
  reg(
    'dirty_background_ratio',
    () => s.dirtyBackgroundRatio,
    (v) => {
      s.dirtyBackgroundRatio = inRange(parseProcInt(v, INT_MAX), 0, 100, 'dirty_background_ratio');
      s.dirtyBackgroundBytes = 0;
    },
  );
  reg(
    'dirty_background_bytes',
    () => s.dirtyBackgroundBytes,
    (v) => {
      // extra1 = SYSCTL_LONG_ONE
      s.dirtyBackgroundBytes = inRange(parseProcInt(v, Number.MAX_SAFE_INTEGER), 1, Number.MAX_SAFE_INTEGER, 'dirty_background_bytes');
      s.dirtyBackgroundRatio = 0;
    },
  );
  reg(
    'dirty_expire_centisecs',
    () => s.dirtyExpireCentisecs,
    (v) => {
      s.dirtyExpireCentisecs = inRange(parseProcInt(v, INT_MAX), 0, INT_MAX, 'dirty_expire_centisecs');
    },
  );
  reg(
    'dirty_writeback_centisecs',
    () => s.dirtyWritebackCentisecs,
    (v) => {
      s.dirtyWritebackCentisecs = inRange(parseProcInt(v, INT_MAX), 0, INT_MAX, 'dirty_writeback_centisecs');
    },
  );
  // Documentation/admin-guide/sysctl/vm.rst: dirtytime_expire_seconds (lazytime inodes; stored, not modelled).
  let dirtytime = 43200;
  reg(
    'dirtytime_expire_seconds',
    () => dirtytime,
    (v) => {
      dirtytime = inRange(parseProcInt(v, INT_MAX), 0, INT_MAX, 'dirtytime_expire_seconds');
    },
  );
  vfs.markNotSimulated('/proc/sys/vm/dirtytime_expire_seconds', 'lazytime inode timestamps are not modelled');
}
