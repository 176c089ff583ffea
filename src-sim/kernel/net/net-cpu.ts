/**
 * One CPU's interrupt and softirq context for networking (struct
 * softnet_data plus the CPU's irq/softirq state). Hard interrupts, softirq
 * work at irq exit (__do_softirq → net_rx_action) and the hand-over to
 * ksoftirqd are segments of time on the CPU, each one engine event; a NAPI
 * poll handles up to its weight in one segment. Hardirqs preempt a softirq
 * segment (its remaining time is kept); the task on the CPU is frozen for
 * the whole interrupt context (Scheduler.irqEnter / irqExit).
 */
import type { EventId } from '../../engine/engine';
import type { Chunk } from '../../hw/net/rx-ring';
import type { Task } from '../task';
import type { Napi, RxQueue } from './netdev';
import type { NetStack } from './stack';

const SEG_NONE = 0;
const SEG_HARD = 1;
const SEG_SOFT = 2;
/** The RPS IPI (a CALL_FUNCTION_SINGLE vector) is hard-interrupt time too. */
const SEG_IPI = 3;

/**
 * Cost of the IPI on the CPU it lands on: interrupt entry and exit and
 * rps_trigger_softirq (net/core/dev.c), ns. A round figure for a ~3 GHz core.
 */
export const RPS_IPI_COST_NS = 600;

// kernel/softirq.c: MAX_SOFTIRQ_TIME (2 ms), MAX_SOFTIRQ_RESTART (10)
const MAX_SOFTIRQ_TIME_NS = 2_000_000;
const MAX_SOFTIRQ_RESTART = 10;

/** A NAPI poll in progress: its packets were taken at its start; delivered when it ends. */
interface Poll {
  napi: Napi;
  work: number;
  chunks: Chunk[];
  leftNs: number;
  /** The queue's rps_cpus when the poll began (empty: no RPS). */
  rps: readonly number[];
}

/** net_rx_action's state (budget and time limit), one for irq-exit context and one for ksoftirqd. */
export class NetRxAction {
  active = false;
  budget = 0;
  timeLimit = 0;
  poll: Poll | null = null;
  /** Budget or time limit used up by the last poll (net_rx_action breaks out). */
  exhausted = false;
}

export class NetCpu {
  // softnet_data (net/core/net-procfs.c: softnet_seq_show)
  processed = 0;
  dropped = 0;
  timeSqueeze = 0;
  receivedRps = 0;
  /** The backlog queue (input_pkt_queue) as chunks, and its NAPI. */
  readonly backlog: Chunk[] = [];
  backlogLen = 0;
  readonly backlogNapi: Napi;
  readonly pollList: Napi[] = [];
  /** NET_RX_SOFTIRQ raised and not yet run. */
  netRxRaised = false;
  /** /proc/softirqs NET_RX count (softirq runs on this CPU). */
  netRxRuns = 0;
  /** Hard interrupts taken (for /proc/stat intr). */
  hardirqs = 0;
  /** RPS IPIs taken (/proc/interrupts CAL, part of /proc/stat intr). */
  ipis = 0;
  /** sd->rps_ipi_list: remote CPUs whose backlog this CPU filled, IPI'd when net_rx_action ends. */
  private readonly rpsIpiList: NetCpu[] = [];
  private ipiPending = false;

  private seg = SEG_NONE;
  private segStart = 0;
  private eventId: EventId = 0;
  private readonly hardPending: RxQueue[] = [];
  private curHard: RxQueue | null = null;
  private curHardChunks: Chunk[] = [];
  private curHardN = 0;
  /** __do_softirq in progress at irq exit: when it began, restarts left. */
  private inDoSoftirq = false;
  private doSoftirqStart = 0;
  private restartsLeft = 0;
  private readonly irqCtx = new NetRxAction();
  readonly kCtx = new NetRxAction();
  ksoftirqd: Task | null = null;
  /** ksoftirqd woken and not yet done: irq exit leaves NET_RX to it. */
  ksoftirqdAwake = false;
  private readonly endFn: (now: number) => void;

  constructor(
    readonly cpu: number,
    private readonly net: NetStack,
  ) {
    this.backlogNapi = { kind: 'backlog', scheduled: false, queue: null, cpu };
    this.endFn = () => this.segmentEnd();
  }

  get inIrq(): boolean {
    return this.seg !== SEG_NONE;
  }

  // ------------------------------------------------------------ hard interrupts

  /** A queue's interrupt fires on this CPU. */
  hardirq(q: RxQueue): void {
    if (this.seg === SEG_HARD || this.seg === SEG_IPI) {
      if (this.curHard !== q && !this.hardPending.includes(q)) this.hardPending.push(q);
      return;
    }
    if (this.seg === SEG_SOFT) this.preemptSoft();
    this.startHard(q);
  }

  private startHard(q: RxQueue): void {
    const now = this.net.k.now;
    const dev = q.dev;
    let dur = dev.spec.irqCostNs;
    let irqs = 1;
    this.curHard = q;
    this.curHardN = 0;
    this.curHardChunks = [];
    if (this.net.perPacket) {
      // Pre-NAPI: one interrupt per packet, each handler taking its packet off the ring and netif_rx()'ing it.
      // Packets already waiting mean the line stays asserted: their interrupts run back to back, one segment.
      q.ring.sync(now);
      this.curHardN = q.ring.take(q.ring.occ, this.curHardChunks);
      irqs = Math.max(1, this.curHardN);
      dur = irqs * dev.spec.irqCostNs + this.curHardN * dev.spec.rxCostNs;
    }
    q.irqCount[this.cpu]! += irqs;
    this.hardirqs += irqs;
    this.begin(SEG_HARD, now, dur);
  }

  private endHard(): void {
    const q = this.curHard!;
    this.curHard = null;
    const now = this.net.k.now;
    if (this.net.perPacket) {
      this.net.countRx(q.dev, this.curHardChunks);
      // netif_rx → enqueue_to_backlog on the CPU RPS picks (this one without RPS)
      if (q.rpsCpus.length) this.net.steer(this, q, this.curHardChunks, q.rpsCpus, false);
      else for (const c of this.curHardChunks) this.enqueueBacklog(c, q);
      this.curHardChunks = [];
      // the NIC asserts the interrupt again if more arrived meanwhile
      q.irqEnabled = true;
      this.net.armIrq(q, now);
    } else {
      // napi_schedule: the queue's interrupt stays off until the poll completes
      q.irqEnabled = false;
      this.napiSchedule(q.napi);
    }
  }

  /**
   * enqueue_to_backlog: at most netdev_max_backlog packets wait; the rest are
   * dropped. `from` is the CPU that queues them (RPS); a remote one schedules
   * this CPU's backlog NAPI by IPI (napi_schedule_rps → rps_ipi_queued).
   */
  enqueueBacklog(c: Chunk, q: RxQueue, from: NetCpu = this): void {
    const room = this.net.sysctl.netdevMaxBacklog + 1 - this.backlogLen;
    const acc = Math.max(0, Math.min(room, c.n));
    if (acc > 0) {
      this.backlog.push(acc === c.n ? c : { src: c.src, n: acc, merged: c.merged });
      this.backlogLen += acc;
      if (from === this) this.napiSchedule(this.backlogNapi);
      else if (!this.backlogNapi.scheduled) {
        this.backlogNapi.scheduled = true;
        if (!from.rpsIpiList.includes(this)) from.rpsIpiList.push(this);
        // outside net_rx_action (the per-packet path's hard interrupt) NET_RX is raised to send the IPI
        from.netRxRaised = true;
      }
    }
    const drop = c.n - acc;
    if (drop > 0) {
      this.dropped += drop;
      q.dev.stats.rxDropped += drop;
    }
  }

  napiSchedule(n: Napi): void {
    if (!n.scheduled) {
      n.scheduled = true;
      this.pollList.push(n);
    }
    this.netRxRaised = true;
  }

  /** net_rps_action_and_irq_enable: one IPI to each CPU on rps_ipi_list. */
  sendRpsIpis(): void {
    if (this.rpsIpiList.length === 0) return;
    const engine = this.net.k.engine;
    for (const target of this.rpsIpiList.splice(0)) engine.schedule(this.net.k.now, () => target.ipi());
  }

  /** The RPS IPI arrives (delivery latency not modelled; its cost is RPS_IPI_COST_NS here). */
  private ipi(): void {
    if (this.seg === SEG_HARD || this.seg === SEG_IPI) {
      this.ipiPending = true;
      return;
    }
    if (this.seg === SEG_SOFT) this.preemptSoft();
    this.startIpi();
  }

  private startIpi(): void {
    this.ipiPending = false;
    this.ipis++;
    this.begin(SEG_IPI, this.net.k.now, RPS_IPI_COST_NS);
  }

  /** rps_trigger_softirq: the backlog NAPI onto this CPU's poll list, NET_RX raised. */
  private endIpi(): void {
    this.receivedRps++;
    if (!this.pollList.includes(this.backlogNapi)) this.pollList.push(this.backlogNapi);
    this.backlogNapi.scheduled = true;
    this.netRxRaised = true;
  }

  // ------------------------------------------------------------ segments

  private begin(seg: number, now: number, dur: number): void {
    this.seg = seg;
    this.segStart = now;
    const end = now + Math.max(1, Math.round(dur));
    this.net.sched.irqEnter(this.cpu, end, seg === SEG_SOFT);
    this.eventId = this.net.k.engine.schedule(end, this.endFn);
  }

  private preemptSoft(): void {
    const p = this.irqCtx.poll!;
    p.leftNs -= this.net.k.now - this.segStart;
    this.net.k.engine.cancel(this.eventId);
    this.eventId = 0;
  }

  private segmentEnd(): void {
    this.eventId = 0;
    if (this.seg === SEG_HARD) this.endHard();
    else if (this.seg === SEG_IPI) this.endIpi();
    else if (this.seg === SEG_SOFT) {
      const p = this.irqCtx.poll!;
      this.irqCtx.poll = null;
      this.net.finishPoll(this, this.irqCtx, p.napi, p.work, p.chunks, p.rps);
    }
    this.next();
  }

  /** What the CPU does next in interrupt context, or return to the task. */
  private next(): void {
    const now = this.net.k.now;
    if (this.hardPending.length) {
      this.startHard(this.hardPending.shift()!);
      return;
    }
    if (this.ipiPending) {
      this.startIpi();
      return;
    }
    const ctx = this.irqCtx;
    if (ctx.poll) {
      this.begin(SEG_SOFT, now, ctx.poll.leftNs);
      return;
    }
    if (!ctx.active && this.netRxRaised && !this.ksoftirqdAwake) {
      // invoke_softirq → __do_softirq (a new one, or a restart of the one in progress)
      if (!this.inDoSoftirq) {
        this.inDoSoftirq = true;
        this.doSoftirqStart = now;
        this.restartsLeft = MAX_SOFTIRQ_RESTART;
      }
      this.startNetRx(ctx, now);
    }
    if (ctx.active) {
      const p = this.net.nextPoll(this, ctx, now);
      if (p) {
        ctx.poll = p;
        this.begin(SEG_SOFT, now, p.leftNs);
        return;
      }
      // net_rx_action returned; __do_softirq restarts while within 2 ms and 10 rounds, else ksoftirqd
      if (this.netRxRaised) {
        if (now - this.doSoftirqStart < MAX_SOFTIRQ_TIME_NS && --this.restartsLeft > 0) {
          this.next();
          return;
        }
        this.wakeKsoftirqd();
      }
    }
    this.inDoSoftirq = false;
    this.seg = SEG_NONE;
    this.net.sched.irqExit(this.cpu);
  }

  startNetRx(ctx: NetRxAction, now: number): void {
    this.netRxRaised = false;
    this.netRxRuns++;
    ctx.active = true;
    ctx.budget = this.net.sysctl.netdevBudget;
    ctx.timeLimit = now + this.net.sysctl.netdevBudgetUsecs * 1000;
  }

  wakeKsoftirqd(): void {
    if (this.ksoftirqdAwake || !this.ksoftirqd) return;
    this.ksoftirqdAwake = true;
    this.net.k.sched.wake(this.ksoftirqd);
  }

  /** Take up to `k` packets off the backlog (process_backlog). */
  takeBacklog(k: number, out: Chunk[]): number {
    let left = k;
    while (left > 0 && this.backlog.length) {
      const c = this.backlog[0]!;
      if (c.n <= left) {
        out.push(c);
        left -= c.n;
        this.backlog.shift();
      } else {
        out.push({ src: c.src, n: left });
        c.n -= left;
        left = 0;
      }
    }
    const n = k - left;
    this.backlogLen -= n;
    return n;
  }
}
