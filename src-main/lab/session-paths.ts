import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

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
 * Where clients may put session files. A client (renderer, browser tab) names
 * a session by a path relative to the first root or an absolute path inside
 * one of the roots; `..` that leaves every root, symlinks out of them, and
 * anything not ending in .klab are refused. The desktop's own open/save
 * dialogs bypass this (the user picked the file), through `trusted`.
 */
export class SessionPaths {
  readonly roots: string[];

  constructor(roots: string[]) {
    if (!roots.length) throw new Error('SessionPaths: at least one root');
    this.roots = roots.map((r) => canonical(resolve(r)));
  }

  resolve(input: string, opts: { trusted?: boolean } = {}): string {
    if (input.includes('\0')) throw new SessionPathError(input.replace(/\0/g, '\\0'), 'contains a NUL byte');
    if (!input.toLowerCase().endsWith('.klab')) throw new SessionPathError(input, 'expected a file name ending in .klab');
    const abs = isAbsolute(input) ? resolve(input) : resolve(this.roots[0]!, input);
    if (basename(abs).startsWith('.')) throw new SessionPathError(input, 'hidden file names are not accepted');
    // Resolve symlinks of the existing part (the file itself may not exist
    // yet), following a symlink at the name itself even when it dangles:
    // SQLite would create the file where it points.
    const real = followLinks(abs, input);
    if (opts.trusted) return real;
    if (!this.roots.some((root) => inside(root, real))) {
      throw new SessionPathError(input, `outside the session folders (${this.roots.join(', ')})`);
    }
    return real;
  }
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
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
