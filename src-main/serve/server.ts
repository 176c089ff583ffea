import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { LabService } from '../lab/service';
import { NOT_BUILT_PAGE, contentSecurityPolicy } from './pages';
import { lookupStatic, mimeOf } from './static-files';
import { TOKEN_COOKIE, newToken, requestToken, tokenMatches } from './token';
import { bridge } from './ws-bridge';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Browser mode listens on the loopback interface only: the lab is never reachable from the network. */
export const HOST = '127.0.0.1';
export const API_PATH = '/api';

export interface ServeOptions {
  lab: LabService;
  /** 0 = any free port. */
  port?: number;
  /** The built renderer (dist/renderer); a placeholder page when it has no index.html. */
  rendererDir: string;
  /** Fixed token (tests); default a new random one. */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  /** Open this: the token rides along once, then lives in an HttpOnly cookie. */
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * HTTP for the built renderer and the lab contract over a WebSocket, on
 * 127.0.0.1, every request checked for the token (HTTP 403 / handshake
 * refused with 403 without it), the Host header checked against DNS
 * rebinding and the WebSocket Origin against cross-site pages.
 */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const token = o.token ?? newToken();
  let port = 0;
  const allowedHosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`];
  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '');

  const server = createServer((req, res) => {
    try {
      handleHttp(req, res);
    } catch (e) {
      plain(res, 500, `internal error: ${(e as Error).message}`);
    }
  });

  const handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hostOk(req)) return plain(res, 403, 'forbidden: unexpected Host header');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const given = requestToken(url, req.headers.cookie);
    if (!tokenMatches(token, given)) return plain(res, 403, 'forbidden: missing or wrong token (open the URL printed by kernel-lab serve)');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed');
    const headers: Record<string, string> = {
      'Content-Security-Policy': contentSecurityPolicy(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    };
    if (!existsSync(join(o.rendererDir, 'index.html'))) {
      res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
      return;
    }
    // The raw path, before URL parsing folds "/../" away: a traversal attempt is refused, not quietly rewritten.
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const found = lookupStatic(o.rendererDir, rawPath);
    if (found.kind === 'forbidden') return plain(res, 403, `forbidden: ${found.reason}`);
    if (found.kind === 'missing') {
      // Browsers ask for /favicon.ico on their own; an absent one is not an error worth a console line.
      if (rawPath === '/favicon.ico') return void res.writeHead(204).end();
      return plain(res, 404, 'not found');
    }
    res.writeHead(200, { ...headers, 'Content-Type': mimeOf(found.file) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, why: string): void => {
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
    };
    if (!hostOk(req)) return refuse(403, 'unexpected Host header');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== API_PATH) return refuse(404, 'no such endpoint');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().map((h) => `http://${h}`).includes(origin)) return refuse(403, 'cross-origin WebSocket refused');
    if (!tokenMatches(token, requestToken(url, req.headers.cookie))) return refuse(403, 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => bridge(o.lab, ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    wsUrl: `ws://${HOST}:${port}${API_PATH}?token=${token}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}
