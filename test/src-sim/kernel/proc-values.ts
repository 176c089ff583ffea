// Reads one counter out of the simulated /proc/vmstat or /proc/meminfo, as a
// test would with grep: a missing key is an error, not a zero.
import type { Simulation } from '../../../src-sim/simulation';

export function vmstatValue(sim: Simulation, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'));
  if (!m) throw new Error(`no ${key} in /proc/vmstat`);
  return Number(m[1]);
}

export function meminfoKb(sim: Simulation, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(sim.kernel.vfs.read('/proc/meminfo'));
  if (!m) throw new Error(`no ${key} in /proc/meminfo`);
  return Number(m[1]);
}
