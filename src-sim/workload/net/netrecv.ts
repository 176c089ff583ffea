/**
 * The netrecv run type: a UDP socket reader bound to a port. Each wake-up it
 * reads up to `batch` packets (recvmmsg) at `cost` CPU each, and blocks in
 * recvmsg when the socket is empty. Its counters are in
 * /sys/kernel/debug/kernel-lab/net/recv/<task>.
 */
import type { Kernel } from '../../kernel/kernel';
import { netOf } from '../../kernel/net/install';
import type { Behaviour, Step, Task } from '../../kernel/task';
import type { RunSpec } from '../../scenario/types';
import type { UdpSocket } from '../../kernel/net/socket';

type NetrecvSpec = Extract<RunSpec, { type: 'netrecv' }>;

class NetrecvBehaviour implements Behaviour {
  private inflight = 0;
  private inflightBytes = 0;
  private readonly step = { kind: 'cpu' as const, ns: 0 };
  private readonly block: Step = { kind: 'block' };

  constructor(
    private readonly sock: UdpSocket,
    private readonly costNs: number,
    private readonly batch: number,
  ) {}

  next(task: Task): Step {
    const s = this.sock;
    if (this.inflight > 0) {
      s.consumed += this.inflight;
      s.consumedBytes += this.inflightBytes;
      this.inflight = 0;
      this.inflightBytes = 0;
    }
    if (s.queued === 0) {
      s.waiter = task;
      return this.block;
    }
    const n = Math.min(this.batch, s.queued);
    const bytes = Math.round((s.queuedBytes * n) / s.queued);
    s.queued -= n;
    s.queuedBytes -= bytes;
    this.inflight = n;
    this.inflightBytes = bytes;
    this.step.ns = n * this.costNs;
    return this.step;
  }
}

export function netrecvBehaviour(k: Kernel, task: Task, spec: NetrecvSpec): Behaviour {
  const net = netOf(k);
  if (!net) return k.engine.fail('workload', `task ${task.name}: netrecv needs a machine with NICs (machine.nics)`);
  const sock = net.bind(spec.port, task, spec.rcvbufBytes);
  k.vfs.register(`/sys/kernel/debug/kernel-lab/net/recv/${task.name}`, {
    read: () => `packets ${sock.consumed}\nreceived ${sock.received}\ndrops ${sock.drops}\nqueued ${sock.queued}\n`,
    observable: true,
  });
  const b = new NetrecvBehaviour(sock, spec.costNs, spec.batch);
  return {
    next: (t) => b.next(t),
    onExit: () => net.unbind(sock),
  };
}
