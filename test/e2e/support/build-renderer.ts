// Builds dist/renderer (what browser mode serves) when it is missing or older
// than the renderer's sources; a no-op on the second run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const rendererDir = join(repoRoot, 'dist/renderer');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export async function ensureRendererBuilt(): Promise<void> {
  const index = join(rendererDir, 'index.html');
  const sources = Math.max(newest(join(repoRoot, 'src-renderer')), newest(join(repoRoot, 'src-sim/api')), newest(join(repoRoot, 'resources')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  await build({ configFile: join(repoRoot, 'src-renderer/vite.config.ts'), root: join(repoRoot, 'src-renderer'), logLevel: 'warn' });
}
