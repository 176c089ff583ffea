import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `kernel-lab serve` keeps between its runs (configDir()/serve.json,
 * mode 0600): the token and the last port. A restarted server takes both
 * again, so a page left open reconnects by itself instead of meeting
 * "forbidden: missing or wrong token" — the token still guards every request.
 */
export interface ServeState {
  token: string;
  port: number;
}

const FILE = 'serve.json';

export function loadServeState(dir: string): ServeState | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as Partial<ServeState>;
    if (typeof v.token !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(v.token)) return null;
    const port = Number.isInteger(v.port) && v.port! > 0 && v.port! <= 65535 ? v.port! : 0;
    return { token: v.token, port };
  } catch {
    return null;
  }
}

export function saveServeState(dir: string, s: ServeState): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(s)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, join(dir, FILE));
}
