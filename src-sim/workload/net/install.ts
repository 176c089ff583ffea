import type { Kernel } from '../../kernel/kernel';
import type { RunSpec } from '../../scenario/types';
import { netrecvBehaviour } from './netrecv';
import { pktgenBehaviour } from './pktgen';
import { forwardBehaviour } from './forward';
import { streamBehaviour } from './stream';
import { assocBehaviour } from './assoc';
import { sendBehaviour } from './send';

export function installNetWorkloads(k: Kernel): void {
  k.registerBehaviour('pktgen', (kk, task, spec) => pktgenBehaviour(kk, task, spec as Extract<RunSpec, { type: 'pktgen' }>));
  k.registerBehaviour('stream', (kk, task, spec) => streamBehaviour(kk, task, spec as Extract<RunSpec, { type: 'stream' }>));
  k.registerBehaviour('assoc', (kk, task, spec) => assocBehaviour(kk, task, spec as Extract<RunSpec, { type: 'assoc' }>));
  k.registerBehaviour('forward', (kk, task, spec) => forwardBehaviour(kk, task, spec as Extract<RunSpec, { type: 'forward' }>));
  k.registerBehaviour('send', (kk, task, spec) => sendBehaviour(kk, task, spec as Extract<RunSpec, { type: 'send' }>));
  k.registerBehaviour('netrecv', (kk, task, spec) => netrecvBehaviour(kk, task, spec as Extract<RunSpec, { type: 'netrecv' }>));
}
