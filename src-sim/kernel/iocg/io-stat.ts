import type { Bio } from '../block/bio';
import { byDevt } from './io-conf';
import type { FieldSink } from '../../vfs/fields';

// Slots of one device's counters (struct blkg_iostat + v1 rwstat extras).
const RBYTES = 0;
const WBYTES = 1;
const RIOS = 2;
const WIOS = 3;
const DBYTES = 4;
const DIOS = 5;
const SYNC_BYTES = 6;
const ASYNC_BYTES = 7;
const SYNC_IOS = 8;
const ASYNC_IOS = 9;
const NSLOTS = 10;

/**
 * Per-group, per-device I/O counters, charged when a bio leaves the throttle
 * stage (blk_cgroup_bio_start, called from submit_bio_noacct_nocheck after
 * blk-throttle). Counted for the bio's own group only; readers sum the
 * subtree where the file is recursive (v2 io.stat).
 */
export class IoStat {
  private readonly byDev = new Map<string, Float64Array>();
  /** The last device's counters: a group's bios nearly always go to the device before (no Map lookup per bio). */
  private lastDevt = '';
  private lastCounters: Float64Array | null = null;

  account(bio: Bio, sync: boolean): void {
    const devt = bio.dev.disk.devt;
    let c = this.lastCounters;
    if (c === null || devt !== this.lastDevt) {
      c = this.byDev.get(devt) ?? null;
      if (c === null) {
        c = new Float64Array(NSLOTS);
        this.byDev.set(devt, c);
      }
      this.lastDevt = devt;
      this.lastCounters = c;
    }
    if (bio.op === 'discard') {
      c[DBYTES]! += bio.bytes;
      c[DIOS]!++;
      return;
    }
    // blk_cgroup_io_type(): an empty flush is submitted as REQ_OP_WRITE |
    // REQ_PREFLUSH (blkdev_issue_flush), so it counts as a write IO of 0 bytes.
    if (bio.op === 'read') {
      c[RBYTES]! += bio.bytes;
      c[RIOS]!++;
    } else {
      c[WBYTES]! += bio.bytes;
      c[WIOS]!++;
    }
    if (sync) {
      c[SYNC_BYTES]! += bio.bytes;
      c[SYNC_IOS]!++;
    } else {
      c[ASYNC_BYTES]! += bio.bytes;
      c[ASYNC_IOS]!++;
    }
  }

  devices(): [string, Float64Array][] {
    return [...this.byDev].sort(byDevt);
  }

  /** Sum of several groups' counters (a subtree), per device. */
  static sum(stats: IoStat[]): [string, Float64Array][] {
    const acc = new Map<string, Float64Array>();
    for (const s of stats) {
      for (const [devt, c] of s.byDev) {
        let a = acc.get(devt);
        if (!a) {
          a = new Float64Array(NSLOTS);
          acc.set(devt, a);
        }
        for (let i = 0; i < NSLOTS; i++) a[i]! += c[i]!;
      }
    }
    return [...acc].sort(byDevt);
  }
}

/** v2 io.stat: "MAJ:MIN rbytes= wbytes= rios= wios= dbytes= dios=" (blkcg_print_one_stat). */
export function formatIoStat(rows: [string, Float64Array][]): string {
  return rows
    .map(
      ([devt, c]) =>
        `${devt} rbytes=${c[RBYTES]} wbytes=${c[WBYTES]} rios=${c[RIOS]} wios=${c[WIOS]} dbytes=${c[DBYTES]} dios=${c[DIOS]}\n`,
    )
    .join('');
}

/**
 * formatIoStat's numbers as the recorder parses them ("8:16.rbytes" …), without
 * the text: io.stat's VirtualFile.sample.
 */
export function ioStatFields(rows: [string, Float64Array][], o: FieldSink): void {
  for (const [devt, c] of rows) {
    o.field(`${devt}.rbytes`, c[RBYTES]!);
    o.field(`${devt}.wbytes`, c[WBYTES]!);
    o.field(`${devt}.rios`, c[RIOS]!);
    o.field(`${devt}.wios`, c[WIOS]!);
    o.field(`${devt}.dbytes`, c[DBYTES]!);
    o.field(`${devt}.dios`, c[DIOS]!);
  }
}

/**
 * v1 blkio.throttle.io_service_bytes / io_serviced (blkg_prfill_rwstat):
 * Read, Write, Sync, Async, Discard, Total per device, then a grand Total.
 */
export function formatRwstat(rows: [string, Float64Array][], what: 'bytes' | 'ios'): string {
  const [r, w, s, a, d] = what === 'bytes' ? [RBYTES, WBYTES, SYNC_BYTES, ASYNC_BYTES, DBYTES] : [RIOS, WIOS, SYNC_IOS, ASYNC_IOS, DIOS];
  let total = 0;
  const out: string[] = [];
  for (const [devt, c] of rows) {
    const t = c[r]! + c[w]! + c[d]!;
    total += t;
    out.push(`${devt} Read ${c[r]}\n${devt} Write ${c[w]}\n${devt} Sync ${c[s]}\n${devt} Async ${c[a]}\n${devt} Discard ${c[d]}\n${devt} Total ${t}\n`);
  }
  out.push(`Total ${total}\n`);
  return out.join('');
}
