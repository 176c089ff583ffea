/**
 * The pktgen run type: a constant-rate packet stream arriving at a NIC, as
 * the link partner's pktgen (`ratep`) would send it. The task stands for the
 * sender: it uses no CPU here (it blocks at once). /proc/net/pktgen/<nic>
 * takes pktgen's own commands (`ratep N`, `rate N` in Mb/s, `pkt_size N`).
 */
import type { Kernel } from '../../kernel/kernel';
import { netOf } from '../../kernel/net/install';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';
import { fail } from '../../vfs/errors';

type PktgenSpec = Extract<RunSpec, { type: 'pktgen' }>;

export function pktgenBehaviour(k: Kernel, _task: Task, spec: PktgenSpec): Behaviour {
  const net = netOf(k);
  if (!net) return { next: () => ({ kind: 'exit' }) };
  // Looked up when the task starts (a NIC plugged in the timeline before the task's start: is there by then).
  // The loader refuses an unknown NIC; one absent when the task starts ends it like a failed bind.
  let dev = net.device(spec.nic);
  let id = 0;
  let rate = spec.ratePerSec;
  let size = spec.sizeBytes;
  let path = `/proc/net/pktgen/${spec.nic}`;
  for (let n = 1; k.vfs.exists(path); n++) path = `/proc/net/pktgen/${spec.nic}@${n}`;
  const sent = (): number => {
    let s = 0;
    if (!dev) return 0;
    const src = dev.sources.find((x) => x.id === id);
    for (const q of dev.queues) q.ring.sync(k.now);
    if (src) for (const rs of src.perQueue) s += rs.missed;
    return s;
  };
  // net/core/pktgen.c: pktgen_if_show (the fields modelled) / pktgen_if_write
  k.vfs.register(path, {
    read: () =>
      `Params: count 0  min_pkt_size: ${size}  max_pkt_size: ${size}\n` +
      `     frags: 0  delay: ${rate > 0 ? Math.round(1e9 / rate) : 0}  clone_skb: 0  ifname: ${spec.nic}\n` +
      `     flows: ${spec.flows} flowlen: 0\n` +
      `     udp_dst_min: ${spec.port}  udp_dst_max: ${spec.port}\n` +
      `Current:\n     ratep: ${Math.round(rate)}  missed_at_nic: ${sent()}\n`,
    write: (v) => {
      const m = /^\s*(ratep|rate|pkt_size)\s+(\d+)\s*$/.exec(v);
      if (!m) fail('EINVAL', `No such parameter: expected "ratep N", "rate N" (Mb/s) or "pkt_size N", got ${JSON.stringify(v)}`);
      const n = Number(m[2]);
      if (m[1] === 'pkt_size') {
        if (n < 60 || n > 1514) fail('EINVAL', `pkt_size must be 60..1514, got ${n}`);
        size = n;
      } else if (n === 0) return; // pktgen ignores a zero rate
      else rate = m[1] === 'ratep' ? n : (n * 1e6) / (8 * (size + 24));
      if (id && dev) net.setSourceRate(dev, id, rate, size);
    },
  });
  const block: Step = { kind: 'block' };
  return {
    next: () => {
      if (!id) {
        dev = net.device(spec.nic);
        if (!dev) return { kind: 'exit' };
        id = net.addSource(dev, rate, size, spec.flows, spec.port, spec.proto);
      }
      return block;
    },
    onExit: () => {
      if (id && dev) net.removeSource(dev, id);
      k.vfs.unregister(path);
    },
  };
}
