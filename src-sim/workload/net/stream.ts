/**
 * The stream run type: a TCP-like bulk transfer from the link partner into
 * a NIC. One flow of full-size segments; the sender keeps at most
 * min(window, the receiver's free socket buffer) bytes in flight, and the ACK
 * clock (every `rtt`) releases as much as was delivered to the receiver's
 * stack meanwhile, paced over the next round trip. Throughput is therefore
 * bounded by the link, by window/RTT, and by the receiver's CPU (a full
 * socket or a backed-up ring closes the window). No congestion control,
 * loss recovery or delayed ACKs. The task stands for the sender (no CPU here).
 */
import type { Kernel } from '../../kernel/kernel';
import { netOf } from '../../kernel/net/install';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';

type StreamSpec = Extract<RunSpec, { type: 'stream' }>;

export function streamBehaviour(k: Kernel, task: Task, spec: StreamSpec): Behaviour {
  const net = netOf(k);
  const dev = net?.device(spec.nic);
  if (!net || !dev) return { next: () => ({ kind: 'exit' }) };
  let id = 0;
  let stopped = false;
  const frame = spec.sizeBytes;
  const payload = frame - 66;
  const line = dev.lineRate(frame);
  const stat = { segments: 0, windowLimited: 0 };
  k.vfs.register(`/sys/kernel/debug/kernel-lab/net/stream/${task.name}`, {
    read: () => `segments ${inflightInfo().delivered}\nbytes ${inflightInfo().delivered * payload}\nin_flight ${inflightInfo().inflight}\nwindow_limited ${stat.windowLimited}\n`,
    observable: true,
  });
  function inflightInfo(): { inflight: number; delivered: number } {
    const src = dev!.sources.find((x) => x.id === id);
    for (const q of dev!.queues) q.ring.sync(k.now);
    let delivered = 0;
    let out = 0;
    // segments the ring dropped are lost (no retransmission): they leave the flight
    if (src) for (const rs of src.perQueue) {
      delivered += rs.delivered;
      out += rs.arrived - rs.missed - rs.delivered;
    }
    return { inflight: Math.max(0, out), delivered };
  }
  const clock = (now: number): void => {
    if (stopped) return;
    if (!dev.present) {
      // the connection's only path is gone: the sender sees ENETUNREACH and gives up
      k.log.add(now, 'net_error', { task: task.name, dev: dev.name, errno: 'ENETUNREACH' });
      stopped = true;
      return;
    }
    const { inflight } = inflightInfo();
    const socks = net.sockets.get(spec.port);
    const rwnd = socks?.length ? Math.max(0, socks[0]!.rcvbuf - socks[0]!.queuedBytes) : spec.windowBytes;
    const wnd = Math.min(spec.windowBytes, rwnd);
    const allowed = Math.max(0, Math.floor(wnd / payload) - inflight);
    const perRtt = (line * spec.rttNs) / 1e9;
    if (allowed < perRtt) stat.windowLimited++;
    const segs = Math.min(allowed, perRtt);
    const rate = (segs * 1e9) / spec.rttNs;
    net.setSourceRate(dev, id, rate);
    k.engine.schedule(now + spec.rttNs, clock);
  };
  const block: Step = { kind: 'block' };
  return {
    next: () => {
      if (!id) {
        id = net.addSource(dev, 0, frame, 1, spec.port, 'tcp');
        clock(k.now);
      }
      return block;
    },
    onExit: () => {
      stopped = true;
      if (id) net.removeSource(dev, id);
    },
  };
}
