import type { Memcg } from './memcg';

/**
 * mm/memcontrol.c: mem_cgroup_calculate_protection() for every group below
 * the reclaim root. A group's effective protection is its own setting capped
 * by its usage; when siblings together claim more than the parent's
 * effective protection, each gets a share proportional to its protected
 * usage (effective_protection()). The recursive_prot mount option is not
 * modelled.
 */
export function calculateProtection(root: Memcg): void {
  root.emin = 0;
  root.elow = 0;
  for (const child of root.children) visit(child, root);
}

function visit(m: Memcg, root: Memcg): void {
  const parent = m.parent!;
  if (parent === root) {
    m.emin = m.min;
    m.elow = m.low;
  } else {
    m.emin = effectiveProtection(m.usage, m.min, parent.emin, childrenProtected(parent, (c) => c.min));
    m.elow = effectiveProtection(m.usage, m.low, parent.elow, childrenProtected(parent, (c) => c.low));
  }
  for (const c of m.children) visit(c, root);
}

/** propagate_protected_usage(): Σ min(usage, setting) over the children. */
function childrenProtected(parent: Memcg, setting: (m: Memcg) => number): number {
  let s = 0;
  for (const c of parent.children) s += Math.min(c.usage, setting(c));
  return s;
}

/** mm/memcontrol.c: effective_protection() without recursive_prot. */
export function effectiveProtection(usage: number, setting: number, parentEffective: number, siblingsProtected: number): number {
  const prot = Math.min(usage, setting);
  if (siblingsProtected > parentEffective) return Math.floor((prot * parentEffective) / siblingsProtected);
  return prot;
}

/** mem_cgroup_below_min(): usage within the effective min (never the reclaim root). */
export function belowMin(root: Memcg, m: Memcg): boolean {
  return m !== root && !m.isRoot && m.usage <= m.emin;
}

/** mem_cgroup_below_low(). */
export function belowLow(root: Memcg, m: Memcg): boolean {
  return m !== root && !m.isRoot && m.usage <= m.elow;
}
