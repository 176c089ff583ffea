import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runner } from '../lab/ports';
import { LabService } from '../lab/service';
import { configDir } from '../lab/config-dir';
import { IsolatingRunner } from '../lab/isolating-runner';
import { loadServeState, saveServeState } from './serve-state';
import { startServer, type RunningServer } from './server';

export interface ServeArgs {
  port: number;
  session: string | null;
  rendererDir: string | null;
}

export const SERVE_USAGE = 'usage: kernel-lab serve [--port P] [--session FILE.klab] [--renderer DIR]';

/** Parse `serve` arguments; throws with the usage line on anything unexpected. */
export function parseServeArgs(argv: string[]): ServeArgs {
  const out: ServeArgs = { port: 0, session: null, rendererDir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value\n${SERVE_USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const p = Number(v);
        if (!/^\d+$/.test(v) || p > 65535) throw new Error(`--port: expected a port number 0-65535, got "${v}"\n${SERVE_USAGE}`);
        out.port = p;
        break;
      }
      case '--session':
        out.session = value();
        break;
      case '--renderer':
        out.rendererDir = value();
        break;
      default:
        throw new Error(`unknown argument "${a}"\n${SERVE_USAGE}`);
    }
  }
  return out;
}

/** dist/renderer next to this bundle (dist/cli.mjs) or at the repo root when run from source. */
export function defaultRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = resolve(here, 'renderer');
  if (existsSync(bundled)) return bundled;
  return resolve(here, '../../dist/renderer');
}

export interface ServeHandle {
  server: RunningServer;
  lab: LabService;
  close(): Promise<void>;
}

/** Start browser mode: worker threads with a runaway watchdog (or the given runner), the lab service (optionally on a session) and the server. */
export async function serve(args: ServeArgs, deps: { runner?: Runner; token?: string; preferPort?: number; configDir?: string } = {}): Promise<ServeHandle> {
  const session = args.session ? resolve(args.session) : null;
  const pool = deps.runner ?? new IsolatingRunner();
  const lab = new LabService({ runner: pool, ...(deps.configDir ? { configDir: deps.configDir } : {}) });
  try {
    if (session) {
      if (existsSync(session)) await lab.openSession(session);
      else await lab.newSession(session);
    }
    const rendererDir = args.rendererDir ?? defaultRendererDir();
    const token = deps.token ? { token: deps.token } : {};
    let server: RunningServer;
    try {
      // No --port: the port of the previous run when it is free, so open pages find the server again.
      server = await startServer({ lab, port: args.port || deps.preferPort || 0, rendererDir, ...token });
    } catch (e) {
      if (args.port || !deps.preferPort || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      server = await startServer({ lab, port: 0, rendererDir, ...token });
    }
    return {
      server,
      lab,
      close: async () => {
        await server.close();
        await lab.close();
        await pool.close();
      },
    };
  } catch (e) {
    await lab.close();
    await pool.close();
    throw e;
  }
}

/**
 * `kernel-lab serve [--port P] [--session FILE]`: serve until SIGINT/SIGTERM.
 * Prints the URL with its token on stdout (one line, "Kernel Lab: <url>").
 * Exit code 0 after a clean shutdown, 2 for bad arguments, 1 if it cannot start.
 */
export async function serveCommand(argv: string[]): Promise<number> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (e) {
    process.stderr.write(`kernel-lab serve: ${(e as Error).message}\n`);
    return 2;
  }
  let handle: ServeHandle;
  const stateDir = configDir();
  const previous = loadServeState(stateDir);
  try {
    handle = await serve(args, { ...(previous ? { token: previous.token } : {}), ...(previous?.port ? { preferPort: previous.port } : {}) });
  } catch (e) {
    process.stderr.write(`kernel-lab serve: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    saveServeState(stateDir, { token: handle.server.token, port: handle.server.port });
  } catch (e) {
    process.stderr.write(`kernel-lab serve: cannot remember the token in ${stateDir} (${(e as Error).message}); a restart will need the new URL\n`);
  }
  process.stdout.write(`Kernel Lab: ${handle.server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await handle.close();
  return 0;
}
