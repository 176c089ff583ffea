/**
 * Browser-mode transport: JSON messages over one WebSocket
 * (contract ClientMessage / ServerMessage), requests matched by id.
 *
 * A lost connection is not the end: calls in flight fail at once with a
 * `disconnected` ServiceError naming their channel, calls made meanwhile fail
 * the same way (nothing is queued to run later behind the user's back), and
 * the socket is reopened with a capped back-off until the server answers
 * again. Event listeners survive the reconnect; `onConnection` tells the page
 * (banner, re-subscribing the live run, refreshing lists).
 */
import type { Channel, ClientMessage, EventName, Events, Req, Res, ServerMessage } from '../../src-main/ipc/contract.ts';
import { ServiceError, type ConnectionState, type Transport } from './transport';

export interface WsTransportOptions {
  /** Delays between reconnect attempts (the last one repeats). */
  retryMs?: readonly number[];
  /**
   * Why a reconnect attempt was refused, when the server can say: browser
   * mode asks the page's own origin over HTTP (a 403 means a new token).
   */
  diagnose?: () => Promise<string | null>;
}

export const DEFAULT_RETRY_MS: readonly number[] = [250, 500, 1000, 2000];

export function wsTransport(url: string, WS: typeof WebSocket = WebSocket, opts: WsTransportOptions = {}): Promise<Transport> {
  const retry = opts.retryMs ?? DEFAULT_RETRY_MS;
  const shownUrl = url.replace(/token=[^&]+/, 'token=…');
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; channel: string }>();
  const listeners = new Map<string, Set<(d: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let ws: WebSocket | null = null;
  let state: ConnectionState = { status: 'connecting', attempt: 0, detail: null };
  let everOpen = false;

  const setState = (s: ConnectionState): void => {
    state = s;
    for (const f of stateListeners) f(s);
  };

  const failPending = (why: string): void => {
    for (const p of pending.values()) p.reject(new ServiceError('disconnected', `${p.channel}: ${why}`, p.channel));
    pending.clear();
  };

  const open = (onFirstOpen: () => void, onFirstFail: (e: Error) => void): void => {
    const sock = new WS(url);
    ws = sock;
    let opened = false;
    sock.onopen = () => {
      opened = true;
      everOpen = true;
      setState({ status: 'connected', attempt: 0, detail: null });
      onFirstOpen();
    };
    // An error is always followed by a close event, which handles it.
    sock.onerror = () => undefined;
    sock.onmessage = (e) => {
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
    sock.onclose = (e) => {
      if (ws !== sock) return;
      ws = null;
      const closed = `connection to the lab service lost (${e.code}${e.reason ? `: ${e.reason}` : ''}) before it answered`;
      failPending(closed);
      if (!everOpen) {
        onFirstFail(new Error(`cannot connect to the lab service at ${shownUrl}`));
        return;
      }
      const attempt = opened ? 1 : state.attempt + 1;
      setState({ status: 'reconnecting', attempt, detail: state.status === 'reconnecting' ? state.detail : null });
      const wait = retry[Math.min(attempt - 1, retry.length - 1)]!;
      setTimeout(() => {
        void (async () => {
          const detail = opened || !opts.diagnose ? null : await opts.diagnose().catch(() => null);
          if (detail !== state.detail) setState({ ...state, detail });
          open(() => undefined, () => undefined);
        })();
      }, wait);
    };
  };

  const transport: Transport = {
    kind: 'websocket',
    call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
      const sock = ws;
      if (!sock || state.status !== 'connected') {
        return Promise.reject(new ServiceError('disconnected', `${channel}: not connected to the lab service (reconnecting); nothing was sent`, channel));
      }
      const id = nextId++;
      const m: ClientMessage = { id, channel, payload: req };
      return new Promise<Res<C>>((res, rej) => {
        pending.set(id, { resolve: (v) => res(v as Res<C>), reject: rej, channel });
        sock.send(JSON.stringify(m));
      });
    },
    on<E extends EventName>(event: E, fn: (data: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      const f = (d: unknown): void => fn(d as Events[E]);
      set.add(f);
      listeners.set(event, set);
      return () => set.delete(f);
    },
    onConnection(fn: (s: ConnectionState) => void): () => void {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
  };

  return new Promise((resolve, reject) => open(() => resolve(transport), reject));
}

/**
 * Browser mode's answer to "why is the WebSocket refused?": the server is
 * down (fetch fails), or up but refusing this page's token (HTTP 403: it was
 * restarted without the token this page has).
 */
export async function diagnoseBrowserMode(origin: string, fetchFn: typeof fetch = fetch): Promise<string | null> {
  try {
    const r = await fetchFn(`${origin}/`, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' });
    if (r.status === 403) return 'the lab service is running again but refuses this page’s token (it was restarted with a new one): open the URL it printed';
    return null;
  } catch {
    return 'the lab service does not answer (stopped or restarting)';
  }
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
