import type { Engine } from '../../engine/engine';
import type { Bio } from './bio';
import type { Request } from './request';

/** A scheduler tunable in queue/iosched/: show and store like the kernel's sysfs handlers. */
export interface Tunable {
  read(): string;
  write(value: string): void;
  /** The value is kept but the elevator does not act on it: why (logged at every write). */
  notSimulated?: string;
}

/** What an elevator may use from its queue. */
export interface ElevatorContext {
  readonly engine: Engine;
  /** Run the dispatch loop again (a timer fired, a token came back). */
  kick(): void;
  /** BFQ: the weight of the request's group on this disk. */
  groupWeight(rq: Request): number;
  readonly rotational: boolean;
  /** Driver queue depth (all hardware queues). */
  readonly deviceDepth: number;
}

export type ElevatorName = 'none' | 'mq-deadline' | 'kyber' | 'bfq';

/** The I/O scheduler interface (struct elevator_mq_ops, reduced to what the model needs). */
export interface Elevator {
  readonly name: ElevatorName;
  insert(rq: Request, now: number): void;
  /** Next request to hand to the driver, or null (empty, idling, out of tokens). */
  dispatch(now: number): Request | null;
  /** Requests queued in the elevator. */
  readonly queued: number;
  /** A bio may merge into `rq` (bfq: same queue; deadline: front_merges). */
  allowMerge(rq: Request, bio: Bio, front: boolean): boolean;
  /** `rq` grew at its front (its sector changed). */
  merged(rq: Request, front: boolean): void;
  /** Driver finished `rq` (latency feedback, tokens, idling). */
  completed(rq: Request, now: number): void;
  /** Remove and return every queued request (scheduler switch). */
  drain(): Request[];
  readonly tunables: Record<string, Tunable>;
}

/** Parse an unsigned decimal like kstrtoul; EINVAL otherwise. */
export function parseUnsigned(s: string, fail: (detail: string) => never): number {
  const t = s.trim();
  if (!/^\+?\d+$/.test(t)) fail(`expected an unsigned integer, got "${s}"`);
  return Number(t);
}
