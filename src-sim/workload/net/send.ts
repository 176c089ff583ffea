/**
 * The send run type: a local application writing a bulk TCP stream out of a
 * NIC (iperf3 -c from this machine). Each step is one skb built by
 * tcp_sendmsg and pushed down to the driver, paid by the task in process
 * context; what it costs depends on segmentation offload (ethtool -K tso/gso):
 *
 * - TSO on: skbs of up to gso_max_size, one trip through the stack and one
 *   driver descriptor set each; the NIC cuts the segments.
 * - TSO off, GSO on: the same large skbs through TCP/IP, cut into MSS
 *   segments by skb_segment in dev_queue_xmit (validate_xmit_skb), each
 *   segment then costs its own driver transmit.
 * - both off: every skb is one MSS and pays the whole stack.
 *
 * The wire drains at line rate; TCP Small Queues stop the sender while more
 * than tcp_limit_output_bytes wait for the wire. No ACKs, window or loss: the
 * link and the sender's CPU bound the throughput.
 * /sys/kernel/debug/kernel-lab/net/send/<task>: bytes, skbs, segments.
 */
import type { Kernel } from '../../kernel/kernel';
import { netOf } from '../../kernel/net/install';
import type { NetDevice } from '../../kernel/net/netdev';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';
import { WIRE_OVERHEAD_BYTES } from '../../hw/net/nic-types';

type SendSpec = Extract<RunSpec, { type: 'send' }>;

/** MSS on a 1500-byte MTU with TCP timestamps: 1500 − 20 (IP) − 20 (TCP) − 12 (options). */
export const TCP_MSS = 1448;
/** Ethernet + IP + TCP + timestamp headers of each segment on the wire. */
const SEGMENT_HEADERS = 66;
// include/linux/netdevice.h: GSO_LEGACY_MAX_SIZE (the default gso_max_size); net/ipv4/tcp.c:
// tcp_tso_autosize keeps a skb within gso_max_size − MAX_TCP_HEADER (≈ 320 bytes on x86-64).
const GSO_MAX_SIZE = 65536;
const MAX_TCP_HEADER = 320;
export const GSO_MAX_SEGS = Math.floor((GSO_MAX_SIZE - MAX_TCP_HEADER) / TCP_MSS);
// net/ipv4/tcp_ipv4.c: sysctl_tcp_limit_output_bytes (TCP Small Queues), 1 MiB
const TCP_LIMIT_OUTPUT_BYTES = 1 << 20;
/** copy_from_user into the skb's pages, ns per byte (≈ 10 GB/s). */
const COPY_NS_PER_BYTE = 0.1;
/** skb_segment per segment: a new skb head, the headers copied and fixed up (net/core/skbuff.c), ns. */
export const GSO_SEGMENT_COST_NS = 150;

/** CPU and segments of one skb of `segs` MSS segments on `dev` (README: Scope and limitations). */
export function xmitCost(dev: NetDevice, stackNs: number, segs: number): number {
  const copy = segs * TCP_MSS * COPY_NS_PER_BYTE;
  const driver = dev.spec.rxCostNs; // one descriptor set: the driver's per-packet figure
  if (dev.tso) return stackNs + copy + driver;
  return stackNs + copy + segs * ((segs > 1 ? GSO_SEGMENT_COST_NS : 0) + driver);
}

export function sendBehaviour(k: Kernel, task: Task, spec: SendSpec): Behaviour {
  const net = netOf(k);
  if (!net) return { next: () => ({ kind: 'exit' }) };
  const stat = { bytes: 0, skbs: 0, segments: 0 };
  k.vfs.register(`/sys/kernel/debug/kernel-lab/net/send/${task.name}`, {
    read: () => `bytes ${stat.bytes}\nskbs ${stat.skbs}\nsegments ${stat.segments}\n`,
    observable: true,
  });
  let dev: NetDevice | undefined;
  let pending = 0;
  const cpu = { kind: 'cpu' as const, ns: 0 };
  const sleep = { kind: 'sleep' as const, ns: 0 };
  return {
    next: (_t: Task, now: number): Step => {
      dev ??= net.device(spec.nic);
      if (!dev?.present) {
        if (dev) k.log.add(now, 'net_error', { task: task.name, dev: spec.nic, errno: 'ENETUNREACH' });
        return { kind: 'exit' };
      }
      const frame = TCP_MSS + SEGMENT_HEADERS;
      const nsPerFrame = ((frame + WIRE_OVERHEAD_BYTES) * 8 * 1000) / dev.spec.speedMbps;
      if (pending > 0) {
        // the skb built in the last step reaches the driver: its segments queue for the wire
        dev.txBusyUntil = Math.max(dev.txBusyUntil, now) + pending * nsPerFrame;
        dev.stats.txPackets += pending;
        dev.stats.txBytes += pending * frame;
        stat.bytes += pending * TCP_MSS;
        stat.segments += pending;
        stat.skbs++;
        pending = 0;
      }
      // TSQ: wait while more than tcp_limit_output_bytes are queued below the socket
      const queuedNs = dev.txBusyUntil - now;
      const limitNs = (TCP_LIMIT_OUTPUT_BYTES / frame) * nsPerFrame;
      if (queuedNs > limitNs) {
        sleep.ns = Math.ceil(queuedNs - limitNs);
        return sleep;
      }
      const segs = dev.tso || dev.gso ? GSO_MAX_SEGS : 1;
      pending = segs;
      cpu.ns = xmitCost(dev, net.stackCostNs, segs);
      return cpu;
    },
  };
}
