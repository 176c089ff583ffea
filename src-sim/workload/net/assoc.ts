/**
 * The assoc run type: an SCTP-like multi-homed association from the link
 * partner, sending `rate` packets/s to `port` over its primary path (the
 * first NIC of `paths`). When that NIC disappears the sender keeps sending
 * into the dead path until it declares it failed `failover` later
 * (path.max.retrans × RTO in SCTP), then moves to the next present path:
 * what it sent meanwhile is lost. The association stays on the alternate
 * path when the primary comes back. The task stands for the sender.
 * /sys/kernel/debug/kernel-lab/net/assoc/<task>: delivered, lost,
 * failovers, active path index.
 */
import type { Kernel } from '../../kernel/kernel';
import { netOf } from '../../kernel/net/install';
import type { NetDevice } from '../../kernel/net/netdev';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';

type AssocSpec = Extract<RunSpec, { type: 'assoc' }>;

export function assocBehaviour(k: Kernel, task: Task, spec: AssocSpec): Behaviour {
  const net = netOf(k);
  if (!net) return { next: () => ({ kind: 'exit' }) };
  const paths = spec.paths.map((p) => net.devices.find((d) => d.name === p)).filter((d): d is NetDevice => d !== undefined);
  let active = -1;
  let sourceId = 0;
  let lost = 0;
  let failovers = 0;
  let downSince = -1;
  const delivered = (): number => {
    let n = 0;
    for (const d of paths) for (const s of d.sources) if (s.port === spec.port) for (const rs of s.perQueue) n += rs.delivered;
    return n;
  };
  k.vfs.register(`/sys/kernel/debug/kernel-lab/net/assoc/${task.name}`, {
    read: () => `delivered ${delivered()}\nlost ${Math.round(lost)}\nfailovers ${failovers}\nactive_path ${active}\n`,
    observable: true,
  });
  const start = (i: number): void => {
    active = i;
    sourceId = net.addSource(paths[i]!, spec.ratePerSec, spec.sizeBytes, 1, spec.port, 'udp');
  };
  const failover = (now: number): void => {
    const from = active;
    const next = paths.findIndex((d, i) => i !== from && d.present);
    // everything sent into the dead path while the sender still believed in it
    lost += (spec.ratePerSec * (now - downSince)) / 1e9;
    downSince = -1;
    if (next < 0) {
      k.log.add(now, 'net_error', { task: task.name, errno: 'ENETUNREACH', message: 'association lost: no path left' });
      active = -1;
      return;
    }
    failovers++;
    start(next);
    k.log.add(now, 'assoc_failover', { task: task.name, from: paths[from]!.name, to: paths[next]!.name, delay_ms: spec.failoverNs / 1e6 });
  };
  net.removeListeners.push((d) => {
    if (active < 0 || paths[active] !== d) return;
    net.removeSource(d, sourceId);
    downSince = k.now;
    k.engine.schedule(k.now + spec.failoverNs, failover);
  });
  const block: Step = { kind: 'block' };
  return {
    next: () => {
      if (active < 0 && downSince < 0 && paths[0]?.present) start(0);
      return block;
    },
  };
}
