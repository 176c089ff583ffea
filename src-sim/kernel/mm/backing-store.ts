import type { Engine } from '../../engine/engine';
import type { BackingStore, CachedFile, PageRange } from './page-cache-api';
import { PAGE_SIZE } from './page-cache-api';

/**
 * A stand-in for storage until the block layer plugs in: each device (file
 * device name, or "" for files without one) serves one request at a time at
 * `bandwidth` bytes/s, plus a fixed access latency. Requests queue FIFO.
 * Defaults are SSD-like (100 µs, 500 MB/s); they are model parameters, not
 * kernel constants.
 */
export class FixedLatencyStore implements BackingStore {
  private readonly busyUntil = new Map<string, number>();

  constructor(
    private readonly engine: Engine,
    readonly latencyNs = 100_000,
    readonly bandwidth = 500e6,
  ) {}

  read(file: CachedFile, range: PageRange, _t: unknown, _c: unknown, done: (ok: boolean, now: number) => void): void {
    this.submit(file.device ?? '', range.pages, done);
  }

  write(file: CachedFile, range: PageRange, _t: unknown, _c: unknown, done: (ok: boolean, now: number) => void): void {
    this.submit(file.device ?? '', range.pages, done);
  }

  /**
   * Queue `pages` pages on device `dev` as `requests` dependent requests
   * (page faults one after another pay the latency each time); done fires
   * when the last is transferred.
   */
  submit(dev: string, pages: number, done: (ok: boolean, now: number) => void, requests = 1): void {
    const now = this.engine.now;
    const start = Math.max(now, this.busyUntil.get(dev) ?? 0);
    const end = start + Math.round((pages * PAGE_SIZE * 1e9) / this.bandwidth);
    this.busyUntil.set(dev, end);
    this.engine.schedule(Math.max(now + 1, end + requests * this.latencyNs), (t) => done(true, t));
  }
}
