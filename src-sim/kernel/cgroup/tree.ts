import type { Vfs, VirtualFile } from '../../vfs/vfs';
import { fail } from '../../vfs/errors';
import { Cgroup, type V1Controller } from './cgroup';

export type CgroupVersion = 1 | 2;

/** Called for every new group (root included) so a controller can add its state and files. */
export type CgroupHook = (cg: Cgroup) => void;

/**
 * The cgroup hierarchy and where its files live:
 *   v2: /sys/fs/cgroup/<path>/<file>
 *   v1: /sys/fs/cgroup/<controller>/<path>/<file>
 */
export class CgroupTree {
  readonly root: Cgroup = new Cgroup('/', null);
  private readonly byPath = new Map<string, Cgroup>([['/', this.root]]);
  private readonly hooks: CgroupHook[] = [];

  constructor(
    readonly version: CgroupVersion,
    private readonly vfs: Vfs,
  ) {}

  /** Register a controller's hook; it runs for existing groups at once. */
  onCreate(hook: CgroupHook): void {
    this.hooks.push(hook);
    for (const cg of this.root.walk()) hook(cg);
  }

  get(path: string): Cgroup | undefined {
    return this.byPath.get(normalize(path));
  }

  all(): Cgroup[] {
    return [...this.root.walk()];
  }

  /** mkdir -p: creates missing ancestors too. */
  create(path: string): Cgroup {
    const norm = normalize(path);
    const found = this.byPath.get(norm);
    if (found) return found;
    const parentPath = norm.lastIndexOf('/') === 0 ? '/' : norm.slice(0, norm.lastIndexOf('/'));
    const parent = this.create(parentPath);
    const cg = new Cgroup(norm, parent);
    parent.children.push(cg);
    this.byPath.set(norm, cg);
    for (const hook of this.hooks) hook(cg);
    return cg;
  }

  /**
   * Absolute path of a group's interface file. `controller` picks the v1
   * hierarchy; v2 ignores it (one unified hierarchy).
   */
  filePath(cg: Cgroup, controller: V1Controller, file: string): string {
    const dir = cg.path === '/' ? '' : cg.path;
    return this.version === 2 ? `/sys/fs/cgroup${dir}/${file}` : `/sys/fs/cgroup/${controller}${dir}/${file}`;
  }

  /** Register a group's file in the right place for the mounted version. */
  registerFile(cg: Cgroup, controller: V1Controller, file: string, vf: VirtualFile): void {
    this.vfs.register(this.filePath(cg, controller, file), vf);
  }

  /** Where `cgroup.procs` of a group lives (v1: in every hierarchy; we expose the cpu one first). */
  procsPaths(cg: Cgroup): string[] {
    if (this.version === 2) return [this.filePath(cg, 'cpu', 'cgroup.procs')];
    return (['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio'] as const).map((c) => this.filePath(cg, c, 'cgroup.procs'));
  }
}

/** "/a/b/" → "/a/b", "a" → "/a", "" → "/" */
export function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  return `/${parts.join('/')}`;
}

/** Parse a decimal integer the way kstrtoull/kstrtoll do: optional sign, digits only. */
export function parseKernelInt(s: string): number {
  const t = s.trim();
  if (!/^[-+]?\d+$/.test(t)) fail('EINVAL', `expected an integer, got "${s}"`);
  const v = Number(t);
  if (!Number.isSafeInteger(v)) fail('ERANGE', `${s} is out of range`);
  return v;
}
