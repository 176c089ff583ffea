// Locates test/fixtures/data (the real input samples) from the repository root.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
export const dataDir = resolve(repoRoot, 'test/fixtures/data');

export function readData(rel: string): string {
  return readFileSync(join(dataDir, rel), 'utf8');
}

/** Every data file under `sub` (recursively), relative to dataDir, licence notes excluded. */
export function dataFiles(sub: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => {
      const p = join(d, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return walk(join(dataDir, sub))
    .filter((f) => !f.endsWith('LICENSE-NOTE.txt'))
    .map((f) => relative(dataDir, f))
    .sort();
}
