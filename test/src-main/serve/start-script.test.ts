import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, test } from 'vitest';
import { repoRoot } from '../fixtures/bundle';
import { until } from '../fixtures/lab';

const dir = mkdtempSync(join(tmpdir(), 'klab-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('npm start without an Electron binary serves browser mode, prints the URL with its token and opens $BROWSER', async () => {
  const opened = join(dir, 'opened.txt');
  const browser = join(dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\necho "$1" > ${opened}\n`);
  chmodSync(browser, 0o755);
  const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, BROWSER: browser, KERNEL_LAB_NO_RENDERER_BUILD: '1', KERNEL_LAB_NO_BUILD: '1', KERNEL_LAB_CONFIG_DIR: join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('Kernel Lab: ') && resolve(l));
      child.once('exit', (code) => reject(new Error(`start exited with ${code}`)));
    });
    const url = line.slice('Kernel Lab: '.length);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    await until(() => existsSync(opened) && readFileSync(opened, 'utf8').trim() === url, 10_000, 'the browser to be opened');
    expect((await fetch(url)).status).not.toBe(403);
    expect((await fetch(url.slice(0, url.indexOf('?')))).status).toBe(403);
    // The server that hosts the simulator's workers gets glibc's huge-page advice (scripts/host-env.mjs).
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/);
    const servers = children.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/serve.mjs'));
    expect(servers).toHaveLength(1);
    const environ = readFileSync(`/proc/${servers[0]}/environ`, 'utf8').split('\0');
    expect(environ).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
