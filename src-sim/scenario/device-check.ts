import { deviceParamIssues } from '../hw/block/params-check';
import type { PathIssue } from './issues';
import type { BlockDeviceSpec } from './types';
import { formatSize } from './units';

// Kept free of the zod schema and the scratch kernel: the worker imports it to check a live plug.

const SECTOR = 512;

/**
 * A disk the block layer can add: partitions that fit, bad sector ranges on
 * the disk (inclusive, 512-byte sectors), and parameters its model reads
 * with values it takes. Also the check of a live `plug`.
 */
export function deviceIssues(d: BlockDeviceSpec, at: readonly (string | number)[], nrCpus: number): PathIssue[] {
  const issues: PathIssue[] = [];
  const total = d.partitions.reduce((sum, p) => sum + p, 0);
  if (total > d.sizeBytes) {
    issues.push({ path: [...at, 'partitions'], message: `expected partitions that fit the ${formatSize(d.sizeBytes)} disk, got ${formatSize(total)} in all` });
  }
  const sectors = Math.floor(d.sizeBytes / SECTOR);
  d.badSectors.forEach((b, i) => {
    const where = [...at, 'bad_sectors', i];
    if (!Number.isSafeInteger(b.start) || b.start < 0) issues.push({ path: [...where, 'start'], message: `expected a sector number ≥ 0, got ${b.start}` });
    else if (!Number.isSafeInteger(b.end) || b.start > b.end) issues.push({ path: where, message: `expected start ≤ end, got ${b.start} > ${b.end}` });
    else if (b.end >= sectors) issues.push({ path: [...where, 'end'], message: `expected a sector below ${sectors} (the disk has ${sectors} 512-byte sectors), got ${b.end}` });
  });
  for (const p of deviceParamIssues(d, nrCpus)) issues.push({ path: [...at, 'params', p.param], part: p.part, message: p.message });
  return issues;
}

