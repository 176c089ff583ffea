import type { CalibrationReply, Req } from '../ipc/contract';
import { calibrateAsync, deviceEntryYaml } from './calibrate';
import { LabError } from './errors';
import { FioJsonError, parseFioJson, type FioMeasuredJob } from './fio-json';

/** Simulated time per job, as the CLI's default --sim-time. */
const SIM_NS = 200_000_000;

/** The flash type fio's target names: nvme when every job's filename is an NVMe namespace (as the CLI decides). */
export function flashTypeOf(jobs: readonly FioMeasuredJob[]): 'ssd' | 'nvme' {
  return jobs.every((j) => /\/dev\/nvme/.test(j.filename)) ? 'nvme' : 'ssd';
}

/**
 * `device/calibrate`: the workbench's "Calibrate from fio JSON". The fio
 * files arrive as text (the renderer reads the user's files); a file that is
 * not fio JSON is refused naming it and the JSON path at fault. The fit
 * yields to the event loop before each simulated job, so the service keeps
 * answering other requests during the few seconds it takes.
 */
export async function calibrateRequest(r: Req<'device/calibrate'>): Promise<CalibrationReply> {
  const jobs: FioMeasuredJob[] = [];
  for (const f of r.files) {
    try {
      jobs.push(...parseFioJson(f.text, f.name));
    } catch (e) {
      if (e instanceof FioJsonError) throw new LabError('invalid-request', e.message);
      throw e;
    }
  }
  const type = r.type ?? flashTypeOf(jobs);
  const c = await calibrateAsync(jobs, type, SIM_NS, () => new Promise<void>((res) => setImmediate(res)));
  const name = r.device ?? (type === 'nvme' ? 'nvme0n1' : 'sda');
  const params: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.params)) if (typeof v === 'number') params[k] = v;
  return {
    type,
    params,
    jobs: c.errors.map((e) => ({ job: e.job, dir: e.dir, real: e.real, model: e.model })),
    notes: c.notes,
    entry: deviceEntryYaml(c, name, r.files.map((f) => f.name)),
    simNs: SIM_NS,
  };
}
