import type { LogEntry } from '../../../src-sim/engine/event-log';
import type { Scenario } from '../../../src-sim/scenario/types';
import type { Simulation } from '../../../src-sim/simulation';
import { fail } from '../../../src-sim/vfs/errors';
import type { Batch, ControlMessage, RunEnd, RunOptions, WorkerToHost } from '../../../src-main/sim-host/protocol';
import { RunDriver } from '../../../src-main/sim-host/run-driver';

/**
 * A test model for the host machinery while the kernel subsystems land:
 * /proc/test/counter grows every 1 ms by a random draw in [0, rate], rate
 * being the writable /proc/sys/test/rate (1..1000, else ERANGE as the
 * kernel's proc_dointvec_minmax answers).
 */
export function installCounter(sim: Simulation): void {
  const k = sim.kernel;
  const rng = k.rng.fork('test-counter');
  let count = 0;
  let rate = 10;
  k.vfs.register('/proc/test/counter', { read: () => `${count}\n`, observable: true });
  k.vfs.register('/proc/test/stat', { read: () => `ticks ${Math.floor(k.now / 1e6)}\nrate ${rate}\n`, observable: true });
  k.vfs.register('/proc/sys/test/rate', {
    read: () => `${rate}\n`,
    write: (d) => {
      const v = Number(d);
      if (!Number.isInteger(v)) fail('EINVAL');
      if (v < 1 || v > 1000) fail('ERANGE');
      rate = v;
    },
  });
  const tick = (now: number): void => {
    count += rng.int(0, rate);
    if (now + 1e6 <= sim.scenario.durationNs) k.engine.schedule(now + 1e6, tick);
  };
  k.engine.schedule(0, tick);
}

export interface Collected {
  end: RunEnd | null;
  error: string | null;
  batches: Batch[];
  log: LogEntry[];
  replies: WorkerToHost[];
  /** Series id → path:field, and id → every value in index order. */
  series: Map<number, string>;
  values: Map<number, number[]>;
}

/** Run a scenario in-process through RunDriver; `onMsg` may send control messages. */
export function drive(
  scenario: Scenario,
  options: RunOptions,
  onMsg: (m: WorkerToHost, send: (c: ControlMessage) => void) => void = () => undefined,
): Promise<Collected> {
  return new Promise((resolve) => {
    const c: Collected = { end: null, error: null, batches: [], log: [], replies: [], series: new Map(), values: new Map() };
    let driver: RunDriver | null = null;
    const send = (m: ControlMessage): void => driver!.handle(m);
    driver = new RunDriver(
      scenario,
      options,
      (m) => {
        if (m.type === 'batch') {
          c.batches.push(m.batch);
          for (const s of m.batch.newSeries) {
            c.series.set(s.id, `${s.path}:${s.field}`);
            c.values.set(s.id, []);
          }
          for (const e of m.batch.entries) {
            const arr = c.values.get(e.seriesId)!;
            expectContiguous(arr.length, e.startIndex, c.series.get(e.seriesId)!);
            arr.push(...m.batch.values.subarray(e.offset, e.offset + e.count));
          }
        }
        if (m.type === 'log') c.log.push(...m.entries);
        if (m.type === 'act') c.replies.push(m);
        if (m.type === 'end') c.end = m.end;
        if (m.type === 'failed') c.error = m.error;
        onMsg(m, send);
        if (m.type === 'end' || m.type === 'failed') resolve(c);
      },
      installCounter,
    );
    driver.start();
  });
}

function expectContiguous(have: number, start: number, name: string): void {
  // Series in these tests all start at sample 0.
  if (have !== start) throw new Error(`${name}: batch starts at ${start}, expected ${have}`);
}
