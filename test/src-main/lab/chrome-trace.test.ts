import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/api';
import { TraceBuffer } from '../../../src-sim/engine/trace';
import { Simulation } from '../../../src-sim/simulation';
import type { Scenario } from '../../../src-sim/scenario/types';
import { buildChromeTrace, counterTracks, PID_BLOCK, PID_CGROUPS, PID_CPUS, PID_EVENTS } from '../../../src-main/lab/chrome-trace';
import type { ExportedSeries } from '../../../src-main/lab/exports';
import { readTraceEvents, type ReadTrace } from '../../support/trace-event-reader';
import { cli } from '../cli/spawn';

const FILE = 'test/fixtures/interop/trace-mix.yaml';
const scenario: Scenario = loadScenario(readFileSync(FILE, 'utf8'), FILE);

/** The run as a host records it: no trace, series from the recorder. */
function plainRun(): { sim: Simulation; series: ExportedSeries[] } {
  const sim = new Simulation(scenario);
  sim.runToEnd();
  const batches = sim.recorder.take(true);
  const series = sim.recorder.series.map((s) => {
    const parts = batches.filter((b) => b.seriesId === s.id);
    const values = Float64Array.from(parts.flatMap((b) => [...b.values]));
    return { path: s.path, field: s.field, startIndex: s.startIndex, values };
  });
  return { sim, series };
}

const plain = plainRun();
const trace: ReadTrace = readTraceEvents(
  JSON.stringify(buildChromeTrace({ scenario, live: [], series: plain.series, intervalNs: scenario.sampleIntervalNs, runLabel: 'test' })),
);
const cpuSlices = (pid: number): number => [...trace.processes.get(PID_CPUS)!.threads.values()].flatMap((t) => t.slices).filter((s) => s.args['pid'] === pid).length;
const cpuInstants = (name: string): { ts: number; args: Record<string, unknown> }[] =>
  [...trace.processes.get(PID_CPUS)!.threads.values()].flatMap((t) => t.instants).filter((i) => i.name === name);

describe('Chrome JSON trace of a run (Perfetto)', () => {
  it('leaves the simulation unchanged: a traced run ends with the same files as an untraced one', () => {
    const traced = new Simulation(scenario, { trace: new TraceBuffer() });
    traced.runToEnd();
    expect(traced.files()).toEqual(plain.sim.files());
    expect(traced.log).toEqual(plain.sim.log);
  });

  it('has one track per CPU and one running slice per time a task was switched in (schedstat pcount)', () => {
    const cpus = trace.processes.get(PID_CPUS)!;
    expect(cpus.name).toBe('CPUs');
    expect([...cpus.threads.values()].map((t) => t.name)).toEqual(['CPU 0', 'CPU 1']);
    let total = 0;
    for (const task of plain.sim.kernel.tasks.values()) {
      const pcount = Number(plain.sim.kernel.vfs.exists(`/proc/${task.pid}/schedstat`) ? plain.sim.kernel.vfs.read(`/proc/${task.pid}/schedstat`).split(' ')[2] : task.pcount);
      expect(cpuSlices(task.pid), task.name).toBe(pcount);
      total += pcount;
    }
    expect(total).toBeGreaterThan(300);
  });

  it('runs nothing on cpu1 while it is offline (500 ms … 900 ms)', () => {
    const cpu1 = trace.processes.get(PID_CPUS)!.threads.get(1)!;
    const inside = cpu1.slices.filter((s) => s.ts < 900_000 && s.ts + s.dur > 500_000);
    expect(inside.every((s) => s.ts + s.dur <= 500_000 + 1e-3 || s.ts >= 900_000 - 1e-3)).toBe(true);
    expect(cpu1.slices.some((s) => s.ts >= 900_000)).toBe(true);
  });

  it('has a sched_wakeup_new per task and sched_migrate_task per migration (se.nr_migrations less the fork placement)', () => {
    const news = cpuInstants('sched_wakeup_new');
    expect(news.map((e) => e.args['pid']).sort()).toEqual([...plain.sim.kernel.tasks.keys()].sort());
    for (const task of plain.sim.kernel.tasks.values()) {
      const forkCpu = news.find((e) => e.args['pid'] === task.pid)!.args['target_cpu'];
      const sched = plain.sim.kernel.vfs.exists(`/proc/${task.pid}/sched`) ? plain.sim.kernel.vfs.read(`/proc/${task.pid}/sched`) : null;
      if (sched === null) continue; // exited (OOM-killed): its /proc entry is gone
      const nr = Number(/se\.nr_migrations\s*:\s*(\d+)/.exec(sched)![1]);
      const migrations = cpuInstants('sched_migrate_task').filter((e) => e.args['pid'] === task.pid).length;
      expect(migrations, task.name).toBe(nr - (forkCpu === 0 ? 0 : 1));
    }
    // The periodic task wakes once per 7 ms period.
    const tick = [...plain.sim.kernel.tasks.values()].find((t) => t.name === 'tick')!;
    const wakeups = cpuInstants('sched_wakeup').filter((e) => e.args['pid'] === tick.pid).length;
    expect(wakeups).toBeGreaterThanOrEqual(Math.floor(1500 / 7) - 2);
    expect(wakeups).toBeLessThanOrEqual(Math.ceil(1500 / 7) + 1);
  });

  it('has one block slice per completed request of the disk (/sys/block/nvme0n1/stat), in queue slots that never overlap', () => {
    const block = trace.processes.get(PID_BLOCK)!;
    const stat = plain.sim.kernel.vfs.read('/sys/block/nvme0n1/stat').trim().split(/\s+/).map(Number);
    const slices = [...block.threads.values()].filter((t) => t.name!.startsWith('nvme0n1 ')).flatMap((t) => t.slices);
    expect(slices.length).toBe(stat[0]! + stat[4]!);
    expect(slices.length).toBeGreaterThan(1000);
    expect(slices.every((s) => s.args['dev'] === 'nvme0n1' && s.args['bytes'] === 4096 && s.args['rwbs'] === 'R')).toBe(true);
    // Reader nested-slice check passed in readTraceEvents; here: no slot holds two requests at once.
    for (const t of block.threads.values()) {
      for (let i = 1; i < t.slices.length; i++) expect(t.slices[i]!.ts).toBeGreaterThanOrEqual(t.slices[i - 1]!.ts + t.slices[i - 1]!.dur - 1e-6);
    }
  });

  it('has a counter track per cgroup metric, with the stored samples', () => {
    const cg = trace.processes.get(PID_CGROUPS)!;
    expect([...cg.counters.keys()].sort()).toEqual([...counterTracks(plain.series).keys()].sort());
    for (const g of ['/web', '/batch', '/capped']) {
      for (const m of ['cpu usage (CPUs)', 'memory.current (bytes)', 'cpu.pressure some avg10 (%)']) expect(cg.counters.has(`${g} ${m}`), `${g} ${m}`).toBe(true);
    }
    const mem = plain.series.find((s) => s.path === '/sys/fs/cgroup/capped/memory.current')!;
    expect(cg.counters.get('/capped memory.current (bytes)')!.map((c) => c.args['value'])).toEqual([...mem.values]);
    // Two hogs share 2 CPUs with the tick task: /batch uses about 1.6 CPUs while both CPUs are online.
    const batch = cg.counters.get('/batch cpu usage (CPUs)')!.filter((c) => c.ts > 100_000 && c.ts <= 500_000);
    for (const c of batch) expect(c.args['value']).toBeGreaterThan(1.5);
    const reads = cg.counters.get('/web io read (bytes/s)')!;
    expect(Math.max(...reads.map((c) => c.args['value']!))).toBeGreaterThan(10e6);
  });

  it('shows the OOM kill, the uevents and the timeline writes as instant events', () => {
    const ev = trace.processes.get(PID_EVENTS)!;
    const byKind = (k: string): { name: string; ts: number }[] => [...ev.threads.values()].find((t) => t.name === k)?.instants ?? [];
    const oomKills = Number(/oom_kill (\d+)/.exec(plain.sim.kernel.vfs.read('/sys/fs/cgroup/capped/memory.events'))![1]);
    expect(byKind('oom_kill').length).toBe(oomKills);
    expect(oomKills).toBe(1);
    expect(byKind('uevent').map((e) => [e.name, e.ts])).toEqual([
      ['uevent offline /devices/system/cpu/cpu1', 500_000],
      ['uevent online /devices/system/cpu/cpu1', 900_000],
      ...plain.sim.log.filter((e) => e.kind === 'uevent' && e['SUBSYSTEM'] === 'block').map((e) => [expect.stringContaining('uevent add'), e.t_ns / 1000]),
    ]);
    expect(byKind('write').map((e) => e.name)).toEqual(['/sys/devices/system/cpu/cpu1/online ← 0', '/sys/devices/system/cpu/cpu1/online ← 1']);
  });

  it('counts what a full buffer dropped instead of growing past it', () => {
    const t = buildChromeTrace({ scenario, live: [], series: [], intervalNs: scenario.sampleIntervalNs, runLabel: 'small', capacity: 100 });
    expect(t.otherData['trace_entries']).toBe(100);
    expect(t.otherData['trace_dropped']).toBeGreaterThan(1000);
    readTraceEvents(JSON.stringify(t));
  });
});

describe('kernel-lab export --format perfetto', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'klab-trace-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the stored run as a trace the reader accepts, equal to the in-process build', () => {
    const session = join(dir, 'lab.klab');
    expect(cli('run', FILE, '--session', session).code).toBe(0);
    const out = join(dir, 'run1.trace.json');
    const r = cli('export', session, '--run', '1', '--format', 'perfetto', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const fromCli = readTraceEvents(readFileSync(out, 'utf8'));
    expect(fromCli.otherData['scenario']).toBe('trace-mix');
    for (const pid of [PID_CPUS, PID_BLOCK, PID_EVENTS]) {
      const count = (t: ReadTrace): number => [...t.processes.get(pid)!.threads.values()].reduce((n, th) => n + th.slices.length + th.instants.length, 0);
      expect(count(fromCli)).toBe(count(trace));
    }
    expect([...fromCli.processes.get(PID_CGROUPS)!.counters.keys()].sort()).toEqual([...trace.processes.get(PID_CGROUPS)!.counters.keys()].sort());
  });
});
