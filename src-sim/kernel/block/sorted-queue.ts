import type { Request } from './request';

/** Requests kept in sector order (the elevator's rb-tree; an array is faster at queue sizes ≤ a few thousand). */
export class SortedRequests {
  readonly items: Request[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Index of the first request with sector ≥ `sector`. */
  lowerBound(sector: number): number {
    const a = this.items;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]!.sector < sector) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(rq: Request): void {
    // After equal sectors, so equal-sector requests keep arrival order.
    const a = this.items;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]!.sector <= rq.sector) lo = mid + 1;
      else hi = mid;
    }
    a.splice(lo, 0, rq);
  }

  remove(rq: Request): void {
    const a = this.items;
    let i = this.lowerBound(rq.sector);
    while (i < a.length && a[i] !== rq) i++;
    if (i === a.length) {
      i = a.indexOf(rq);
      if (i < 0) return;
    }
    a.splice(i, 1);
  }

  /** First request at or after `sector` (deadline_latter_request), or null. */
  atOrAfter(sector: number): Request | null {
    return this.items[this.lowerBound(sector)] ?? null;
  }
}

/** A FIFO threaded through Request.fifoPrev/fifoNext (no allocation). */
export class RequestFifo {
  head: Request | null = null;
  tail: Request | null = null;
  size = 0;

  push(rq: Request): void {
    rq.fifoNext = null;
    rq.fifoPrev = this.tail;
    if (this.tail) this.tail.fifoNext = rq;
    else this.head = rq;
    this.tail = rq;
    this.size++;
  }

  remove(rq: Request): void {
    if (rq.fifoPrev) rq.fifoPrev.fifoNext = rq.fifoNext;
    else this.head = rq.fifoNext;
    if (rq.fifoNext) rq.fifoNext.fifoPrev = rq.fifoPrev;
    else this.tail = rq.fifoPrev;
    rq.fifoPrev = rq.fifoNext = null;
    this.size--;
  }

  shift(): Request | null {
    const rq = this.head;
    if (rq) this.remove(rq);
    return rq;
  }
}
