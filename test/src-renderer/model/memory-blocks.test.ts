import { describe, expect, it } from 'vitest';
import type { EventEntry } from '../../../src-main/ipc/contract';
import { blockStatePath, memoryBlockRows } from '../../../src-renderer/model/memory-blocks';
import type { MachineSpec } from '../../../src-renderer/model/types';

const GiB = 2 ** 30;
const machine = (nodes: number[]): MachineSpec => ({
  cpus: nodes.length,
  memoryBytes: nodes.reduce((a, b) => a + b, 0),
  numa: { nodes: nodes.map((m, i) => ({ cpus: [i], memoryBytes: m })), distances: nodes.map((_, i) => nodes.map((__, j) => (i === j ? 10 : 20))) },
  swap: null,
  devices: [],
});
const uevent = (seq: number, action: string, id: number, subsystem = 'memory'): EventEntry => ({
  seq,
  t_ns: seq,
  kind: 'uevent',
  fields: { ACTION: action, DEVPATH: `/devices/system/memory/memory${id}`, SUBSYSTEM: subsystem, SEQNUM: seq },
});

describe('memory block rows of the Run view', () => {
  it('lists the kernel’s blocks: 128 MiB each, node by node (block-aligned), memory0 marked as holding the memmap', () => {
    const rows = memoryBlockRows(machine([GiB + 64 * 2 ** 20, GiB]), []);
    expect(rows.map((r) => `${r.id}@${r.node}`)).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `${i}@0`),
      // node 0's 1088 MiB ends half-way through block 8: node 1 starts at block 9
      ...[9, 10, 11, 12, 13, 14, 15, 16].map((i) => `${i}@1`),
    ]);
    expect(rows[8]!.sizeBytes).toBe(64 * 2 ** 20);
    expect(rows.filter((r) => r.memmap).map((r) => r.id)).toEqual([0, 9]);
    expect(rows.every((r) => r.state === 'online')).toBe(true);
  });

  it('follows SUBSYSTEM=memory uevents in order, ignoring other subsystems', () => {
    const rows = memoryBlockRows(machine([GiB]), [uevent(1, 'offline', 7), uevent(2, 'offline', 6), uevent(3, 'online', 6), uevent(4, 'remove', 7), uevent(5, 'offline', 5, 'cpu')]);
    expect(rows.map((r) => r.state)).toEqual(['online', 'online', 'online', 'online', 'online', 'online', 'online', 'absent']);
    const back = memoryBlockRows(machine([GiB]), [uevent(1, 'offline', 7), uevent(2, 'remove', 7), uevent(3, 'add', 7)]);
    expect(back[7]!.state).toBe('offline');
    expect(blockStatePath(7)).toBe('/sys/devices/system/memory/memory7/state');
  });
});
