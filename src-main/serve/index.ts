export { serveCommand, serve, parseServeArgs, SERVE_USAGE } from './command';
export { startServer, HOST, API_PATH } from './server';
export type { RunningServer, ServeOptions } from './server';
export { WsTransport } from './ws-client';
