import type { LabService } from '../lab/service';
import { LabRequestError, type Transport } from './client';
import type { EventName } from './contract';
import { Dispatcher } from './handlers';

/**
 * The contract without a wire: requests go through the same validation and
 * dispatch as over Electron IPC or the WebSocket. Values are passed through
 * a JSON round trip so in-process clients see exactly what remote ones do.
 */
export class InProcessTransport implements Transport {
  private readonly listeners = new Map<EventName, Set<(data: unknown) => void>>();
  private readonly dispatcher: Dispatcher;
  private readonly conn;

  constructor(private readonly lab: LabService) {
    this.conn = lab.connect((event, data) => {
      const copy = JSON.parse(JSON.stringify(data)) as unknown;
      for (const l of this.listeners.get(event) ?? []) l(copy);
    });
    this.dispatcher = new Dispatcher(lab, this.conn);
  }

  async invoke(channel: string, payload: unknown): Promise<unknown> {
    const reply = await this.dispatcher.dispatch(channel, JSON.parse(JSON.stringify(payload ?? null)) as unknown);
    if (!reply.ok) throw new LabRequestError(reply.error);
    return JSON.parse(JSON.stringify(reply.result ?? null)) as unknown;
  }

  on(event: EventName, listener: (data: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  close(): void {
    this.lab.disconnect(this.conn);
  }
}
