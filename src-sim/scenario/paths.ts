/**
 * Pure string path logic (src-sim has no `node:path`). Accepts '/' and, for
 * scenario files on Windows hosts, '\' as separators.
 */

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
}

/** Folder part of a file name ("" when there is none). */
export function dirName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  if (i < 0) return '';
  return i === 0 ? file[0]! : file.slice(0, i);
}

/** File name without folder and extension: "resources/scenarios/cpu-weights.yaml" → "cpu-weights". */
export function baseStem(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Resolve `rel` against the folder of `fromFile`; "." and ".." segments are folded. */
export function resolveRelative(fromFile: string, rel: string): string {
  if (isAbsolutePath(rel)) return rel;
  const dir = dirName(fromFile);
  const sep = fromFile.includes('\\') && !fromFile.includes('/') ? '\\' : '/';
  const joined = dir === '' ? rel : `${dir}${dir.endsWith(sep) ? '' : sep}${rel}`;
  const drive = /^[A-Za-z]:(?=[\\/])/.exec(joined)?.[0] ?? '';
  const absolute = isAbsolutePath(joined);
  const out: string[] = [];
  for (const part of joined.slice(drive.length).split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (part === '..' && absolute) continue;
    else out.push(part);
  }
  const body = out.join(sep);
  if (absolute) return `${drive}${sep}${body}`;
  return body === '' ? '.' : body;
}
