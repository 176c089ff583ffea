import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf, lines } from '../../scenario/helpers';
import { meminfoKb, vmstatValue } from '../proc-values';

const HOST = '/sys/kernel/debug/kernel-lab/balloon';

const vm = vmstatValue;
const kb = meminfoKb;

const scanned = (sim: Simulation): number => vm(sim, 'pgscan_kswapd') + vm(sim, 'pgscan_direct');

function guest(balloon: string, tasks: string, timeline = ''): Simulation {
  return new Simulation(loadScenario(`duration: 8s\nmachine: { cpus: 2, memory: 2G, ${balloon} }\ntasks:\n${tasks}${timeline ? `timeline:\n${timeline}` : ''}`, 't.yaml'));
}

describe('virtio-balloon (drivers/virtio/virtio_balloon.c) and free page reporting', () => {
  it('inflating N MiB takes N MiB off MemTotal and MemFree; past free memory reclaim and swap start; deflating restores MemTotal', () => {
    const sim = guest(
      'swap: { size: 2G }, balloon: { target: 0 }',
      '  - { name: hog, run: { type: alloc, size: 1G, step: 64M, every: 10ms, then: hold } }\n',
      `  - { at: 1s, write: { ${HOST}/target: 256M } }\n  - { at: 3s, write: { ${HOST}/target: "262144" } }\n  - { at: 6s, write: { ${HOST}/target: "0" } }\n`,
    );
    sim.advance(0.9e9);
    const total0 = kb(sim, 'MemTotal');
    const free0 = kb(sim, 'MemFree');
    expect(scanned(sim)).toBe(0);
    sim.advance(2e9);
    // 256 MiB = 65536 pages, fewer than the free pages above the low watermark: no reclaim at all.
    expect(sim.kernel.vfs.read(`${HOST}/actual`)).toBe('65536\n');
    expect(vm(sim, 'balloon_inflate')).toBe(65536);
    expect(kb(sim, 'MemTotal')).toBe(total0 - 262144);
    expect(kb(sim, 'MemFree')).toBe(free0 - 262144);
    expect(scanned(sim)).toBe(0);
    sim.advance(5.5e9);
    // 1 GiB is more than the ~830 MiB free: the balloon reclaims (direct) and kswapd swaps the hog out.
    expect(sim.kernel.vfs.read(`${HOST}/actual`)).toBe('262144\n');
    expect(kb(sim, 'MemTotal')).toBe(total0 - 1048576);
    expect(scanned(sim)).toBeGreaterThan(0);
    expect(vm(sim, 'pswpout')).toBeGreaterThan(0);
    // No page cache to drop: what the balloon took beyond the free pages came out of the hog's anon pages.
    expect(vm(sim, 'pswpout')).toBeGreaterThanOrEqual(262144 - free0 / 4);
    sim.advance(7.5e9);
    expect(vm(sim, 'balloon_deflate')).toBe(262144);
    expect(kb(sim, 'MemTotal')).toBe(total0);
    expect(sim.kernel.vfs.read(`${HOST}/actual`)).toBe('0\n');
  });

  it('deflate-on-oom: MemTotal stays, the pages just look used, and an OOM deflates 256 pages instead of killing', () => {
    const sim = guest('balloon: { target: 1G, deflate_on_oom: true }', '  - { name: hog, start: 1s, run: { type: alloc, size: 1400M, step: 64M, every: 10ms, then: hold } }\n');
    sim.advance(0.5e9);
    const full = 516096 * 4;
    expect(sim.kernel.vfs.read(`${HOST}/actual`)).toBe('262144\n');
    expect(kb(sim, 'MemTotal')).toBe(full);
    expect(kb(sim, 'MemFree')).toBe(full - 1048576);
    expect(sim.kernel.vfs.read('/sys/bus/virtio/devices/virtio0/features')).toBe(`011${'0'.repeat(29)}1${'0'.repeat(31)}\n`);
    sim.advance(3e9);
    // No swap, no page cache: every allocation past free memory was an OOM that the balloon answered.
    expect(vm(sim, 'oom_kill')).toBe(0);
    const deflated = vm(sim, 'balloon_deflate');
    expect(deflated).toBeGreaterThan(0);
    expect(deflated % 256).toBe(0);
    expect(Number(sim.kernel.vfs.read(`${HOST}/actual`))).toBe(262144 - deflated);
    expect(kb(sim, 'AnonPages')).toBe(1400 * 1024);
  });

  it('free page reporting reports ⌈free blocks / 512⌉ × 32 free 2 MiB blocks per 2 s pass', () => {
    const sim = guest('balloon: { free_page_reporting: true }', '  - { name: idle, run: { type: periodic, busy: 1ms, period: 1s } }\n');
    sim.advance(1.9e9);
    expect(sim.kernel.vfs.read(`${HOST}/reported_pages`)).toBe('0\n');
    // 516096 managed frames = 1008 free blocks: budget ⌈1008 / 512⌉ = 2 requests of 32 blocks.
    sim.advance(2.1e9);
    expect(sim.kernel.vfs.read(`${HOST}/reported_pages`)).toBe(`${64 * 512}\n`);
    sim.advance(4.1e9);
    expect(sim.kernel.vfs.read(`${HOST}/reported_pages`)).toBe(`${128 * 512}\n`);
    expect(sim.kernel.vfs.read('/sys/bus/virtio/drivers/virtio_balloon/virtio0/features').slice(0, 6)).toBe('010001');
  });

  it('is deterministic', () => {
    const a = guest('swap: { size: 2G }, balloon: { target: 1G }', '  - { name: hog, run: { type: alloc, size: 1G, step: 64M, every: 10ms, then: hold } }\n');
    const b = guest('swap: { size: 2G }, balloon: { target: 1G }', '  - { name: hog, run: { type: alloc, size: 1G, step: 64M, every: 10ms, then: hold } }\n');
    a.advance(2e9);
    b.advance(2e9);
    expect(a.kernel.vfs.read('/proc/vmstat')).toBe(b.kernel.vfs.read('/proc/vmstat'));
    expect(vm(a, 'balloon_inflate')).toBe(262144);
  });

  it('bad targets: negative or above guest memory refused (EINVAL live, FILE:LINE:COL in a scenario)', () => {
    const sim = guest('balloon: {}', '  - { name: idle, run: { type: cpu } }\n');
    expect(() => sim.act({ kind: 'write', path: `${HOST}/target`, value: '-5' })).toThrow(/EINVAL|Invalid argument/);
    expect(() => sim.act({ kind: 'write', path: `${HOST}/target`, value: '3G' })).toThrow(/larger than the guest's 516096 pages/);
    expect(lines(issuesOf('duration: 1s\nmachine:\n  memory: 2G\n  balloon: { target: 3G }\n', 't.yaml'))).toEqual([
      "t.yaml:4:22: machine.balloon.target: expected a balloon target up to the guest's memory (2G), got 3G",
    ]);
    const timeline = issuesOf(`duration: 1s\nmachine: { memory: 2G, balloon: {} }\ntimeline:\n  - { at: 0s, write: { ${HOST}/target: "-1" } }\n`, 't.yaml');
    expect(lines(timeline)[0]).toMatch(/^t\.yaml:4:\d+: timeline\[0\]\.write.*negative/);
  });
});
