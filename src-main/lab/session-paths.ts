import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve, sep } from 'node:path';

/** Why a session path was refused (never touched on disk). */
export class SessionPathError extends Error {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`session path "${input}": ${detail}`);
    this.name = 'SessionPathError';
  }
}

/**
 * How a client's session path becomes a file. Sessions behave as an editor's
 * documents: any file the user may write is fine (the browser-mode token and
 * the desktop window both stand for the user, so a client may do what the
 * user may). Relative paths resolve against the default folder (the first
 * `--session` folder, else the working directory); symlinks are followed
 * (dangling ones too: SQLite would create the file where they point).
 * Refused without touching the disk: names not ending in .klab, hidden names
 * and NUL bytes. Whether the folder is writable is checked when the file is
 * created (src-main/store/writable-folder.ts), with an error naming it.
 */
export class SessionPaths {
  readonly defaultFolder: string;

  constructor(defaultFolder: string) {
    this.defaultFolder = canonical(resolve(defaultFolder));
  }

  resolve(input: string): string {
    if (input.includes('\0')) throw new SessionPathError(input.replace(/\0/g, '\\0'), 'contains a NUL byte');
    if (!input.toLowerCase().endsWith('.klab')) throw new SessionPathError(input, 'expected a file name ending in .klab');
    const abs = isAbsolute(input) ? resolve(input) : resolve(this.defaultFolder, input);
    if (basename(abs).startsWith('.')) throw new SessionPathError(input, 'hidden file names are not accepted');
    return followLinks(abs, input);
  }
}

/** Where `abs` really leads: its symlinks followed (dangling ones too), then the existing prefix canonicalized. */
function followLinks(abs: string, input: string): string {
  let p = abs;
  // Linux gives up after 40 links (fs/namei.c: MAXSYMLINKS).
  for (let i = 0; i < 40; i++) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return `${canonical(dirname(p))}${sep}${basename(p)}`;
    }
    if (!st.isSymbolicLink()) return canonical(p);
    p = resolve(canonical(dirname(p)), readlinkSync(p));
  }
  throw new SessionPathError(input, 'too many levels of symbolic links');
}

/** realpath of the longest existing prefix, with the rest appended. */
function canonical(p: string): string {
  let head = p;
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) return p;
    tail.unshift(basename(head));
    head = up;
  }
  return [realpathSync(head), ...tail].join(sep);
}
