import { execFileSync } from 'node:child_process';

// Tests that spawn the CLI or a worker thread use the real bundles in dist/,
// so build them once before the run (a second or two with esbuild).
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
