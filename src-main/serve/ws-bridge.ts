import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../ipc/contract';
import { Dispatcher } from '../ipc/handlers';
import type { LabService } from '../lab/service';

/** A client that lets this much output pile up is too slow to keep: it is closed, not buffered without bound. */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * One WebSocket client of the lab service: JSON requests in, replies and
 * event streams out. A malformed message gets an error reply and the
 * connection stays usable.
 */
export function bridge(lab: LabService, ws: WebSocket): void {
  const send = (msg: ServerMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'client too slow: output buffer full');
      return;
    }
    ws.send(JSON.stringify(msg));
  };
  const conn = lab.connect((event, data) => send({ event, data }));
  const dispatcher = new Dispatcher(lab, conn);
  ws.on('message', (raw, isBinary) => {
    void (async () => {
      let msg: ClientMessage;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol');
        msg = parseClientMessage(raw.toString());
      } catch (e) {
        send({ id: -1, ok: false, error: { code: 'invalid-request', message: `malformed message: ${(e as Error).message}` } });
        return;
      }
      const reply = await dispatcher.dispatch(msg.channel, msg.payload);
      send(reply.ok ? { id: msg.id, ok: true, result: reply.result } : { id: msg.id, ok: false, error: reply.error });
    })();
  });
  ws.on('close', () => lab.disconnect(conn));
  ws.on('error', () => lab.disconnect(conn));
}

function parseClientMessage(text: string): ClientMessage {
  const v = JSON.parse(text) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object {id, channel, payload}');
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'number' || !Number.isSafeInteger(o.id)) throw new Error('"id" must be an integer');
  if (typeof o.channel !== 'string') throw new Error('"channel" must be a string');
  return { id: o.id, channel: o.channel, payload: o.payload };
}
