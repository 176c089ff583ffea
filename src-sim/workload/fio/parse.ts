import { cloneJob, defaultJob, FioParseError, isSyncEngine, type FioJob, type FioJobFile } from './job';
import { APPLIED, canonicalName, NOT_SIMULATED, OptionValueError } from './options';

/**
 * Parse a fio job file (fio's init.c: parse_jobs_ini): "[section]" headers,
 * "option=value" or bare "option" lines, ';' and '#' comments (whole-line,
 * or after whitespace). [global] sets defaults for the sections after it.
 * Throws FioParseError "FILE:LINE: …" on malformed input; an unknown option
 * is fio's "Bad option <opt=value>".
 */
export function parseFioJobFile(text: string, file: string): FioJobFile {
  let global = defaultJob('global', 0);
  const jobs: FioJob[] = [];
  let cur: FioJob | null = null;
  let inGlobal = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    if (line.startsWith('[')) {
      const m = /^\[([^\]]+)\]$/.exec(line);
      if (!m) throw new FioParseError(file, lineNo, `malformed section header "${line}": expected [name]`);
      const name = m[1]!.trim();
      if (name === 'global') {
        inGlobal = true;
        cur = global;
      } else {
        if (jobs.some((j) => j.name === name)) throw new FioParseError(file, lineNo, `job "${name}" is defined twice`);
        inGlobal = false;
        cur = cloneJob(global, name, lineNo);
        jobs.push(cur);
      }
      continue;
    }
    if (cur === null) throw new FioParseError(file, lineNo, `fio: option <${line}> outside of [] job section`);
    const eq = line.indexOf('=');
    const rawName = (eq < 0 ? line : line.slice(0, eq)).trim();
    const value = eq < 0 ? null : line.slice(eq + 1).trim();
    const opt = canonicalName(rawName);
    const handler = APPLIED[opt];
    try {
      if (handler) handler(cur, value);
      else if (opt in NOT_SIMULATED) cur.warnings.push(`${rawName}${value === null ? '' : `=${value}`}: not simulated (${NOT_SIMULATED[opt]})`);
      else throw new FioParseError(file, lineNo, `Bad option <${line}>`);
    } catch (e) {
      if (e instanceof OptionValueError) throw new FioParseError(file, lineNo, e.message);
      throw e;
    }
    cur.options.push([rawName, value]);
    if (inGlobal) global = cur;
  }
  for (const j of jobs) finish(j, jobs, file);
  return { file, jobs };
}

/** fio strips a comment that starts a line, or follows whitespace. */
function stripComment(raw: string): string {
  const t = raw.trimStart();
  if (t.startsWith('#') || t.startsWith(';')) return '';
  const m = /\s[#;]/.exec(raw);
  return m ? raw.slice(0, m.index) : raw;
}

/** Checks fio does after parsing (fixup_options / check_waitees), and the notes it prints. */
function finish(j: FioJob, jobs: FioJob[], file: string): void {
  for (const u of j.zoneUnits) {
    // fio's "z" suffix counts device zones (zonemode=zbd): without zonesize there is no zone to count in.
    if (j.zoneSize === null) {
      throw new FioParseError(file, j.line, `${j.name}: ${u.opt}=${u.zones}z: sizes in zones are not modelled without zonesize= (zoned block devices are not simulated)`);
    }
    const n = u.zones * j.zoneSize;
    if (u.opt === 'size') j.size = n;
    else if (u.opt === 'offset') j.offset = n;
    else if (u.opt === 'io_size') j.ioSize = n;
    else j.offsetIncrement = n;
  }
  if (j.filename !== null && j.filename.includes(':') && !j.filename.startsWith('/dev/')) {
    j.warnings.push(`filename=${j.filename}: several files given; the job uses the first (${j.filename.split(':')[0]})`);
  }
  if (isSyncEngine(j.ioengine) && j.iodepth > 1) {
    j.warnings.push(`note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped at 1`);
  }
  if (!j.direct && j.ioengine !== 'null' && j.ioengine !== 'cpuio' && j.filename !== null && j.filename.startsWith('/dev/')) {
    j.warnings.push(`direct=0 on ${j.filename.split(':')[0]}: buffered I/O to a raw block device is issued to the block layer as submitted (the block device's page cache is not modelled; files go through the page cache)`);
  }
  if (j.ioengine === 'null' || j.ioengine === 'cpuio') j.warnings.push(`ioengine=${j.ioengine}: not block I/O; the job is parsed but not run`);
  if (j.waitFor !== null && !jobs.some((o) => o.name === j.waitFor && o !== j)) {
    throw new FioParseError(file, j.line, `fio: ${j.name}: waitee ${j.waitFor} is not a job name before it`);
  }
  if (j.timeBased && j.runtimeNs === 0) j.warnings.push('time_based without runtime: the job runs until the scenario ends');
}
