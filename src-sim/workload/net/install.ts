import type { Kernel } from '../../kernel/kernel';
import type { RunSpec } from '../../scenario/types';
import { netrecvBehaviour } from './netrecv';
import { pktgenBehaviour } from './pktgen';
import { forwardBehaviour } from './forward';

export function installNetWorkloads(k: Kernel): void {
  k.registerBehaviour('pktgen', (kk, task, spec) => pktgenBehaviour(kk, task, spec as Extract<RunSpec, { type: 'pktgen' }>));
  k.registerBehaviour('forward', (kk, task, spec) => forwardBehaviour(kk, task, spec as Extract<RunSpec, { type: 'forward' }>));
  k.registerBehaviour('netrecv', (kk, task, spec) => netrecvBehaviour(kk, task, spec as Extract<RunSpec, { type: 'netrecv' }>));
}
