/**
 * The memory hot-plug files (drivers/base/memory.c, drivers/acpi/scan.c):
 * /sys/devices/system/memory/{block_size_bytes,auto_online_blocks,probe},
 * memoryN/{online,state,valid_zones,phys_index,phys_device,removable,nodeN}
 * and one ACPI memory device per block, /sys/bus/acpi/devices/PNP0C80:XX/eject.
 */
import { parseBool } from '../sched/cpulist';
import { fail, KernelError } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import { MemoryBlocks, ONLINE_TYPES, type MemoryBlock, type OnlineType } from './memory-blocks';
import type { Mm } from './mm';

const SYSFS_MEMORY = '/sys/devices/system/memory';
const ACPI_DEVICES = '/sys/bus/acpi/devices';

/** ACPI0C80 memory device of a block: PNP0C80:XX, XX its index in hex (as acpi_device_set_name numbers instances). */
export function acpiMemoryDevice(index: number): string {
  return `PNP0C80:${index.toString(16).padStart(2, '0')}`;
}

export function installMemoryHotplug(k: Kernel, mm: Mm): MemoryBlocks {
  const mb = new MemoryBlocks(mm);
  mm.memoryBlocks = mb;
  const vfs = k.vfs;
  // drivers/base/memory.c: block_size_bytes is printed in hex without 0x.
  vfs.register(`${SYSFS_MEMORY}/block_size_bytes`, { read: () => `${mb.blockBytes.toString(16)}\n` });
  vfs.register(`${SYSFS_MEMORY}/auto_online_blocks`, {
    read: () => `${mb.autoOnline}\n`,
    write: (d) => {
      const v = d.trim();
      if (!ONLINE_TYPES.includes(v)) fail('EINVAL', `expected one of ${ONLINE_TYPES.join(', ')}, got "${v}"`);
      mb.autoOnline = v as MemoryBlocks['autoOnline'];
    },
  });
  // CONFIG_ARCH_MEMORY_PROBE (x86): write the physical start address of a block to add it.
  vfs.register(`${SYSFS_MEMORY}/probe`, {
    write: (d) => {
      const addr = parsePhysAddr(d);
      if (addr % mb.blockBytes !== 0) fail('EINVAL', `0x${addr.toString(16)} is not aligned to block_size_bytes (0x${mb.blockBytes.toString(16)})`);
      const b = mb.byId(addr / mb.blockBytes);
      if (!b) fail('EINVAL', `no RAM of this machine at 0x${addr.toString(16)} (its blocks are ${idRange(mb)})`);
      if (b.state !== 'absent') fail('EEXIST', `memory${b.id} is already present`);
      mb.add(b);
    },
  });
  mb.blocks.forEach((b, i) => {
    registerBlock(k, mb, b);
    vfs.register(`${ACPI_DEVICES}/${acpiMemoryDevice(i)}/eject`, {
      write: (d) => {
        // drivers/acpi/device_sysfs.c: eject_store() takes "1" only.
        if (d.trim() !== '1') fail('EINVAL', `expected "1", got "${d.trim()}"`);
        if (b.state === 'absent') fail('ENODEV', `memory${b.id} is not present`);
        // acpi_scan_hot_remove(): offline the device's memory first (EBUSY when that fails), then remove it.
        if (b.state === 'online') offlineLogged(k, mb, b);
        mb.remove(b);
      },
    });
  });
  mb.onChange = (b) => {
    if (b.state === 'absent') vfs.unregisterTree(`${SYSFS_MEMORY}/memory${b.id}/`);
    else if (!vfs.exists(`${SYSFS_MEMORY}/memory${b.id}/state`)) registerBlock(k, mb, b);
  };
  // pgmigrate_* on a one-node machine (CONFIG_MIGRATION; the NUMA files print them on more nodes).
  const vmstat = vfs.get('/proc/vmstat');
  if (vmstat?.read) {
    const read = vmstat.read;
    vfs.register('/proc/vmstat', { ...vmstat, read: () => read() + (mm.numa ? '' : `pgmigrate_success ${mb.migrated}\npgmigrate_fail 0\n`) });
  }
  return mb;
}

function idRange(mb: MemoryBlocks): string {
  return `memory${mb.blocks[0]!.id}..memory${mb.blocks[mb.blocks.length - 1]!.id}`;
}

/** kstrtoull(buf, 0): decimal, 0x hex or 0 octal. */
function parsePhysAddr(d: string): number {
  const s = d.trim();
  const v = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : /^[0-9]+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(v)) fail('EINVAL', `expected a physical address, got "${s}"`);
  return v;
}

/** offline_pages() with its outcome logged (the migrated pages and their CPU cost). */
function offlineLogged(k: Kernel, mb: MemoryBlocks, b: MemoryBlock): void {
  const r = mb.offline(b);
  k.log.add(k.now, 'memory_offline', { block: `memory${b.id}`, node: b.node, pages_migrated: r.migrated, cost_ns: r.costNs });
}

function registerBlock(k: Kernel, mb: MemoryBlocks, b: MemoryBlock): void {
  const dir = `${SYSFS_MEMORY}/memory${b.id}`;
  const vfs = k.vfs;
  const setState = (type: 'offline' | OnlineType): void => {
    if (type === 'offline') {
      if (b.state !== 'online') throw new KernelError('EINVAL', '', `memory${b.id} is already offline`);
      offlineLogged(k, mb, b);
    } else {
      if (b.state === 'online') throw new KernelError('EINVAL', '', `memory${b.id} is already online`);
      mb.online(b, type);
    }
  };
  vfs.register(`${dir}/state`, {
    read: () => `${b.state}\n`,
    // drivers/base/memory.c: state_store(): EINVAL for an unknown type and when the block is already in that state.
    write: (d) => {
      const v = d.trim();
      if (!ONLINE_TYPES.includes(v)) fail('EINVAL', `expected one of ${ONLINE_TYPES.join(', ')}, got "${v}"`);
      setState(v as 'offline' | OnlineType);
    },
  });
  vfs.register(`${dir}/online`, {
    read: () => `${b.state === 'online' ? 1 : 0}\n`,
    // drivers/base/core.c: online_store(): kstrtobool; the current state is a no-op; online means MMOP_ONLINE.
    write: (d) => {
      const on = parseBool(d);
      if (on === (b.state === 'online')) return;
      setState(on ? 'online' : 'offline');
    },
  });
  vfs.register(`${dir}/valid_zones`, { read: () => `${mb.validZones(b)}\n` });
  vfs.register(`${dir}/phys_index`, { read: () => `${b.id.toString(16).padStart(8, '0')}\n` });
  vfs.register(`${dir}/phys_device`, { read: () => '0\n' });
  // Always 1 with CONFIG_MEMORY_HOTREMOVE since 5.8: offlining itself finds out.
  vfs.register(`${dir}/removable`, { read: () => '1\n' });
  // The nodeN symlink, read as readlink(1) would print it.
  vfs.register(`${dir}/node${b.node}`, { read: () => `../../node/node${b.node}\n` });
}
