// `kernel-lab serve` as a real child process (what a user starts), so a test
// can kill it and start it again: the reconnect and start/cancel tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, rendererDir } from './build-renderer';

export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  alive: () => boolean;
  kill: () => Promise<void>;
}

/** Starts `kernel-lab serve --session S` with its per-user state in `configDir` (token and port are remembered there). */
export async function startServeProcess(session: string, configDir: string, extra: string[] = []): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/kernel-lab.mjs'), 'serve', '--session', session, '--renderer', rendererDir, ...extra], {
    env: { ...process.env, KERNEL_LAB_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const line = await new Promise<string>((res, rej) => {
    createInterface({ input: proc.stdout! }).once('line', res);
    void exited.then(() => rej(new Error(`kernel-lab serve exited (${proc.exitCode ?? proc.signalCode}): ${err}`)));
  });
  const url = /Kernel Lab: (\S+)/.exec(line)?.[1];
  if (!url) throw new Error(`unexpected first line from kernel-lab serve: ${line}`);
  return {
    proc,
    url,
    stderr: () => err,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
