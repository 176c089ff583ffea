import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LabClient, LabRequestError } from '../../../src-main/ipc/client';
import { startServer, type RunningServer } from '../../../src-main/serve/server';
import { WsTransport } from '../../../src-main/serve/ws-client';
import { makeLab } from '../fixtures/lab';

const f = makeLab();
const renderer = join(f.dir, 'renderer');
let server: RunningServer;
let bare: RunningServer;

beforeAll(async () => {
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Kernel Lab</title><script src="/assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(f.dir, 'secret.txt'), 'secret');
  symlinkSync(join(f.dir, 'secret.txt'), join(renderer, 'assets', 'link.js'));
  server = await startServer({ lab: f.lab, rendererDir: renderer });
  bare = await startServer({ lab: f.lab, rendererDir: join(f.dir, 'not-built') });
});
afterAll(async () => {
  await server.close();
  await bare.close();
  await f.dispose();
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw GET (no URL normalisation, so "../" reaches the server as written). */
function get(s: RunningServer, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path, method: 'GET', headers: { Host: `127.0.0.1:${s.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const tok = (s: RunningServer): string => `token=${s.token}`;

test('HTTP without the token, or with a wrong one, is refused with 403', async () => {
  expect((await get(server, '/')).status).toBe(403);
  expect((await get(server, '/assets/app.js')).status).toBe(403);
  expect((await get(server, `/?token=${'x'.repeat(server.token.length)}`)).status).toBe(403);
  expect((await get(server, '/', { Cookie: 'klab_token=wrong' })).status).toBe(403);
});

test('the URL with its token serves the renderer, sets an HttpOnly cookie, and sends a strict CSP', async () => {
  const r = await get(server, `/?${tok(server)}`);
  expect(r.status).toBe(200);
  expect(r.body).toContain('<title>Kernel Lab</title>');
  expect(String(r.headers['set-cookie'])).toBe(`klab_token=${server.token}; HttpOnly; SameSite=Strict; Path=/`);
  expect(r.headers['content-security-policy']).toContain("script-src 'self'");
  expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  const js = await get(server, '/assets/app.js', { Cookie: `klab_token=${server.token}` });
  expect(js.status).toBe(200);
  expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  // Client-side routes fall back to the app.
  expect((await get(server, `/compare/runs?${tok(server)}`)).body).toContain('<title>Kernel Lab</title>');
});

test('path traversal is refused, encoded or not, and symlinks cannot leave the renderer folder', async () => {
  for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/%00index.html']) {
    const r = await get(server, `${p}?${tok(server)}`);
    expect(r.status, p).toBe(403);
    expect(r.body).not.toContain('secret');
  }
  const link = await get(server, `/assets/link.js?${tok(server)}`);
  expect(link.status).toBe(403);
  expect(link.body).toBe('forbidden: symlink out of the renderer folder\n');
});

test('a foreign Host header is refused (DNS rebinding)', async () => {
  expect((await get(server, `/?${tok(server)}`, { Host: 'evil.example:80' })).status).toBe(403);
});

test('without a built renderer, a page says how to build it', async () => {
  const r = await get(bare, `/?${tok(bare)}`);
  expect(r.status).toBe(503);
  expect(r.body).toContain('renderer not built — run <code>npm run build:renderer</code>');
});

test('the WebSocket refuses a missing or wrong token and a cross-site Origin, and accepts the right one', async () => {
  const base = server.wsUrl.slice(0, server.wsUrl.indexOf('?'));
  await expect(WsTransport.connect(base)).rejects.toThrow('WebSocket refused: HTTP 403');
  await expect(WsTransport.connect(`${base}?token=nope`)).rejects.toThrow('WebSocket refused: HTTP 403');
  await expect(WsTransport.connect(server.wsUrl, { Origin: 'http://evil.example' })).rejects.toThrow('WebSocket refused: HTTP 403');
  const ok = await WsTransport.connect(server.wsUrl, { Origin: `http://127.0.0.1:${server.port}` });
  expect((await new LabClient(ok).call('session/recent', {})).paths).toEqual([]);
  await ok.close();
});

test('malformed WebSocket messages get an error reply and the connection keeps serving', async () => {
  const t = await WsTransport.connect(server.wsUrl);
  t.sendRaw('{not json');
  t.sendRaw(JSON.stringify({ channel: 'session/info' }));
  t.sendRaw(JSON.stringify([1, 2, 3]));
  const info = await new LabClient(t).call('session/info', {});
  expect(info).toHaveProperty('path');
  expect(t.orphanErrors).toHaveLength(3);
  expect(t.orphanErrors[0]).toMatch(/^malformed message: /);
  expect(t.orphanErrors[1]).toBe('malformed message: "id" must be an integer');
  expect(t.orphanErrors[2]).toBe('malformed message: expected a JSON object {id, channel, payload}');
  await t.close();
});

test('the servers listen on 127.0.0.1 only', async () => {
  expect(server.url.startsWith(`http://127.0.0.1:${server.port}/`)).toBe(true);
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!external) return; // No other interface on this machine: nothing else could reach it anyway.
  const refused = await new Promise<string>((resolve) => {
    const req = request({ host: external.address, port: server.port, path: '/' }, () => resolve('connected'));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end();
  });
  expect(refused).toBe('ECONNREFUSED');
});

test('a 200 MB junk file opened as a session is refused untouched and the service keeps serving', async () => {
  const junk = join(f.dir, 'junk.klab');
  // An SQLite magic number followed by garbage: it passes the first glance, not the second.
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  Buffer.from('SQLite format 3\u0000', 'latin1').copy(block, 0);
  const fd = openSync(junk, 'w');
  for (let i = 0; i < 200; i++) writeSync(fd, block);
  closeSync(fd);
  const digest = (): string => createHash('sha256').update(readFileSync(junk)).digest('hex');
  const before = { size: statSync(junk).size, mtime: statSync(junk).mtimeMs, hash: digest() };
  try {
    const t = await WsTransport.connect(server.wsUrl);
    const c = new LabClient(t);
    const err = await c.call('session/open', { path: junk }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LabRequestError);
    expect((err as LabRequestError).reply.code).toBe('refused');
    expect((err as LabRequestError).message).toMatch(new RegExp(`^${junk}: not a Kernel Lab session \\(SQLite application_id 0x`));
    expect({ size: statSync(junk).size, mtime: statSync(junk).mtimeMs, hash: digest() }).toEqual(before);
    expect(before.size).toBe(200 * 1024 * 1024);
    // Still serving, on the same connection.
    expect((await c.call('session/recent', {})).paths).not.toContain(junk);
    await t.close();
  } finally {
    rmSync(junk, { force: true });
  }
});
