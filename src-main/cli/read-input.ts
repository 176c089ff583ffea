import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { dirname, relative, isAbsolute } from 'node:path';
import { badInput } from './errors';

/** Input files (scenarios, fio jobs, topology files, lscpu output) are small text; this keeps a hostile one from filling memory. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Measurement files (fio JSON results, a reproduction script's CSV) hold more than a scenario, still far less than this. */
export const MAX_MEASUREMENT_BYTES = 64 * 1024 * 1024;

/** A file that cannot be taken as input; the message names it and says why, never what is in it. */
export class InputFileError extends Error {}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Read a regular file of at most `max` bytes as UTF-8. Opened non-blocking,
 * so a FIFO with no writer cannot hang the command, and checked with fstat
 * on the open descriptor (no race with a rename): `/dev/zero`, a FIFO or a
 * directory is refused with what it is, an oversized file with its size.
 */
export function readRegularFile(path: string, max = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputFileError(`${path}: cannot read: ${err.code ?? err.message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputFileError(`${path}: expected a regular file, got ${kindOf(st)}`);
    if (st.size > max) throw new InputFileError(`${path}: expected at most ${max} bytes, got ${st.size}`);
    // Read one byte past the limit: a file that grew since fstat is still refused.
    const buf = Buffer.alloc(Math.min(max, st.size) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > max) throw new InputFileError(`${path}: expected at most ${max} bytes, got more (it is growing)`);
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** readRegularFile for a command's own input: a refusal is bad input (exit 2) naming the file. */
export function readInputFile(path: string, max = MAX_INPUT_BYTES): string {
  try {
    return readRegularFile(path, max);
  } catch (e) {
    if (e instanceof InputFileError) throw badInput(e.message);
    throw e;
  }
}

/**
 * Where files a scenario names (fio jobs) may come from: its own folder (real
 * paths, so a symlink inside it that points out does not count), or a file
 * or folder named on the command line. Anything else is refused before it
 * is opened, so a scenario cannot make the lab read a host file.
 */
export function confinedReader(scenarioFile: string, allowed: readonly string[] = []): (path: string) => string {
  const roots = [safeRealpath(dirname(scenarioFile)), ...allowed.map(safeRealpath)].filter((p): p is string => p !== null);
  return (path: string): string => {
    const real = safeRealpath(path);
    if (real === null) return readRegularFile(path);
    if (!roots.some((r) => inside(r, real))) {
      throw new InputFileError(`${path}: outside the scenario's folder; name it (or its folder) with --allow PATH to read it`);
    }
    return readRegularFile(real);
  };
}

function safeRealpath(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
