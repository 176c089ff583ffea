import type { Task } from '../task';

/** cgroup v1 controller hierarchies this simulator mounts. */
export type V1Controller = 'cpu' | 'cpuacct' | 'cpuset' | 'memory' | 'blkio';

/**
 * One node of the cgroup tree. The path is the v2 path ("/" for the root,
 * "/web/frontend" below it); in v1 mode the same node stands in every
 * controller hierarchy and its files appear under /sys/fs/cgroup/<ctrl>/path.
 * Subsystems keep their per-group state in the typed slots.
 */
export class Cgroup {
  readonly children: Cgroup[] = [];
  readonly tasks: Task[] = [];
  sched?: unknown;
  mem?: unknown;
  io?: unknown;
  psi?: unknown;

  constructor(
    readonly path: string,
    readonly parent: Cgroup | null,
  ) {}

  get isRoot(): boolean {
    return this.parent === null;
  }

  /** "/" → "", "/a/b" → "b" */
  get name(): string {
    return this.path === '/' ? '' : this.path.slice(this.path.lastIndexOf('/') + 1);
  }

  /** This group and every ancestor up to the root, nearest first. */
  *ancestors(): Generator<Cgroup> {
    yield this;
    for (let c = this.parent; c; c = c.parent) yield c;
  }

  /** Pre-order walk of the subtree. */
  *walk(): Generator<Cgroup> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}
