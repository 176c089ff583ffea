/**
 * Browser-mode transport: JSON messages over one WebSocket
 * (contract ClientMessage / ServerMessage), requests matched by id.
 */
import type { Channel, ClientMessage, EventName, Events, Req, Res, ServerMessage } from '../../src-main/ipc/contract.ts';
import { ServiceError, type Transport } from './transport';

export function wsTransport(url: string, WS: typeof WebSocket = WebSocket): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new WS(url);
    let nextId = 1;
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; channel: string }>();
    const listeners = new Map<string, Set<(d: unknown) => void>>();
    let open = false;
    ws.onopen = () => {
      open = true;
      resolve(transport);
    };
    ws.onerror = () => {
      if (!open) reject(new Error(`cannot connect to the lab service at ${url.replace(/token=[^&]+/, 'token=…')}`));
    };
    ws.onclose = (e) => {
      const err = new ServiceError('internal', `connection to the lab service closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`, '');
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      if (!open) reject(err);
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data)) as ServerMessage;
      if ('event' in msg) {
        for (const fn of listeners.get(msg.event) ?? []) fn(msg.data);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new ServiceError(msg.error.code, msg.error.message, p.channel));
    };
    const transport: Transport = {
      kind: 'websocket',
      call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
        const id = nextId++;
        const m: ClientMessage = { id, channel, payload: req };
        return new Promise<Res<C>>((res, rej) => {
          pending.set(id, { resolve: (v) => res(v as Res<C>), reject: rej, channel });
          ws.send(JSON.stringify(m));
        });
      },
      on<E extends EventName>(event: E, fn: (data: Events[E]) => void): () => void {
        const set = listeners.get(event) ?? new Set();
        const f = (d: unknown): void => fn(d as Events[E]);
        set.add(f);
        listeners.set(event, set);
        return () => set.delete(f);
      },
    };
  });
}

/**
 * The service URL for this page: same host, path /api (src-main/serve API_PATH).
 * The token rides in ?token= when the page was opened from the printed URL;
 * after that the server's HttpOnly cookie carries it on the upgrade request.
 */
export function serviceUrlFromLocation(loc: { protocol: string; host: string; search: string; hash: string }): string {
  const params = new URLSearchParams(loc.search);
  const hash = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('token') ?? hash.get('token');
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
