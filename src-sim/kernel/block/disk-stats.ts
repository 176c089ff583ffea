/**
 * Per-partition I/O accounting (struct disk_stats, block/genhd.c). Index 0
 * of every array is the op group: 0 read, 1 write, 2 discard, 3 flush
 * (STAT_READ, STAT_WRITE, STAT_DISCARD, STAT_FLUSH).
 */
export class DiskStats {
  readonly ios = new Float64Array(4);
  readonly merges = new Float64Array(4);
  readonly sectors = new Float64Array(4);
  readonly nsecs = new Float64Array(4);
  /** Requests on the driver, per direction (read, write). */
  readonly inflight = new Int32Array(2);
  private ioTicksNs = 0;
  private busySince = 0;

  /** A request of `dir` (0 read, 1 write) was started on the driver. */
  start(dir: number, now: number): void {
    if (this.inflight[0]! + this.inflight[1]! === 0) this.busySince = now;
    this.inflight[dir]!++;
  }

  done(dir: number, now: number): void {
    this.inflight[dir]!--;
    if (this.inflight[0]! + this.inflight[1]! === 0) this.ioTicksNs += now - this.busySince;
  }

  ioTicksMs(now: number): number {
    const busy = this.inflight[0]! + this.inflight[1]! > 0 ? now - this.busySince : 0;
    return Math.floor((this.ioTicksNs + busy) / 1e6);
  }

  /** Field 11 ("weighted time in queue"): sum of all per-op nsecs (block/genhd.c: diskstats_show). */
  timeInQueueMs(): number {
    return Math.floor((this.nsecs[0]! + this.nsecs[1]! + this.nsecs[2]! + this.nsecs[3]!) / 1e6);
  }

  /** The 17 numbers both /sys/block/<dev>/stat and /proc/diskstats print, in order. */
  fields(now: number): number[] {
    const ms = (i: number): number => Math.floor(this.nsecs[i]! / 1e6);
    return [
      this.ios[0]!, this.merges[0]!, this.sectors[0]!, ms(0),
      this.ios[1]!, this.merges[1]!, this.sectors[1]!, ms(1),
      this.inflight[0]! + this.inflight[1]!, this.ioTicksMs(now), this.timeInQueueMs(),
      this.ios[2]!, this.merges[2]!, this.sectors[2]!, ms(2),
      this.ios[3]!, ms(3),
    ];
  }
}

/** /sys/block/<dev>/stat (block/partitions/core.c → part_stat_show): fields padded to 8. */
export function formatStat(f: number[]): string {
  return `${f.map((v) => String(v).padStart(8)).join(' ')}\n`;
}

/** One /proc/diskstats line: "%4d %7d %s " then the 17 fields separated by spaces. */
export function formatDiskstatsLine(major: number, minor: number, name: string, f: number[]): string {
  return `${String(major).padStart(4)} ${String(minor).padStart(7)} ${name} ${f.join(' ')}\n`;
}
