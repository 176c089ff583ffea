import type { Elevator, Tunable } from './elevator';
import type { Request } from './request';

/**
 * No elevator: requests go to the driver in arrival order
 * (block/blk-mq.c: blk_mq_try_issue_directly when a tag is free).
 */
export class NoneElevator implements Elevator {
  readonly name = 'none' as const;
  readonly tunables: Record<string, Tunable> = {};
  private q: (Request | null)[] = [];
  private head = 0;
  /** Requests in the FIFO (q.length − head), a field: the disk reads it on every bio and completion. */
  queued = 0;

  insert(rq: Request): void {
    this.q.push(rq);
    this.queued++;
  }

  dispatch(): Request | null {
    if (this.head === this.q.length) return null;
    const rq = this.q[this.head]!;
    this.q[this.head++] = null;
    this.queued--;
    if (this.head > 1024 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return rq;
  }

  allowMerge(): boolean {
    return true;
  }

  merged(): void {}

  completed(): void {}

  drain(): Request[] {
    const out = this.q.slice(this.head) as Request[];
    this.q = [];
    this.head = 0;
    this.queued = 0;
    return out;
  }
}
