/**
 * The forward run type: a router's forwarding rule. While the task lives,
 * packets to `port` are routed out of `to` in softirq context at `cost` per
 * packet (ip_forward, dev_queue_xmit, the driver's transmit) instead of
 * going to a socket. Like `ip route add` plus net.ipv4.ip_forward=1: the
 * work is the kernel's, so the task itself uses no CPU (it blocks at once).
 */
import type { Kernel } from '../../kernel/kernel';
import { netOf } from '../../kernel/net/install';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';

type ForwardSpec = Extract<RunSpec, { type: 'forward' }>;

export function forwardBehaviour(k: Kernel, task: Task, spec: ForwardSpec): Behaviour {
  const net = netOf(k);
  const to = net?.device(spec.to);
  // The loader refuses an undeclared NIC; one unplugged before the task starts ends it.
  if (!net || !to) return { next: () => ({ kind: 'exit' }) };
  const route = { to, costNs: spec.costNs, forwarded: 0 };
  k.vfs.register(`/sys/kernel/debug/kernel-lab/net/forward/${task.name}`, {
    read: () => `packets ${route.forwarded}\n`,
    observable: true,
  });
  const block: Step = { kind: 'block' };
  let installed = false;
  return {
    next: () => {
      if (!installed) {
        installed = true;
        net.routes.set(spec.port, route);
      }
      return block;
    },
    onExit: () => {
      if (net.routes.get(spec.port) === route) net.routes.delete(spec.port);
    },
  };
}
