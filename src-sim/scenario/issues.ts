import type { SourcePath } from './errors';

/** A problem found after parsing, before it is placed in the file (load.ts adds file, line, col). */
export interface PathIssue {
  path: SourcePath;
  /** Point at the key (a wrong name) rather than the value (a wrong value). */
  part?: 'key' | 'value';
  message: string;
}

/**
 * Where each part of a resolved Scenario came from in the file, so a problem
 * found on the resolved form (a refused kernel write) points at its source.
 */
export interface Origins {
  /** Per resolved cgroup: its key as written, and per write the file key. */
  cgroups: { key: string; files: string[] }[];
  /** Per resolved sysctl: the name as written. */
  sysctl: string[];
  /** Per resolved timeline action: the path of its value in the file. */
  timeline: SourcePath[];
}

/** Origins for a Scenario built in code rather than read from a file: paths name the resolved fields. */
export function syntheticOrigins(s: {
  cgroups: { path: string; writes: [string, string][] }[];
  kernel: { sysctl: [string, string][] };
  timeline: unknown[];
}): Origins {
  return {
    cgroups: s.cgroups.map((c) => ({ key: c.path, files: c.writes.map(([f]) => f) })),
    sysctl: s.kernel.sysctl.map(([n]) => n),
    timeline: s.timeline.map((_, i) => ['timeline', i]),
  };
}
