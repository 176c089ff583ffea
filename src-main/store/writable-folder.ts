import { closeSync, openSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { SessionError } from './session-file';

/** Why the operating system refused to create `file`, in words naming its folder (errno → text). */
export function createRefusal(file: string, code: string | undefined): string {
  const dir = dirname(file);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `cannot create a file in ${dir}: permission denied (the folder is not writable for you)`;
    case 'EROFS':
      return `cannot create a file in ${dir}: read-only file system`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `cannot create a file in ${dir}: no space left on the device`;
    case 'ENOENT':
      return `no such folder ${dir}`;
    case 'ENOTDIR':
      return `${dir} is not a folder`;
    case 'EEXIST':
      return 'a file with this name already exists';
    default:
      return `cannot create a file in ${dir} (${code ?? 'unknown error'})`;
  }
}

/**
 * Checks that `file` can be created, by creating it (exclusively) and removing
 * it again: the only test that also holds for root, read-only mounts, quotas
 * and ACLs (access(2) says yes to root on a read-only bind mount's folder).
 * Throws a SessionError naming the folder and the reason; nothing is left behind.
 */
export function assertCanCreate(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SessionError(code === 'ENOENT' ? 'NOT_FOUND' : code === 'EEXIST' ? 'NOT_A_FILE' : 'READ_ONLY', file, createRefusal(file, code));
  }
  closeSync(fd);
  unlinkSync(file);
}
