// `npm start`: the desktop app when the Electron binary is installed,
// otherwise browser mode — build what is missing, serve on 127.0.0.1, print
// the URL with its token and open a browser if one is available.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { withHugePageMalloc } from './host-env.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** Path of the Electron binary, or null when it was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function rendererBuilt() {
  return existsSync(join(root, 'dist/renderer/index.html'));
}

function buildRendererIfNeeded() {
  // KERNEL_LAB_NO_RENDERER_BUILD=1: serve whatever is there (tests; a renderer served by `vite dev`).
  if (rendererBuilt() || process.env.KERNEL_LAB_NO_RENDERER_BUILD === '1') return;
  if (!existsSync(join(root, 'src-renderer/vite.config.ts'))) {
    console.error('kernel-lab: no renderer sources (src-renderer/) to build; the server will say so in the page');
    return;
  }
  console.error('kernel-lab: building the renderer (npm run build:renderer)…');
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build:renderer']);
}

/** First program on PATH among `names`, or null. */
function onPath(names) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const n of names) {
      const p = join(dir, n);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function openBrowser(url) {
  const fromEnv = process.env.BROWSER;
  const opener =
    fromEnv ? fromEnv : process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : onPath(['xdg-open']);
  if (!opener) return;
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No browser here: the printed URL is enough.
  }
}

const electron = electronBinary();
// KERNEL_LAB_NO_BUILD=1: dist/ is known to be fresh (tests, whose global setup built it; rebuilding
// would rewrite dist/sim-worker.mjs under workers that other tests are starting).
if (process.env.KERNEL_LAB_NO_BUILD !== '1') run(process.execPath, ['scripts/build.mjs']);
buildRendererIfNeeded();

if (electron) {
  const child = spawn(electron, ['.', ...args], { cwd: root, stdio: 'inherit', env: withHugePageMalloc(process.env) });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  await build({
    entryPoints: { serve: join(root, 'src-main/serve/main.ts') },
    outdir: join(root, 'dist'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  console.error('kernel-lab: no Electron binary installed; starting browser mode');
  const child = spawn(process.execPath, [join(root, 'dist/serve.mjs'), ...args], {
    cwd: process.cwd(),
    stdio: ['inherit', 'pipe', 'inherit'],
    // The server's workers run the simulations: see scripts/host-env.mjs.
    env: withHugePageMalloc(process.env),
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    console.log(line);
    const m = /^Kernel Lab: (http:\/\/\S+)$/.exec(line);
    if (m) openBrowser(m[1]);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
