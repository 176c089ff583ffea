/** Picks the transport at start-up: the Electron preload when present, else the WebSocket of browser mode. */
import { preloadTransport, type PreloadApi, type Transport } from './transport';
import { diagnoseBrowserMode, serviceUrlFromLocation, wsTransport } from './ws-transport';

export async function connect(win: Window & { kernelLab?: PreloadApi } = window): Promise<Transport> {
  if (win.kernelLab) return preloadTransport(win.kernelLab);
  return wsTransport(serviceUrlFromLocation(win.location), WebSocket, { diagnose: () => diagnoseBrowserMode(win.location.origin) });
}
