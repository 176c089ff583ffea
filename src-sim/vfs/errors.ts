/** The errno values a virtual file read or write can fail with. */
export type Errno =
  | 'EINVAL'
  | 'ERANGE'
  | 'EBUSY'
  | 'ENOENT'
  | 'EACCES'
  | 'EPERM'
  | 'ENXIO'
  | 'ENODEV'
  | 'EAGAIN'
  | 'EIO'
  | 'ENOSPC'
  | 'ENOMEM'
  | 'EOPNOTSUPP'
  | 'ESRCH'
  | 'EEXIST';

const STRERROR: Record<Errno, string> = {
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
  EBUSY: 'Device or resource busy',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENXIO: 'No such device or address',
  ENODEV: 'No such device',
  EAGAIN: 'Resource temporarily unavailable',
  EIO: 'Input/output error',
  ENOSPC: 'No space left on device',
  ENOMEM: 'Cannot allocate memory',
  EOPNOTSUPP: 'Operation not supported',
  ESRCH: 'No such process',
  EEXIST: 'File exists',
};

/** What the kernel returns for a refused read/write, as the shell would print it. */
export class KernelError extends Error {
  constructor(
    readonly errno: Errno,
    readonly path: string,
    readonly detail = '',
  ) {
    super(`${path}: ${STRERROR[errno]} (${errno})${detail ? `: ${detail}` : ''}`);
    this.name = 'KernelError';
  }
}

/** Thrown by write handlers before the path is known; the Vfs adds the path. */
export function fail(errno: Errno, detail = ''): never {
  throw new KernelError(errno, '', detail);
}
