// The Run view's memory blocks: where they lie (from the scenario's machine,
// as the kernel lays them out) and what state each is in, followed from the
// run's SUBSYSTEM=memory uevents the way udev follows them.
import { memoryBlockLayout } from '../../src-sim/api';
import type { EventEntry } from '../../src-main/ipc/contract.ts';
import type { MachineSpec } from './types';

export type BlockState = 'online' | 'offline' | 'absent';

export interface BlockRow {
  id: number;
  node: number;
  sizeBytes: number;
  state: BlockState;
  /** The block holds the node's boot memmap: offlining it fails (EBUSY). */
  memmap: boolean;
}

const DEVPATH = /^\/devices\/system\/memory\/memory(\d+)$/;

/** Every block of the machine, online at boot, then changed by each memory uevent in log order. */
export function memoryBlockRows(machine: MachineSpec, events: readonly EventEntry[]): BlockRow[] {
  const { blocks } = memoryBlockLayout(machine.numa.nodes);
  const rows = blocks.map((b) => ({ id: b.id, node: b.node, sizeBytes: b.pages * 4096, state: 'online' as BlockState, memmap: b.reserved > 0 }));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const e of events) {
    if (e.kind !== 'uevent' || e.fields['SUBSYSTEM'] !== 'memory') continue;
    const m = DEVPATH.exec(String(e.fields['DEVPATH']));
    const row = m ? byId.get(Number(m[1])) : undefined;
    if (!row) continue;
    const a = e.fields['ACTION'];
    if (a === 'online') row.state = 'online';
    else if (a === 'offline' || a === 'add') row.state = 'offline';
    else if (a === 'remove') row.state = 'absent';
  }
  return rows;
}

/** The block's state file, which the buttons write. */
export function blockStatePath(id: number): string {
  return `/sys/devices/system/memory/memory${id}/state`;
}
