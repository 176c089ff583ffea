/**
 * The receive side of the network stack: devices and their queues, the
 * per-CPU softnet state, NAPI polling and the backlog, GRO, delivery to UDP
 * sockets, and the net.core sysctls. src-sim/kernel/net/README.md.
 */
import type { Chunk, RingSource } from '../../hw/net/rx-ring';
import type { NicSpec } from '../../scenario/types';
import type { Kernel } from '../kernel';
import type { Scheduler } from '../sched/core';
import type { Behaviour, Step, Task } from '../task';
import { NetCpu, type NetRxAction } from './net-cpu';
import { flowHash, NetDevice, rpsCpu, rssQueue, type Napi, type RxQueue } from './netdev';
import { truesize, UdpSocket } from './socket';
import { DEFAULT_STACK_COST_NS } from '../../scenario/resolve';

// include/linux/netdevice.h: NAPI_POLL_WEIGHT
export const NAPI_POLL_WEIGHT = 64;
// include/net/gro.h: MAX_GRO_SKBS (flows held per NAPI), GRO_MAX_SIZE 64 KiB
const MAX_GRO_SKBS = 8;
const GRO_MAX_SIZE = 65536;
/** Headers of a TCP/IPv4 frame (Ethernet 14 + IP 20 + TCP 20 + timestamps 12). */
const TCP_HEADERS = 66;
/** dev_gro_receive's per-segment cost (flow match, merge into the frag list), ns. */
const GRO_SEGMENT_COST_NS = 60;
/**
 * RPS on the polling CPU, per skb: get_rps_cpu's flow lookup and
 * enqueue_to_backlog's append to the target CPU's input_pkt_queue
 * (net/core/dev.c), ns. A round figure, like the driver costs.
 */
const RPS_ENQUEUE_COST_NS = 100;
/** First IRQ number of the NICs' MSI-X vectors (below are the legacy ones). */
const FIRST_NIC_IRQ = 24;

export interface NetSysctl {
  netdevBudget: number;
  netdevBudgetUsecs: number;
  netdevMaxBacklog: number;
  devWeight: number;
  rmemDefault: number;
  rmemMax: number;
}

/** Udp lines of /proc/net/snmp (the counters modelled). */
export class UdpMib {
  inDatagrams = 0;
  noPorts = 0;
  inErrors = 0;
  rcvbufErrors = 0;
}

export class NetStack {
  readonly cpus: NetCpu[] = [];
  readonly devices: NetDevice[] = [];
  readonly sockets = new Map<number, UdpSocket[]>();
  /** Forwarding rules: UDP port → egress device and softirq cost per packet. */
  readonly routes = new Map<number, { to: NetDevice; costNs: number; forwarded: number }>();
  readonly udp = new UdpMib();
  readonly perPacket: boolean;
  readonly stackCostNs: number;
  readonly sysctl: NetSysctl;
  /** Called when a NIC is removed / comes back (multi-homed associations watch their paths). */
  readonly removeListeners: ((d: NetDevice) => void)[] = [];
  readonly addListeners: ((d: NetDevice) => void)[] = [];
  private nextIrq = FIRST_NIC_IRQ;
  private nextIfindex = 2;
  private nextSourceId = 1;

  constructor(
    readonly k: Kernel,
    readonly sched: Scheduler,
  ) {
    const net = k.scenario.kernel.net;
    this.perPacket = net?.rxMode === 'per-packet';
    this.stackCostNs = net?.stackCostNs ?? DEFAULT_STACK_COST_NS;
    this.sysctl = {
      netdevBudget: 300,
      // net/core/dev.c: netdev_budget_usecs = 2 * USEC_PER_SEC / HZ
      netdevBudgetUsecs: Math.floor(2_000_000 / k.scenario.kernel.hz),
      netdevMaxBacklog: 1000,
      devWeight: 64,
      // net/core/sock.c: SK_RMEM_MAX / sysctl_rmem_default (212992 on 64-bit)
      rmemDefault: 212992,
      rmemMax: 212992,
    };
    for (let c = 0; c < sched.nrCpus; c++) this.cpus.push(new NetCpu(c, this));
    sched.irqCounts = () => {
      let intr = 0;
      let netRx = 0;
      for (const c of this.cpus) {
        intr += c.hardirqs + c.ipis;
        netRx += c.netRxRuns;
      }
      // HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET SCHED HRTIMER RCU
      return { intr, softirqs: [0, 0, 0, netRx, 0, 0, 0, 0, 0, 0] };
    };
  }

  addDevice(spec: NicSpec): NetDevice {
    const dev = new NetDevice(spec, spec.name, this.nextIfindex++, this.nextIrq, this.sched.nrCpus);
    this.nextIrq += spec.queues;
    this.devices.push(dev);
    return dev;
  }

  device(name: string): NetDevice | undefined {
    return this.devices.find((d) => d.name === name && d.present);
  }

  // ------------------------------------------------------------ traffic

  /** A pktgen stream arriving at `dev` (sent by the link partner). Returns its id. */
  addSource(dev: NetDevice, rate: number, size: number, flows: number, port: number, proto: 'udp' | 'tcp'): number {
    const perQueue: RingSource[] = [];
    const ids: number[][] = dev.queues.map(() => []);
    for (let f = 0; f < flows; f++) ids[rssQueue(port, f, dev.queues.length)]!.push(f);
    const counts = ids.map((x) => x.length);
    dev.queues.forEach((q, i) => {
      const rs: RingSource = { ratePerSec: 0, sizeBytes: size, flows: counts[i]!, flowIds: ids[i]!, proto, port, inRing: 0, carry: 0, missed: 0, delivered: 0, arrived: 0 };
      perQueue.push(rs);
      if (counts[i]! > 0) q.ring.sources.push(rs);
    });
    const id = this.nextSourceId++;
    dev.sources.push({ id, rate, size, flows, port, proto, perQueue });
    this.retune(dev);
    return id;
  }

  setSourceRate(dev: NetDevice, id: number, rate: number, size?: number): void {
    const s = dev.sources.find((x) => x.id === id);
    if (!s || (s.rate === rate && size === undefined)) return;
    s.rate = rate;
    if (size !== undefined) {
      s.size = size;
      for (const rs of s.perQueue) rs.sizeBytes = size;
    }
    this.retune(dev);
  }

  removeSource(dev: NetDevice, id: number): void {
    const i = dev.sources.findIndex((x) => x.id === id);
    if (i < 0) return;
    const s = dev.sources[i]!;
    s.rate = 0;
    this.retune(dev);
  }

  retuneDevice(dev: NetDevice): void {
    this.retune(dev);
  }

  /** Recompute every queue's arrival rate (the wire caps the sum at line rate; a removed NIC receives nothing). */
  private retune(dev: NetDevice): void {
    const now = this.k.now;
    for (const s of dev.sources) {
      for (const rs of s.perQueue) rs.ratePerSec = (s.rate * rs.flows) / s.flows;
    }
    const size = dev.sources.reduce((m, s) => Math.max(m, s.size), 60);
    for (const q of dev.queues) {
      q.ring.retune(now, dev.present ? dev.lineRate(size) : 0);
      if (q.irqEnabled) this.armIrq(q, now, true);
    }
  }

  /**
   * Program the queue's interrupt: rx-usecs after the first packet, or at the
   * rx-frames-th packet, whichever is first (ethtool -C semantics).
   */
  armIrq(q: RxQueue, now: number, force = false): void {
    if (!q.irqEnabled || !q.dev.present) return;
    const ring = q.ring;
    ring.sync(now);
    const spec = q.dev.spec;
    const delay = spec.rxUsecs * 1000;
    let at: number;
    if (ring.occ > 0) at = spec.rxFrames > 0 && ring.occ >= spec.rxFrames ? now : now + delay;
    else {
      at = ring.arrivalTime(now, 1) + delay;
      if (spec.rxFrames > 1) at = Math.min(at, ring.arrivalTime(now, spec.rxFrames));
    }
    if (at === q.irqAt && q.irqEvent && !force) return;
    const engine = this.k.engine;
    if (q.irqEvent) engine.cancel(q.irqEvent);
    q.irqEvent = 0;
    q.irqAt = at;
    if (at === Infinity) return;
    q.irqEvent = engine.schedule(at, () => {
      q.irqEvent = 0;
      q.irqAt = Infinity;
      if (!q.irqEnabled || !q.dev.present) return;
      this.cpus[q.cpu]!.hardirq(q);
    });
  }

  // ------------------------------------------------------------ NAPI

  private weightOf(n: Napi): number {
    return n.kind === 'dev' ? NAPI_POLL_WEIGHT : this.sysctl.devWeight;
  }

  /**
   * net_rx_action's loop: the next poll to run, or null when the action is
   * over (list empty, or budget / time limit used up: time_squeeze).
   */
  nextPoll(nc: NetCpu, ctx: NetRxAction, now: number): { napi: Napi; work: number; chunks: Chunk[]; leftNs: number; rps: readonly number[] } | null {
    for (;;) {
      if (nc.pollList.length === 0 || ctx.exhausted) {
        ctx.active = false;
        ctx.exhausted = false;
        if (nc.pollList.length) nc.netRxRaised = true;
        // net_rps_action_and_irq_enable: the IPIs to the CPUs RPS queued packets to
        nc.sendRpsIpis();
        return null;
      }
      const napi = nc.pollList[0]!;
      const weight = this.weightOf(napi);
      const chunks: Chunk[] = [];
      let work: number;
      let cost: number;
      let rps: readonly number[] = NO_RPS;
      if (napi.kind === 'dev') {
        const q = napi.queue!;
        q.ring.sync(now);
        work = q.ring.take(weight, chunks);
        const gro = q.dev.gro;
        const skbs = gro ? groSkbs(chunks) : work;
        rps = q.rpsCpus;
        // With RPS the protocol work (and forwarding) is the target CPU's, in its process_backlog.
        const above = rps.length ? skbs * RPS_ENQUEUE_COST_NS : skbs * this.stackCostNs + this.forwardCost(chunks, gro);
        cost = work * (q.dev.spec.rxCostNs + (gro ? GRO_SEGMENT_COST_NS : 0)) + above;
      } else {
        work = nc.takeBacklog(weight, chunks);
        cost = backlogSkbs(chunks) * this.stackCostNs + this.forwardCost(chunks, false);
      }
      if (work === 0) {
        this.napiComplete(nc, napi, now);
        continue;
      }
      return { napi, work, chunks, leftNs: cost, rps };
    }
  }

  private forwardCost(chunks: Chunk[], gro: boolean): number {
    if (this.routes.size === 0) return 0;
    let ns = 0;
    for (const c of chunks) {
      const r = this.routes.get(c.src.port);
      if (r) ns += (gro || c.merged ? groSkbsOf(c) : c.n) * r.costNs;
    }
    return ns;
  }

  /** A poll is over: deliver its packets, complete or requeue its NAPI, charge the budget. */
  finishPoll(nc: NetCpu, ctx: NetRxAction, napi: Napi, work: number, chunks: Chunk[], rps: readonly number[]): void {
    const now = this.k.now;
    if (napi.kind === 'dev') {
      const q = napi.queue!;
      this.countRx(q.dev, chunks);
      if (rps.length) this.steer(nc, q, chunks, rps, q.dev.gro);
      else nc.processed += this.deliver(chunks, q.dev.gro);
    } else nc.processed += this.deliver(chunks, false);
    ctx.budget -= work;
    const weight = this.weightOf(napi);
    const i = nc.pollList.indexOf(napi);
    if (work < weight && (napi.kind === 'dev' || nc.backlogLen === 0)) {
      if (i >= 0) this.napiComplete(nc, napi, now);
    } else if (i >= 0) {
      // repoll: to the tail of the list
      nc.pollList.splice(i, 1);
      nc.pollList.push(napi);
    }
    if (ctx.budget <= 0 || now >= ctx.timeLimit) {
      nc.timeSqueeze++;
      ctx.exhausted = true;
    }
  }

  /**
   * RPS (net/core/dev.c: netif_receive_skb_internal → get_rps_cpu →
   * enqueue_to_backlog): each flow's packets go to the backlog of the CPU its
   * hash picks from rps_cpus; a remote CPU's backlog NAPI is scheduled by an
   * IPI sent when this net_rx_action ends. An offline target is replaced by
   * this CPU (the kernel then processes the packet here without the backlog).
   */
  steer(nc: NetCpu, q: RxQueue, chunks: Chunk[], rps: readonly number[], gro: boolean): void {
    for (const c of chunks) {
      const ids = c.src.flowIds;
      const flows = ids.length;
      const base = Math.floor(c.n / flows);
      let extra = c.n - base * flows;
      const per = new Map<number, number>();
      for (const f of ids) {
        const m = base + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        if (m === 0) continue;
        let cpu = rpsCpu(flowHash(c.src.port, f), rps);
        if (!this.sched.rqs[cpu]?.online) cpu = nc.cpu;
        per.set(cpu, (per.get(cpu) ?? 0) + m);
      }
      for (const [cpu, m] of per) this.cpus[cpu]!.enqueueBacklog({ src: c.src, n: m, merged: gro && c.src.proto === 'tcp' }, q, nc);
    }
  }

  /** napi_complete_done: off the poll list; a device queue's interrupt is enabled again. */
  private napiComplete(nc: NetCpu, napi: Napi, now: number): void {
    const i = nc.pollList.indexOf(napi);
    if (i >= 0) nc.pollList.splice(i, 1);
    napi.scheduled = false;
    if (napi.kind === 'dev') {
      const q = napi.queue!;
      q.irqEnabled = true;
      this.armIrq(q, now);
    }
  }

  countRx(dev: { stats: { rxPackets: number; rxBytes: number } }, chunks: Chunk[]): void {
    for (const c of chunks) {
      dev.stats.rxPackets += c.n;
      dev.stats.rxBytes += c.n * c.src.sizeBytes;
    }
  }

  /** Hand packets to the protocol layer (__netif_receive_skb → udp_rcv). Returns skbs processed. */
  private deliver(chunks: Chunk[], gro: boolean): number {
    let processed = 0;
    for (const c of chunks) {
      const skbs = gro || c.merged ? groSkbsOf(c) : c.n;
      processed += skbs;
      c.src.delivered += c.n;
      const route = this.routes.get(c.src.port);
      if (route) {
        // ip_forward → dev_queue_xmit: out of the egress device (GSO splits a GRO packet back into frames)
        route.forwarded += c.n;
        const tx = route.to.stats;
        if (route.to.present) {
          tx.txPackets += c.n;
          tx.txBytes += c.n * c.src.sizeBytes;
        } else tx.txDropped += c.n;
        continue;
      }
      const socks = this.sockets.get(c.src.port);
      if (!socks?.length) {
        this.udp.noPorts += skbs;
        this.udp.inErrors += 0;
        continue;
      }
      const per = Math.floor(skbs / socks.length);
      let extra = skbs - per * socks.length;
      const bytes = (c.n * c.src.sizeBytes) / skbs;
      for (const s of socks) {
        const m = per + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        if (m > 0) this.enqueueSocket(s, m, bytes);
      }
    }
    return processed;
  }

  /** __udp_enqueue_schedule_skb: queued while sk_rmem_alloc ≤ sk_rcvbuf, else dropped. */
  private enqueueSocket(s: UdpSocket, n: number, bytesEach: number): void {
    const ts = truesize(bytesEach);
    const room = s.queuedBytes <= s.rcvbuf ? Math.floor((s.rcvbuf - s.queuedBytes) / ts) + 1 : 0;
    const acc = Math.min(n, room);
    if (acc > 0) {
      s.queued += acc;
      s.queuedBytes += acc * ts;
      s.received += acc;
      this.udp.inDatagrams += acc;
      if (s.waiter) {
        const t = s.waiter;
        s.waiter = null;
        this.k.sched.wake(t);
      }
    }
    const drop = n - acc;
    if (drop > 0) {
      s.drops += drop;
      this.udp.rcvbufErrors += drop;
      this.udp.inErrors += drop;
    }
  }

  bind(port: number, owner: Task, rcvbuf: number): UdpSocket {
    const s = new UdpSocket(port, rcvbuf > 0 ? rcvbuf : this.sysctl.rmemDefault, owner);
    const list = this.sockets.get(port) ?? [];
    list.push(s);
    this.sockets.set(port, list);
    return s;
  }

  unbind(s: UdpSocket): void {
    const list = this.sockets.get(s.port);
    if (!list) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
  }
}

/** GRO: segments of one TCP flow merge up to 64 KiB while at most MAX_GRO_SKBS flows are held; UDP is not merged. */
function groSkbsOf(c: Chunk): number {
  const s = c.src;
  if (s.proto !== 'tcp' || s.flows > MAX_GRO_SKBS) return c.n;
  const payload = Math.max(1, s.sizeBytes - TCP_HEADERS);
  const segsPerSkb = Math.max(1, Math.floor(GRO_MAX_SIZE / payload));
  // round-robin flows: each flow gets n/flows segments in this poll, merged, flushed at the poll's end
  const flows = Math.min(s.flows, c.n);
  const base = Math.floor(c.n / flows);
  const extra = c.n - base * flows;
  return extra * Math.ceil((base + 1) / segsPerSkb) + (flows - extra) * Math.ceil(base / segsPerSkb);
}

const NO_RPS: readonly number[] = [];

/** skbs in backlog chunks: frames, or GRO's merged skbs when RPS moved GRO output there. */
function backlogSkbs(chunks: Chunk[]): number {
  let n = 0;
  for (const c of chunks) n += c.merged ? groSkbsOf(c) : c.n;
  return n;
}

function groSkbs(chunks: Chunk[]): number {
  let n = 0;
  for (const c of chunks) n += groSkbsOf(c);
  return n;
}

/**
 * ksoftirqd/N: runs NET_RX when irq exit handed it over (kernel/softirq.c:
 * run_ksoftirqd). One cpu step per NAPI poll, so it competes with user tasks
 * as any SCHED_OTHER task does.
 */
export class KsoftirqdBehaviour implements Behaviour {
  constructor(
    private readonly net: NetStack,
    private readonly nc: NetCpu,
  ) {}

  next(_t: Task, now: number): Step {
    const nc = this.nc;
    const ctx = nc.kCtx;
    if (ctx.poll) {
      const p = ctx.poll;
      ctx.poll = null;
      this.net.finishPoll(nc, ctx, p.napi, p.work, p.chunks, p.rps);
    }
    for (let guard = 0; guard < 100; guard++) {
      if (!ctx.active) {
        if (!nc.netRxRaised) {
          nc.ksoftirqdAwake = false;
          return { kind: 'block' };
        }
        nc.startNetRx(ctx, now);
      }
      const p = this.net.nextPoll(nc, ctx, now);
      if (p) {
        ctx.poll = p;
        return { kind: 'cpu', ns: p.leftNs };
      }
    }
    return this.net.k.engine.fail('net', `ksoftirqd/${nc.cpu}: net_rx_action made no progress`);
  }
}
