import { KernelError } from './errors';
import type { FieldSink } from './fields';

/** One virtual file: read returns the kernel's text; write parses like the kernel. */
export interface VirtualFile {
  read?: () => string;
  /** `data` has its trailing newline stripped (as the kernel's strstrip does). */
  write?: (data: string) => void;
  /**
   * A binary sysfs attribute (bin_attribute, e.g. /sys/kernel/mm/page_idle/bitmap):
   * pread(2) at a byte offset. Such files have no text `read`, so they are
   * neither sampled nor part of a run's file snapshot.
   */
  pread?: (offset: number, count: number) => Uint8Array;
  /** pwrite(2) of bytes at an offset; returns the bytes the kernel consumed. */
  pwrite?: (offset: number, data: Uint8Array) => number;
  /** Sampled into time series by the recorder (stat, pressure, current, …). */
  observable?: boolean;
  /**
   * The recorder's numeric path: emits exactly the fields, in order and with
   * the values, that parseFields(read()) gives, without rendering the text
   * (test/src-sim/engine/recorder-numeric.test.ts checks every such file).
   */
  sample?: (out: FieldSink) => void;
  /**
   * The file takes and keeps a value the simulation does not act on: why.
   * Every accepted write is reported through Vfs.onStoredOnly (the kernel
   * logs it), so nobody believes the knob acted.
   */
  notSimulated?: string;
}

/** A write to a file whose value is stored but not simulated. */
export type StoredOnlyHook = (path: string, value: string, why: string) => void;

/**
 * The virtual /sys and /proc: a flat registry of absolute paths.
 * Subsystems register their files; the scenario, the timeline and the UI
 * read and write them by path exactly as one would on a real machine.
 */
export class Vfs {
  private readonly files = new Map<string, VirtualFile>();
  /** Paths the running kernel version does not have: register() skips them (see kernel/versions.ts). */
  gate: ((path: string) => boolean) | null = null;
  /** Called after every accepted write to a `notSimulated` file. */
  onStoredOnly: StoredOnlyHook | null = null;

  /** Mark a registered file as stored-but-not-simulated, with why. */
  markNotSimulated(path: string, why: string): void {
    const f = this.files.get(path);
    if (f) f.notSimulated = why;
  }

  /** Why a file's value is not simulated, or undefined when it is (or does not exist). */
  notSimulated(path: string): string | undefined {
    return this.files.get(path)?.notSimulated;
  }

  register(path: string, file: VirtualFile): void {
    if (!path.startsWith('/')) throw new Error(`vfs: path must be absolute: ${path}`);
    if (this.gate !== null && !this.gate(path)) return;
    this.files.set(path, file);
  }

  unregister(path: string): void {
    this.files.delete(path);
  }

  /** Remove `prefix` itself and everything below it. */
  unregisterTree(prefix: string): void {
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (const p of [...this.files.keys()]) {
      if (p === prefix || p.startsWith(dir)) this.files.delete(p);
    }
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  get(path: string): VirtualFile | undefined {
    return this.files.get(path);
  }

  read(path: string): string {
    const f = this.files.get(path);
    if (!f) throw new KernelError('ENOENT', path);
    if (!f.read) throw new KernelError('EINVAL', path, f.pread ? 'binary file: read it with pread at an offset' : 'file is write-only');
    return f.read();
  }

  /** pread(2) on a binary attribute; errors carry the path like read(). */
  pread(path: string, offset: number, count: number): Uint8Array {
    const f = this.files.get(path);
    if (!f) throw new KernelError('ENOENT', path);
    if (!f.pread) throw new KernelError('EINVAL', path, 'not a binary file');
    return withPath(path, () => f.pread!(offset, count));
  }

  /** pwrite(2) on a binary attribute: the bytes consumed. */
  pwrite(path: string, offset: number, data: Uint8Array): number {
    const f = this.files.get(path);
    if (!f) throw new KernelError('ENOENT', path);
    if (!f.pwrite) throw new KernelError('EINVAL', path, 'not a binary file');
    return withPath(path, () => f.pwrite!(offset, data));
  }

  /** Write as `echo data > path` would: one trailing newline is stripped. */
  write(path: string, data: string): void {
    const f = this.files.get(path);
    if (!f) throw new KernelError('ENOENT', path);
    if (!f.write) throw new KernelError('EACCES', path, 'file is read-only');
    const body = data.endsWith('\n') ? data.slice(0, -1) : data;
    try {
      f.write(body);
    } catch (e) {
      if (e instanceof KernelError && e.path === '') throw new KernelError(e.errno, path, e.detail);
      throw e;
    }
    if (f.notSimulated !== undefined && this.onStoredOnly) this.onStoredOnly(path, body, f.notSimulated);
  }

  /** Sorted paths, optionally below `prefix`. */
  list(prefix = '/'): string[] {
    const out: string[] = [];
    for (const p of this.files.keys()) if (p.startsWith(prefix)) out.push(p);
    return out.sort();
  }

  /** Paths of readable files worth sampling as series. */
  observables(): string[] {
    const out: string[] = [];
    for (const [p, f] of this.files) if (f.observable && f.read) out.push(p);
    return out.sort();
  }
}

/** Run a file handler; a KernelError raised without a path (fail()) gets `path`. */
function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KernelError && e.path === '') throw new KernelError(e.errno, path, e.detail);
    throw e;
  }
}
