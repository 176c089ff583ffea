import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../src-sim/engine/engine';
import { ThrotlData, type Throttled } from '../src-sim/kernel/iocg/blk-throttle';
import { READ } from '../src-sim/kernel/iocg/throtl-grp';
import { loadScenario } from '../src-sim/scenario/load';
import { Simulation } from '../src-sim/simulation';
import type { BenchResult } from './result';

const N = 2_000_000;

/**
 * blk-throttle's admission cost per bio (slice accounting on every bio of a
 * limited group, the limit high enough that none waits), then a dirty
 * throttling preset end to end (buffered cp to a USB stick + SSD writer,
 * 30 s simulated). No target in the issue: figures only.
 */
export async function benchIocgWriteback(): Promise<BenchResult> {
  const engine = new Engine();
  let issued = 0;
  const td = new ThrotlData<Throttled>(engine, 1000, () => issued++);
  const tg = td.newNode('/g', null);
  // 4 KiB reads at up to 10 M/s allowed: every bio is accounted, none held.
  td.configure(tg, (g) => (g.iops[READ] = 10_000_000));
  const bio: Throttled = { bytes: 4096, rw: READ, bpsCharged: false };
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    if (i % 1000 === 0) engine.runUntil(engine.now + 100_000);
    if (td.submit(tg, bio)) issued++;
  }
  const admitNs = ((performance.now() - t0) * 1e6) / N;

  const file = path.resolve(process.cwd(), 'resources/scenarios/io-dirty-usb-ioless.yaml');
  const s = loadScenario(readFileSync(file, 'utf8'), file);
  t0 = performance.now();
  const sim = new Simulation(s);
  sim.runToEnd();
  const wall = (performance.now() - t0) / 1000;
  return {
    name: 'iocg-writeback',
    figures: {
      throttle_admit_ns_per_bio: admitNs,
      throttle_bios: issued,
      dirty_usb_sim_s: s.durationNs / 1e9,
      dirty_usb_wall_s: wall,
      dirty_usb_events: sim.kernel.engine.executed,
      dirty_usb_events_per_wall_s: sim.kernel.engine.executed / wall,
    },
    notes: 'no target in issue 4 for this area; the NVMe target (block-nvme) includes this throttle hook on every bio',
  };
}
