/**
 * How the renderer reaches the lab service. Two transports carry the same
 * contract (src-main/ipc/contract.ts): the Electron preload (window.kernelLab)
 * and, in browser mode, a WebSocket authenticated by the token in the page URL.
 */
import type { Channel, EventName, Events, Req, Res } from '../../src-main/ipc/contract.ts';

/** The link to the service: browser mode can lose it (server stopped) and get it back. */
export interface ConnectionState {
  status: 'connecting' | 'connected' | 'reconnecting';
  /** Reconnect attempts since the connection was lost. */
  attempt: number;
  /** Why reconnecting fails, when known (e.g. the server refuses this page's token). */
  detail: string | null;
}

export interface Transport {
  readonly kind: 'electron' | 'websocket' | 'memory';
  call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>>;
  /** Subscribe to an event stream; returns the unsubscribe function. */
  on<E extends EventName>(event: E, fn: (data: Events[E]) => void): () => void;
  /** Connection changes (only transports that can lose their connection have it). */
  onConnection?(fn: (s: ConnectionState) => void): () => void;
}

/** What the Electron preload exposes (src-main/electron/preload.ts: window.kernelLab). */
export interface PreloadApi {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(event: string, fn: (data: unknown) => void): () => void;
}

/** A call refused by the service: `code` says whose fault it was (contract ErrorReply). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly channel: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function preloadTransport(api: PreloadApi): Transport {
  return {
    kind: 'electron',
    call: async <C extends Channel>(channel: C, req: Req<C>) => {
      try {
        return (await api.invoke(channel, req)) as Res<C>;
      } catch (e) {
        throw new ServiceError((e as { code?: string }).code ?? 'internal', (e as Error).message, channel);
      }
    },
    on: <E extends EventName>(event: E, fn: (data: Events[E]) => void) => api.on(event, (d) => fn(d as Events[E])),
  };
}
