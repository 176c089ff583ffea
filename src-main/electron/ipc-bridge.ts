import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../ipc/channels';
import type { EventName, Events } from '../ipc/contract';
import { Dispatcher, type Reply } from '../ipc/handlers';
import type { LabConnection, LabService } from '../lab/service';
import { isTrustedSender } from './security';

/**
 * The contract over Electron IPC: one ipcMain.handle per channel, each
 * window its own lab connection (its subscriptions), events pushed on one
 * channel. Requests are validated by the same Dispatcher as every transport.
 */
export class IpcBridge {
  private readonly windows = new Map<number, { conn: LabConnection; dispatcher: Dispatcher }>();

  constructor(
    private readonly lab: LabService,
    private readonly appUrl: string,
  ) {
    for (const channel of CHANNEL_NAMES) {
      ipcMain.handle(`${IPC_PREFIX}${channel}`, (event, payload: unknown) => this.handle(event, channel, payload));
    }
  }

  attach(win: BrowserWindow): void {
    const contents = win.webContents;
    const conn = this.lab.connect(<E extends EventName>(event: E, data: Events[E]) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, { event, data });
    });
    this.windows.set(contents.id, { conn, dispatcher: new Dispatcher(this.lab, conn) });
    win.on('closed', () => {
      this.lab.disconnect(conn);
      this.windows.delete(contents.id);
    });
  }

  /** Send a menu command to the focused window's renderer. */
  menuCommand(win: BrowserWindow | null, command: Events['onMenuCommand']['command']): void {
    if (win && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, { event: 'onMenuCommand', data: { command } });
  }

  private async handle(event: IpcMainInvokeEvent, channel: string, payload: unknown): Promise<Reply> {
    const entry = this.windows.get(event.sender.id);
    if (!entry || !isTrustedSender(BrowserWindow.fromWebContents(event.sender), event.senderFrame?.url, this.appUrl)) {
      return { ok: false, error: { code: 'refused', message: `${channel}: request from an untrusted frame` } };
    }
    return entry.dispatcher.dispatch(channel, payload);
  }

  dispose(): void {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(`${IPC_PREFIX}${channel}`);
    for (const { conn } of this.windows.values()) this.lab.disconnect(conn);
    this.windows.clear();
  }
}
