import type { Kernel } from '../kernel';

/** lib/kobject_uevent.c: kobject_actions[] */
export type UeventAction = 'add' | 'remove' | 'change' | 'move' | 'online' | 'offline' | 'bind' | 'unbind';

/** The fields every uevent carries; subsystems add their own (MAJOR, MINOR, DEVNAME, …). */
export interface UeventFields {
  ACTION: UeventAction;
  DEVPATH: string;
  SUBSYSTEM: string;
  [extra: string]: string | number;
}

// One SEQNUM sequence per kernel (lib/kobject_uevent.c: uevent_seqnum is global),
// shared by CPU and disk hot-plug. Kept outside Kernel so no core field is needed.
const seqnums = new WeakMap<Kernel, number>();

/**
 * Log a uevent as `udevadm monitor --kernel --property` would show it, with
 * the next SEQNUM (monotonic, starting at 1). Returns the SEQNUM used.
 */
export function emitUevent(k: Kernel, fields: UeventFields): number {
  const seq = (seqnums.get(k) ?? 0) + 1;
  seqnums.set(k, seq);
  k.log.add(k.now, 'uevent', { ...fields, SEQNUM: seq });
  return seq;
}
