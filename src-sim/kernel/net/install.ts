import type { Kernel } from '../kernel';
import { schedulerOf } from '../sched/install';
import { createTask } from '../task-factory';
import { installNetWorkloads } from '../../workload/net/install';
import { registerNetFiles } from './files';
import { installNetHotplug } from './hotplug';
import { KsoftirqdBehaviour, NetStack } from './stack';

const stacks = new WeakMap<Kernel, NetStack>();

/** The network stack of a kernel, or null when the machine has no NICs (and no kernel.net). */
export function netOf(k: Kernel): NetStack | null {
  return stacks.get(k) ?? null;
}

/**
 * Install the network stack: the pktgen and netrecv run types always (so
 * validation knows them); devices, ksoftirqd threads and the files only on a
 * machine with NICs or a kernel.net section — a machine without a network
 * has no network files at all (README: Scope and limitations).
 */
export function installNet(k: Kernel): void {
  installNetWorkloads(k);
  const s = k.scenario;
  if (!s.machine.nics?.length && !s.kernel.net && !s.timeline.some((a) => a.kind === 'plug_nic')) return;
  const net = new NetStack(k, schedulerOf(k));
  stacks.set(k, net);
  for (const spec of s.machine.nics ?? []) net.addDevice({ ...spec, irqCpus: [...spec.irqCpus] });
  registerNetFiles(net);
  installNetHotplug(net);
  // kernel/softirq.c: spawn_ksoftirqd — one per CPU, SCHED_OTHER nice 0, bound to its CPU
  const root = k.cgroups.root;
  for (const nc of net.cpus) {
    const t = createTask(
      k,
      { name: `ksoftirqd/${nc.cpu}`, cgroup: root, nice: 0, policy: 'SCHED_OTHER', rtPriority: 0, affinity: [nc.cpu], oomScoreAdj: 0, sliceNs: 0 },
      () => new KsoftirqdBehaviour(net, nc),
    );
    t.cputime = 'softirq';
    nc.ksoftirqd = t;
    // Asleep until irq exit hands it work (the first wake forks it onto its CPU).
  }
  for (const nc of net.cpus) k.sched.fork(nc.ksoftirqd!);
}
