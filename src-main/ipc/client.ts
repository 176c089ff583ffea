import type { Channel, ErrorReply, EventName, Events, Req, Res } from './contract';

/** How a client reaches the service: Electron preload, WebSocket, or in-process. */
export interface Transport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(event: EventName, listener: (data: unknown) => void): () => void;
}

/** A refused request, as the client sees it. */
export class LabRequestError extends Error {
  constructor(readonly reply: ErrorReply) {
    super(reply.message);
    this.name = 'LabRequestError';
  }
}

/**
 * A typed client over any transport: `lab.call('run/start', { scenario })`
 * checks the payload against the contract at compile time and types the
 * result. Pure TypeScript (no Node, no DOM), so the renderer can copy the
 * pattern with `import type` of the contract.
 */
export class LabClient {
  constructor(private readonly transport: Transport) {}

  call<C extends Channel>(channel: C, payload: Req<C>): Promise<Res<C>> {
    return this.transport.invoke(channel, payload) as Promise<Res<C>>;
  }

  on<E extends EventName>(event: E, listener: (data: Events[E]) => void): () => void {
    return this.transport.on(event, listener as (data: unknown) => void);
  }
}
