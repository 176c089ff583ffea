import { afterAll, beforeAll, describe } from 'vitest';
import { LabClient } from '../../../src-main/ipc/client';
import { startServer, type RunningServer } from '../../../src-main/serve/server';
import { WsTransport } from '../../../src-main/serve/ws-client';
import { contractSuite } from '../fixtures/contract-suite';
import { makeLab } from '../fixtures/lab';
import { join } from 'node:path';

describe('the contract, over the browser-mode WebSocket', () => {
  const f = makeLab();
  let server: RunningServer;
  const transports: WsTransport[] = [];
  beforeAll(async () => {
    server = await startServer({ lab: f.lab, rendererDir: join(f.dir, 'no-renderer') });
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await server.close();
    await f.dispose();
  });
  contractSuite({
    client: async () => {
      const t = await WsTransport.connect(server.wsUrl);
      transports.push(t);
      return new LabClient(t);
    },
    dir: () => f.dir,
  });
});
