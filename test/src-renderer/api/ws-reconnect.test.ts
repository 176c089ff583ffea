// The renderer's WebSocket transport over real sockets (the `ws` package's
// client and server): a lost server fails calls in flight and calls made
// meanwhile with the channel named, then the transport reconnects by itself
// to a server started again on the same port and event listeners still fire.
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import type { ConnectionState } from '../../../src-renderer/api/transport';
import { wsTransport } from '../../../src-renderer/api/ws-transport';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await closeServer(s);
});

/** Answers {id, channel} with {id, ok, result: channel} unless the channel is "hang"; pushes one event on connect. */
function labLike(port = 0): Promise<WebSocketServer> {
  return new Promise((res) => {
    const s: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port }, () => res(s));
    servers.push(s);
    s.on('connection', (ws: NodeWebSocket) => {
      ws.send(JSON.stringify({ event: 'onSessionChanged', data: { path: null, untitled: true, runCount: 0, savedAt: null } }));
      ws.on('message', (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as { id: number; channel: string };
        if (m.channel !== 'hang') ws.send(JSON.stringify({ id: m.id, ok: true, result: m.channel }));
      });
    });
  });
}

function closeServer(s: WebSocketServer): Promise<void> {
  for (const c of s.clients) c.terminate();
  return new Promise((r) => s.close(() => r()));
}

const until = async (f: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!f()) throw new Error(`timed out waiting for ${what}`);
};

test('calls fail with the channel named while the server is gone; the transport reconnects to its restart', async () => {
  const first = await labLike();
  const port = (first.address() as AddressInfo).port;
  const t = await wsTransport(`ws://127.0.0.1:${port}/api`, NodeWebSocket as unknown as typeof WebSocket, { retryMs: [20, 40] });
  const states: ConnectionState['status'][] = [];
  t.onConnection!((s) => states.push(s.status));
  let events = 0;
  t.on('onSessionChanged', () => events++);
  expect(await t.call('session/info', {})).toBe('session/info');

  const inFlight = t.call('hang' as 'session/info', {});
  await closeServer(first);
  servers.length = 0;
  await expect(inFlight).rejects.toMatchObject({ code: 'disconnected', message: expect.stringMatching(/^hang: connection to the lab service lost \(\d+/) });
  await until(() => states.includes('reconnecting'), 'reconnecting');
  await expect(t.call('run/list', {})).rejects.toMatchObject({
    code: 'disconnected',
    message: 'run/list: not connected to the lab service (reconnecting); nothing was sent',
  });

  await labLike(port);
  await until(() => states.at(-1) === 'connected', 'the reconnect');
  expect(await t.call('run/list', {})).toBe('run/list');
  await until(() => events === 1, 'the event on the new connection');
});

test('the first connection failing is an error naming the URL without its token', async () => {
  const s = await labLike();
  const port = (s.address() as AddressInfo).port;
  await closeServer(s);
  servers.length = 0;
  await expect(wsTransport(`ws://127.0.0.1:${port}/api?token=secret`, NodeWebSocket as unknown as typeof WebSocket)).rejects.toThrow(
    `cannot connect to the lab service at ws://127.0.0.1:${port}/api?token=…`,
  );
});
