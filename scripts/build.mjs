// Bundles the Node entry points into dist/ with esbuild (packages stay
// external and load from node_modules). Runs on `npm install` (prepare),
// before tests and before benchmarks; takes about a second.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  cli: 'src-main/cli/main.ts',
  'sim-worker': 'src-main/sim-host/worker.ts',
  bench: 'bench/main.ts',
};

const present = Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(src)));

await build({
  entryPoints: present,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

if (existsSync('src-main/electron/main.ts')) {
  await build({
    entryPoints: { 'electron-main': 'src-main/electron/main.ts', preload: 'src-main/electron/preload.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', 'better-sqlite3'],
    // The shared Node code locates dist/sim-worker.mjs from import.meta.url;
    // in this CommonJS bundle that is the bundle's own file URL.
    define: { 'import.meta.url': '__kernelLabBundleUrl' },
    banner: { js: "const __kernelLabBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
}
