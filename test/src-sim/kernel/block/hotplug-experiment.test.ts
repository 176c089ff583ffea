import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { Simulation } from '../../../../src-sim/simulation';

const file = path.resolve(__dirname, '../../../../resources/scenarios/blk-hotplug-surprise.yaml');
const load = (): Scenario => loadScenario(readFileSync(file, 'utf8'), 'blk-hotplug-surprise.yaml');
const job = (sim: Simulation, task: string): { error: number | string; read: { total_ios: number }; write: { total_ios: number } } =>
  JSON.parse(sim.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/${task}/${task}.json`)) as never;

describe('experiment: disk hot-plug and surprise removal (behaviours 48, 49)', () => {
  const sim = new Simulation(load());
  sim.advance(3e9);
  const linksWhilePresent = sim.kernel.vfs.list('/dev/disk/by-id/');
  sim.runToEnd();
  const events = sim.log.filter((e) => e.kind === 'uevent');

  it('announces disk then partitions at plug, partitions then disk at removal, with by-id links in between', () => {
    expect(events.map((e) => `${e.t_ns / 1e9}s ${e.ACTION} ${e.DEVNAME}`)).toEqual([
      '1s add sdb', '1s add sdb1', '1s add sdb2', '4s remove sdb2', '4s remove sdb1', '4s remove sdb',
    ]);
    expect(linksWhilePresent).toEqual([
      '/dev/disk/by-id/ata-KL_System_SSD_SYS0001',
      '/dev/disk/by-id/ata-KL_USB_SSD_HOT0001',
      '/dev/disk/by-id/ata-KL_USB_SSD_HOT0001-part1',
      '/dev/disk/by-id/ata-KL_USB_SSD_HOT0001-part2',
    ]);
    expect(sim.kernel.vfs.list('/dev/disk/by-id/')).toEqual(['/dev/disk/by-id/ata-KL_System_SSD_SYS0001']);
  });

  it('fails the writes in flight with EIO, counts them, and stops the writer', () => {
    expect(job(sim, 'writer').error).toBe('EIO');
    expect(job(sim, 'writer').write.total_ios).toBeGreaterThan(0);
    // The writer's 8 sequential 128 KiB writes of a batch merge in the plug into one 1 MiB request,
    // which is on the device at removal and fails as one request (counted per request, as the kernel logs).
    expect(sim.kernel.vfs.read('/sys/kernel/debug/kernel-lab/block/io_errors')).toBe('sdb 1\n');
    expect(sim.log.filter((e) => e.kind === 'io_error')[0]).toMatchObject({ t_ns: 4e9, dev: 'sdb', errno: 'EIO' });
  });

  it('leaves the reader on the other disk exactly as in a run without the removal', () => {
    const s = load();
    s.timeline = s.timeline.filter((a) => a.kind !== 'unplug');
    const calm = new Simulation(s);
    calm.runToEnd();
    expect(job(sim, 'reader').read.total_ios).toBe(job(calm, 'reader').read.total_ios);
    expect(job(sim, 'reader').error).toBe(0);
  });
});
