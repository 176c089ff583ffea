/**
 * Where a machine's memory blocks lie (pure: the Run view lists them from
 * the scenario without a kernel). Nodes start block-aligned in the physical
 * address space; a node whose size is not a multiple of the block size
 * leaves a hole before the next one.
 */
import { STRUCT_PAGE_BYTES } from './constants';

// arch/x86/mm/init_64.c: MIN_MEMORY_BLOCK_SIZE (1 << SECTION_SIZE_BITS = 128 MiB), MAX_BLOCK_SIZE 2 GiB, MEM_SIZE_FOR_LARGE_BLOCK 64 GiB.
const MIN_MEMORY_BLOCK_SIZE = 128 * 2 ** 20;
const MAX_BLOCK_SIZE = 2 * 2 ** 30;
const MEM_SIZE_FOR_LARGE_BLOCK = 64 * 2 ** 30;

/**
 * arch/x86/mm/init_64.c: probe_memory_block_size() on bare metal: 128 MiB
 * below 64 GiB of RAM, else the largest power of two up to 2 GiB that the
 * end of boot memory is aligned to. (Under a hypervisor the kernel takes
 * 2 GiB from 64 GiB on; the model is bare metal.)
 */
export function memoryBlockSize(bootMemEndBytes: number): number {
  if (bootMemEndBytes < MEM_SIZE_FOR_LARGE_BLOCK) return MIN_MEMORY_BLOCK_SIZE;
  let bz = MAX_BLOCK_SIZE;
  while (bz > MIN_MEMORY_BLOCK_SIZE && bootMemEndBytes % bz !== 0) bz /= 2;
  return bz;
}

export interface BlockPlace {
  /** phys_index, the N of memoryN. */
  id: number;
  node: number;
  /** Offset of the block's first page within its node. */
  offset: number;
  /** Pages of the node inside the block. */
  pages: number;
  /** Of them, pages of the node's memmap (reserved at boot, at the node's start). */
  reserved: number;
}

/** The blocks of nodes with `memoryBytes` each, in physical order. */
export function memoryBlockLayout(nodes: readonly { memoryBytes: number }[]): { blockBytes: number; blocks: BlockPlace[] } {
  const blockBytes = memoryBlockSize(nodes.reduce((a, n) => a + n.memoryBytes, 0));
  const per = blockBytes / 4096;
  const blocks: BlockPlace[] = [];
  let start = 0;
  nodes.forEach((n, node) => {
    const present = Math.floor(n.memoryBytes / 4096);
    const memmap = Math.ceil((present * STRUCT_PAGE_BYTES) / 4096);
    for (let offset = 0; offset < present; offset += per) {
      const pages = Math.min(per, present - offset);
      blocks.push({ id: (start + offset) / per, node, offset, pages, reserved: Math.max(0, Math.min(offset + pages, memmap) - offset) });
    }
    start += Math.ceil(present / per) * per;
  });
  return { blockBytes, blocks };
}
