/**
 * Reads fio's JSON output (`fio --output-format=json`, fio 3.x: stat.c
 * show_thread_status_json / add_ddir_status_json): per job the options
 * ("global options" merged under "job options"), and per direction the
 * bandwidth, IOPS and completion latency (clat_ns mean and percentiles).
 */
export class FioJsonError extends Error {}

export interface FioDirResult {
  bwBytes: number;
  iops: number;
  clatMeanNs: number;
  clatP99Ns: number;
  ios: number;
}

export interface FioMeasuredJob {
  /** File it came from, for messages. */
  source: string;
  name: string;
  rw: string;
  bs: number;
  iodepth: number;
  numjobs: number;
  direct: boolean;
  filename: string;
  read: FioDirResult | null;
  write: FioDirResult | null;
}

const SIZE = /^(\d+)([kmgt]i?b?)?$/i;

/** fio's size option (bs=4k: binary units, as fio's kb_base=1024 default). */
export function fioSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').charAt(0).toLowerCase()] ?? 1;
  return Number(m[1]) * mult;
}

function obj(v: unknown, where: string, file: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FioJsonError(`${file}: ${where}: expected an object`);
  return v as Record<string, unknown>;
}

function num(v: unknown, where: string, file: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FioJsonError(`${file}: ${where}: expected a non-negative number, got ${JSON.stringify(v)}`);
  return v;
}

function dir(v: unknown, where: string, file: string): FioDirResult | null {
  const d = obj(v, where, file);
  const ios = num(d['total_ios'], `${where}.total_ios`, file);
  if (ios === 0) return null;
  const clat = obj(d['clat_ns'], `${where}.clat_ns`, file);
  const pct = obj(clat['percentile'], `${where}.clat_ns.percentile`, file);
  return {
    ios,
    bwBytes: num(d['bw_bytes'], `${where}.bw_bytes`, file),
    iops: num(d['iops'], `${where}.iops`, file),
    clatMeanNs: num(clat['mean'], `${where}.clat_ns.mean`, file),
    clatP99Ns: num(pct['99.000000'], `${where}.clat_ns.percentile["99.000000"]`, file),
  };
}

export function parseFioJson(text: string, file: string): FioMeasuredJob[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FioJsonError(`${file}: not JSON (${(e as Error).message}); run fio with --output-format=json`);
  }
  const root = obj(doc, 'the document', file);
  if (typeof root['fio version'] !== 'string') throw new FioJsonError(`${file}: "fio version": missing: not fio --output-format=json output`);
  const global = root['global options'] === undefined ? {} : obj(root['global options'], '"global options"', file);
  if (!Array.isArray(root['jobs']) || root['jobs'].length === 0) throw new FioJsonError(`${file}: jobs: expected a non-empty array`);
  return root['jobs'].map((j, i) => {
    const where = `jobs[${i}]`;
    const job = obj(j, where, file);
    const opts = { ...global, ...obj(job['job options'] ?? {}, `${where}["job options"]`, file) } as Record<string, unknown>;
    const opt = (k: string, dflt: string): string => (typeof opts[k] === 'string' ? (opts[k] as string) : dflt);
    const bsText = opt('bs', opt('blocksize', '4k'));
    const bs = fioSize(bsText.split(',')[0]!);
    if (bs === null || bs === 0) throw new FioJsonError(`${file}: ${where}["job options"].bs: expected a block size like 4k, got "${bsText}"`);
    const depth = Number(opt('iodepth', '1'));
    const numjobs = Number(opt('numjobs', '1'));
    if (!Number.isInteger(depth) || depth < 1) throw new FioJsonError(`${file}: ${where}["job options"].iodepth: expected a positive integer, got "${opt('iodepth', '1')}"`);
    if (!Number.isInteger(numjobs) || numjobs < 1) throw new FioJsonError(`${file}: ${where}["job options"].numjobs: expected a positive integer, got "${opt('numjobs', '1')}"`);
    const rw = opt('rw', opt('readwrite', 'read'));
    if (!/^(rand)?(read|write|rw|trim)$|^readwrite$|^randrw$/.test(rw)) throw new FioJsonError(`${file}: ${where}["job options"].rw: expected read, write, randread, randwrite, rw or randrw, got "${rw}"`);
    const name = typeof job['jobname'] === 'string' ? job['jobname'] : `job${i}`;
    const r = { source: file, name, rw, bs, iodepth: depth, numjobs, direct: opt('direct', '0') === '1', filename: opt('filename', ''), read: dir(job['read'], `${where}.read`, file), write: dir(job['write'], `${where}.write`, file) };
    if (!r.read && !r.write) throw new FioJsonError(`${file}: ${where}: no completed reads or writes (total_ios 0 in both)`);
    return r;
  });
}
