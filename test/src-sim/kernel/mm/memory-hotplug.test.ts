import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryBlockSize } from '../../../../src-sim/kernel/mm/memory-blocks';
import { memoryBlockLayout } from '../../../../src-sim/kernel/mm/memory-block-layout';
import type { Mm } from '../../../../src-sim/kernel/mm/mm';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { KernelError } from '../../../../src-sim/vfs/errors';
import { issuesOf, lines } from '../../scenario/helpers';

const SCENARIOS = path.resolve(import.meta.dirname, '../../../../resources/scenarios');
const MEM = '/sys/devices/system/memory';
const GiB = 2 ** 30;

const sim = (yaml: string): Simulation => new Simulation(loadScenario(`duration: 2s\n${yaml}`, 'hp.yaml'));
const W = (s: Simulation, p: string, v: string): void => void s.act({ kind: 'write', path: p, value: v });
const R = (s: Simulation, p: string): string => s.kernel.vfs.read(p);
const memTotalKb = (s: Simulation): number => Number(/MemTotal:\s+(\d+)/.exec(R(s, '/proc/meminfo'))![1]);
const vmstat = (s: Simulation, key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(R(s, '/proc/vmstat'))![1]);
const errnoOf = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
  return 'ok';
};

describe('memory blocks (drivers/base/memory.c)', () => {
  it('block size is 128 MiB below 64 GiB, else the largest power of two ≤ 2 GiB the end of memory is aligned to (probe_memory_block_size)', () => {
    expect(memoryBlockSize(2 * GiB)).toBe(128 << 20);
    expect(memoryBlockSize(63 * GiB)).toBe(128 << 20);
    expect(memoryBlockSize(64 * GiB)).toBe(2 * GiB);
    expect(memoryBlockSize(65 * GiB)).toBe(GiB);
    expect(memoryBlockSize(64 * GiB + (256 << 20))).toBe(256 << 20);
  });

  it('a 2 GiB machine shows sixteen online Normal blocks; memory0 holds the boot memmap and only Normal is valid for it', () => {
    const s = sim('machine: { cpus: 1, memory: 2G }\n');
    expect(R(s, `${MEM}/block_size_bytes`)).toBe('8000000\n');
    expect(R(s, `${MEM}/auto_online_blocks`)).toBe('offline\n');
    const blocks = s.kernel.vfs.list().filter((p) => /memory\d+\/state$/.test(p));
    expect(blocks).toHaveLength(16);
    expect(R(s, `${MEM}/memory15/state`)).toBe('online\n');
    expect(R(s, `${MEM}/memory15/online`)).toBe('1\n');
    expect(R(s, `${MEM}/memory15/phys_index`)).toBe('0000000f\n');
    expect(R(s, `${MEM}/memory15/valid_zones`)).toBe('Normal\n');
    expect(R(s, `${MEM}/memory15/removable`)).toBe('1\n');
    expect(R(s, `${MEM}/memory15/node0`)).toBe('../../node/node0\n');
    // 2 GiB = 524288 pages, memmap 8192 pages (64 B each): MemTotal 516096 pages
    expect(memTotalKb(s)).toBe(516096 * 4);
    expect(errnoOf(() => W(s, `${MEM}/memory0/state`, 'offline'))).toBe('EBUSY');
  });

  it('offline then online_movable: MemTotal drops by 128 MiB and comes back, zoneinfo grows a Movable zone, uevents offline/online', () => {
    const s = sim('machine: { cpus: 1, memory: 2G }\n');
    const before = memTotalKb(s);
    W(s, `${MEM}/memory15/state`, 'offline');
    expect(memTotalKb(s)).toBe(before - 131072);
    expect(R(s, `${MEM}/memory15/valid_zones`)).toBe('Normal Movable\n');
    expect(errnoOf(() => W(s, `${MEM}/memory15/state`, 'offline'))).toBe('EINVAL');
    W(s, `${MEM}/memory15/online`, '0'); // the current state through `online`: a no-op
    W(s, `${MEM}/memory15/state`, 'online_movable');
    expect(memTotalKb(s)).toBe(before);
    expect(R(s, `${MEM}/memory15/valid_zones`)).toBe('Movable\n');
    expect(R(s, '/proc/zoneinfo')).toContain('Node 0, zone  Movable\n  pages free     32768\n');
    expect(R(s, '/proc/zoneinfo')).toMatch(/zone  Movable[\s\S]*present  32768\n {8}managed  32768\n/);
    expect(s.log.filter((e) => e.kind === 'uevent').map((e) => `${String(e['ACTION'])} ${String(e['DEVPATH'])} ${String(e['SUBSYSTEM'])}`)).toEqual([
      'offline /devices/system/memory/memory15 memory',
      'online /devices/system/memory/memory15 memory',
    ]);
  });

  it('refuses bad state strings (EINVAL), a misaligned or present probe (EINVAL, EEXIST), and ejects only with "1"', () => {
    const s = sim('machine: { cpus: 1, memory: 1G }\n');
    expect(errnoOf(() => W(s, `${MEM}/memory3/state`, 'online_moveable'))).toBe('EINVAL');
    expect(errnoOf(() => W(s, `${MEM}/memory3/state`, 'online'))).toBe('EINVAL');
    expect(errnoOf(() => W(s, `${MEM}/probe`, '0x1000'))).toBe('EINVAL');
    expect(errnoOf(() => W(s, `${MEM}/probe`, '0x18000000'))).toBe('EEXIST');
    expect(errnoOf(() => W(s, `${MEM}/probe`, '0x40000000'))).toBe('EINVAL');
    expect(errnoOf(() => W(s, `${MEM}/auto_online_blocks`, 'movable'))).toBe('EINVAL');
    expect(errnoOf(() => W(s, '/sys/bus/acpi/devices/PNP0C80:03/eject', '0'))).toBe('EINVAL');
    W(s, '/sys/bus/acpi/devices/PNP0C80:03/eject', '1');
    expect(s.kernel.vfs.exists(`${MEM}/memory3/state`)).toBe(false);
    expect(errnoOf(() => W(s, `${MEM}/memory3/state`, 'offline'))).toBe('ENOENT');
    // hot-add with auto_online_blocks: the block comes back online in the zone asked for
    W(s, `${MEM}/auto_online_blocks`, 'online_movable');
    W(s, `${MEM}/probe`, '0x18000000');
    expect(R(s, `${MEM}/memory3/valid_zones`)).toBe('Movable\n');
    expect(s.log.filter((e) => e.kind === 'uevent').map((e) => e['ACTION'])).toEqual(['offline', 'remove', 'add', 'online']);
  });

  it('scenario writes to a block that does not exist or a wrong state string are refused at FILE:LINE:COL', () => {
    const text = (path: string, value: string): string =>
      `duration: 1s\nmachine: { cpus: 1, memory: 1G }\ntimeline:\n  - { at: 1s, write: { ${path}: ${value} } }\n`;
    expect(lines(issuesOf(text(`${MEM}/memory9/state`, 'offline'), 'hp.yaml'))).toEqual([
      'hp.yaml:4:24: timeline[0].write["/sys/devices/system/memory/memory9/state"]: no such file /sys/devices/system/memory/memory9/state: No such file or directory (ENOENT) (nothing of this build lives in /sys/devices/system/memory/memory9/)',
    ]);
    expect(lines(issuesOf(text(`${MEM}/memory5/state`, 'gone'), 'hp.yaml'))).toEqual([
      'hp.yaml:4:66: timeline[0].write["/sys/devices/system/memory/memory5/state"]: the kernel refuses "gone": Invalid argument (EINVAL): expected one of offline, online, online_kernel, online_movable, got "gone"',
    ]);
  });

  it('pinned pages never go to ZONE_MOVABLE; anon pages offlined from a movable block are migrated and counted', () => {
    const s = sim(
      'machine: { cpus: 2, memory: 1G }\n' +
        'tasks:\n' +
        '  - { name: app, cpus: 0, start: 10ms, run: { type: alloc, size: 200M, step: 200M, every: 10ms, then: hold } }\n' +
        '  - { name: pin, cpus: 1, start: 20ms, run: { type: alloc, size: 32M, step: 32M, every: 10ms, then: hold, pin: true } }\n' +
        'timeline:\n' +
        `  - { at: 1ms, write: { ${MEM}/memory7/state: offline } }\n` +
        `  - { at: 1ms, write: { ${MEM}/memory7/state: online_movable } }\n`,
    );
    s.advance(500e6);
    const mm = s.kernel.mm as Mm;
    const mb = mm.memoryBlocks!;
    const b7 = mb.byId(7)!;
    let pinnedInMovable = 0;
    let anonInMovable = 0;
    for (let f = b7.lo; f < b7.hi; f++) {
      const o = mm.ft.obj[f]! >= 0 ? mm.objects[mm.ft.obj[f]!] : null;
      if (o?.unmovable) pinnedInMovable++;
      else if (o) anonInMovable++;
    }
    expect(pinnedInMovable).toBe(0);
    // The movable block is at the head of the free list: app's first 32768 pages went there
    expect(anonInMovable).toBe(32768);
    const holder = mb.blocks.find((b) => {
      for (let f = b.lo; f < b.hi; f++) if (mm.ft.obj[f]! >= 0 && mm.objects[mm.ft.obj[f]!]?.unmovable) return true;
      return false;
    })!;
    expect(holder.zone).toBe('Normal');
    const total = memTotalKb(s);
    W(s, `${MEM}/memory7/state`, 'offline');
    expect(vmstat(s, 'pgmigrate_success')).toBe(32768);
    expect(memTotalKb(s)).toBe(total - 131072);
    expect(s.log.find((e) => e.kind === 'memory_offline' && e['pages_migrated'] === 32768)).toMatchObject({ block: 'memory7', cost_ns: 32768 * 800 });
    // app still has all its 200 MiB resident
    const app = [...s.kernel.tasks.values()].find((t) => t.name === 'app')!;
    expect(s.kernel.mm!.taskRss(app)).toBe(51200);
    expect(errnoOf(() => W(s, `${MEM}/memory${holder.id}/state`, 'offline'))).toBe('EBUSY');
  });

  it('on two nodes each node has its blocks; offlining one of node 1 lowers node1 MemTotal only', () => {
    const s = sim('machine:\n  numa:\n    nodes: [{ cpus: 0, memory: 1G }, { cpus: 1, memory: 1G }]\n');
    expect(R(s, `${MEM}/memory8/node1`)).toBe('../../node/node1\n');
    const n1 = (): number => Number(/Node 1 MemTotal:\s+(\d+)/.exec(R(s, '/sys/devices/system/node/node1/meminfo'))![1]);
    const n0 = Number(/Node 0 MemTotal:\s+(\d+)/.exec(R(s, '/sys/devices/system/node/node0/meminfo'))![1]);
    const before = n1();
    W(s, `${MEM}/memory15/state`, 'offline');
    expect(n1()).toBe(before - 131072);
    expect(Number(/Node 0 MemTotal:\s+(\d+)/.exec(R(s, '/sys/devices/system/node/node0/meminfo'))![1])).toBe(n0);
  });
});

describe('the pure block layout (the Run view lists blocks with it)', () => {
  it('names exactly the blocks the kernel registers, with their nodes, on nodes that are not block multiples', () => {
    const s = sim('machine:\n  numa:\n    nodes: [{ cpus: 0, memory: 1088M }, { cpus: 1, memory: 1G }]\n');
    const files = s.kernel.vfs
      .list()
      .map((p) => /^\/sys\/devices\/system\/memory\/memory(\d+)\/node(\d+)$/.exec(p))
      .flatMap((m) => (m ? [`${m[1]}@${m[2]}`] : []))
      .sort();
    const layout = memoryBlockLayout(s.scenario.machine.numa.nodes).blocks.map((b) => `${b.id}@${b.node}`).sort();
    expect(files).toEqual(layout);
    expect(layout).toHaveLength(17);
  });
});

describe('mem-hot-remove preset', () => {
  const text = readFileSync(path.join(SCENARIOS, 'mem-hot-remove.yaml'), 'utf8');
  const runPreset = (): Simulation => {
    const s = new Simulation(loadScenario(text, 'mem-hot-remove.yaml'));
    s.runToEnd();
    return s;
  };

  it('ejecting memory15 migrates its 32768 pages and drops MemTotal by 128 MiB; offlining memory13 (pinned pages) fails with EBUSY; memory15 comes back', () => {
    const s = new Simulation(loadScenario(text, 'mem-hot-remove.yaml'));
    s.advance(1.9e9);
    const full = memTotalKb(s);
    s.advance(2.1e9);
    expect(memTotalKb(s)).toBe(full - 131072);
    expect(s.kernel.vfs.exists(`${MEM}/memory15/state`)).toBe(false);
    expect(vmstat(s, 'pgmigrate_success')).toBe(32768);
    s.runToEnd();
    const off = s.log.filter((e) => e.kind === 'memory_offline').map((e) => [e['block'], e['pages_migrated']]);
    expect(off).toEqual([
      ['memory14', 0],
      ['memory15', 0],
      ['memory15', 32768],
    ]);
    const err = s.log.find((e) => e.kind === 'write_error')!;
    expect(err).toMatchObject({ t_ns: 2.5e9, path: `${MEM}/memory13/state`, errno: 'EBUSY' });
    expect(R(s, `${MEM}/memory13/state`)).toBe('online\n');
    expect(R(s, `${MEM}/memory15/valid_zones`)).toBe('Movable\n');
    expect(memTotalKb(s)).toBe(full);
    expect(s.log.filter((e) => e.kind === 'uevent').map((e) => `${String(e['ACTION'])} ${String(e['DEVPATH']).split('/').pop()}`)).toEqual([
      'offline memory14', 'offline memory15', 'online memory14', 'online memory15', 'offline memory15', 'remove memory15', 'add memory15', 'online memory15',
    ]);
  });

  it('is deterministic', () => {
    const a = runPreset();
    const b = runPreset();
    expect(a.files()).toEqual(b.files());
    expect(a.log).toEqual(b.log);
  });
});
