import { WebSocket } from 'ws';
import { LabRequestError, type Transport } from '../ipc/client';
import type { EventName, ServerMessage } from '../ipc/contract';

/**
 * The contract over browser mode's WebSocket, from Node (tests, scripts).
 * The renderer has the same protocol over the browser's WebSocket.
 */
export class WsTransport implements Transport {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventName, Set<(data: unknown) => void>>();
  /** Error replies that answered no request (a malformed message). */
  readonly orphanErrors: string[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as ServerMessage;
      if ('event' in msg) {
        for (const l of this.listeners.get(msg.event) ?? []) l(msg.data);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) {
        if (!msg.ok) this.orphanErrors.push(msg.error.message);
        return;
      }
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new LabRequestError(msg.error));
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<WsTransport> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new WsTransport(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  invoke(channel: string, payload: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, channel, payload }));
    });
  }

  /** Send raw text (tests of malformed input). */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  on(event: EventName, listener: (data: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === this.ws.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
