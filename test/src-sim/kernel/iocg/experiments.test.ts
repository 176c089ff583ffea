import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const scenarios = path.resolve(__dirname, '../../../../resources/scenarios');
const MiB = 1024 * 1024;

function load(name: string): Simulation {
  return new Simulation(loadScenario(readFileSync(path.join(scenarios, `${name}.yaml`), 'utf8'), `${name}.yaml`));
}

/** One device's counters from an io.stat text. */
function stat(text: string, devt: string): Record<string, number> {
  const line = text.split('\n').find((l) => l.startsWith(`${devt} `));
  const out: Record<string, number> = {};
  for (const kv of (line ?? '').split(' ').slice(1)) {
    const [key, v] = kv.split('=');
    out[key!] = Number(v);
  }
  return out;
}

describe('experiment: io.max on a backup job vs an interactive reader (HDD)', () => {
  const sim = load('io-max-backup');
  const read = (g: string) => stat(sim.kernel.vfs.read(`/sys/fs/cgroup/${g}/io.stat`), '8:0');
  sim.advance(10e9);
  const before = { backup: read('backup'), web: read('web') };
  sim.advance(11e9);
  const settled = read('backup');
  sim.advance(20e9);
  const after = { backup: read('backup'), web: read('web') };

  it('the backup group is held to rbps=20 MiB/s once io.max is written', () => {
    const rate = (after.backup.rbytes! - settled.rbytes!) / 9 / MiB;
    expect(rate).toBeGreaterThan(20 * 0.9);
    expect(rate).toBeLessThanOrEqual(20 * 1.02);
    // Unthrottled it streamed well above the limit.
    expect(before.backup.rbytes! / 10 / MiB).toBeGreaterThan(30);
  });

  it('the interactive reader gets at least twice the IOPS once the backup is throttled', () => {
    const iopsBefore = before.web.rios! / 10;
    const iopsAfter = (after.web.rios! - before.web.rios!) / 10;
    expect(iopsAfter / iopsBefore).toBeGreaterThan(2);
  });
});

describe('experiment: io.bfq.weight 100 vs 200 under BFQ (behaviour 33)', () => {
  it('io.weight (iocost’s file, iocost disabled) leaves BFQ at 1:1', () => {
    const s = loadScenario(readFileSync(path.join(scenarios, 'io-weight-bfq.yaml'), 'utf8'), 'io-weight-bfq.yaml');
    s.cgroups = [
      { path: '/light', writes: [['io.weight', '100']] },
      { path: '/heavy', writes: [['io.weight', '200']] },
    ];
    const sim = new Simulation(s);
    sim.runToEnd();
    const light = stat(sim.kernel.vfs.read('/sys/fs/cgroup/light/io.stat'), '8:0').rbytes!;
    const heavy = stat(sim.kernel.vfs.read('/sys/fs/cgroup/heavy/io.stat'), '8:0').rbytes!;
    expect(heavy / light).toBeGreaterThan(0.9);
    expect(heavy / light).toBeLessThan(1.1);
  });

  it('two sequential readers share the disk about 1:2', () => {
    const sim = load('io-weight-bfq');
    sim.runToEnd();
    const light = stat(sim.kernel.vfs.read('/sys/fs/cgroup/light/io.stat'), '8:0').rbytes!;
    const heavy = stat(sim.kernel.vfs.read('/sys/fs/cgroup/heavy/io.stat'), '8:0').rbytes!;
    expect(heavy / light).toBeGreaterThan(1.8);
    expect(heavy / light).toBeLessThan(2.2);
  });
});

describe('experiment: a throttled group holds up the journal (2011 priority inversion)', () => {
  const sim = load('io-journal-inversion');
  const wios: number[] = [];
  for (let t = 100e6; t <= 20e9; t += 100e6) {
    sim.advance(t);
    wios.push(stat(sim.kernel.vfs.read('/sys/fs/cgroup/web/io.stat'), '252:0').wios ?? 0);
  }
  /** Longest run of samples (100 ms each) in [from, to) s without a new /web write. */
  const longestStall = (from: number, to: number): number => {
    let best = 0;
    let run = 0;
    for (let i = from * 10; i < to * 10; i++) {
      run = wios[i] === wios[i - 1] ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best / 10;
  };

  it('unthrottled, the fsync-ing database commits every couple of seconds', () => {
    expect(wios[49]!).toBeGreaterThanOrEqual(3);
  });

  it('while /backup is held to 1 MiB/s the database in /web, with no limit of its own, stalls for the whole window', () => {
    // The commit in flight when the limit lands still finishes; after it, nothing until 15 s.
    expect(longestStall(7, 15)).toBeGreaterThanOrEqual(7.9);
  });

  it('lifting the limit releases the journal and the database resumes', () => {
    expect(wios[199]! - wios[150]!).toBeGreaterThanOrEqual(2);
  });
});

describe('experiment: the same inversion setup on cgroup v1', () => {
  it('buffered writes escape blkio.throttle (the flusher writes as root), so the journal is not held and the limit does not bite', () => {
    const s = loadScenario(readFileSync(path.join(scenarios, 'io-journal-inversion.yaml'), 'utf8'), 'io-journal-inversion.yaml');
    s.cgroupVersion = 1;
    s.record = [];
    s.timeline = [
      { atNs: 5e9, kind: 'write', path: '/sys/fs/cgroup/blkio/backup/blkio.throttle.write_bps_device', value: '252:0 1048576' },
      { atNs: 15e9, kind: 'write', path: '/sys/fs/cgroup/blkio/backup/blkio.throttle.write_bps_device', value: '252:0 0' },
    ];
    const sim = new Simulation(s);
    const serviced = (g: string): number => {
      const m = /^252:0 Write (\d+)$/m.exec(sim.kernel.vfs.read(`/sys/fs/cgroup/blkio${g}/blkio.throttle.io_serviced`));
      return m ? Number(m[1]) : 0;
    };
    sim.advance(7e9);
    const web7 = serviced('/web');
    const root7 = serviced('');
    sim.advance(15e9);
    // The database keeps committing through the "throttled" window…
    expect(serviced('/web') - web7).toBeGreaterThanOrEqual(2);
    // …and the backup's data keeps flowing, written as root, not as /backup.
    expect(serviced('') - root7).toBeGreaterThan(100);
    expect(serviced('/backup')).toBe(0);
  });
});
