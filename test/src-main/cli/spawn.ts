import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixture = (name: string): string => `test/src-main/cli/fixtures/${name}`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `node bin/kernel-lab.mjs ARGS` from the repository root (dist/ built by test/global-setup.ts). */
export function cli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['bin/kernel-lab.mjs', ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI without waiting for it. */
export function cliAsync(...args: string[]): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['bin/kernel-lab.mjs', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}
