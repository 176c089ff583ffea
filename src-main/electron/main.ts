/**
 * Electron main process (bundled to dist/electron-main.cjs): one lab
 * service with a worker pool, one window, native menus. Every decision that
 * can be tested lives in src-main/lab; this file wires Electron to it.
 */
import { app, BrowserWindow, Menu, session } from 'electron';
import { join, sep } from 'node:path';
import { devServerUrl, menuModel, unpackedPath, type MenuCommand } from '../lab/desktop-policy';
import { LabService } from '../lab/service';
import { IsolatingRunner } from '../lab/isolating-runner';
import { askOpenSession, askSaveSession, showError } from './dialogs';
import { openExternalSafely } from './external-links';
import { IpcBridge } from './ipc-bridge';
import { buildMenu } from './menu';
import { applyCsp, lockNavigation, webPreferences } from './security';

// dist/electron-main.cjs sits next to dist/preload.cjs, dist/sim-worker.mjs and dist/renderer/.
const distDir = __dirname;
const dev = devServerUrl(process.env);
const appUrl = dev ?? `file://${join(distDir, 'renderer', 'index.html')}`;

let lab: LabService;
let pool: IsolatingRunner;
let bridge: IpcBridge;
let win: BrowserWindow | null = null;

function refreshMenu(): void {
  Menu.setApplicationMenu(buildMenu(menuModel(lab.recentSessions(), lab.sessionInfo().path !== null), (c) => void runCommand(c)));
}

async function runCommand(c: MenuCommand): Promise<void> {
  const focused = BrowserWindow.getFocusedWindow() ?? win;
  try {
    switch (c.kind) {
      case 'session-new': {
        const path = await askSaveSession(focused, 'New Session');
        // The dialog already confirmed overwriting; a new session starts empty.
        if (path) await lab.newSession(path, { replace: true });
        break;
      }
      case 'session-open': {
        const path = await askOpenSession(focused);
        if (path) await lab.openSession(path);
        break;
      }
      case 'session-open-recent':
        await lab.openSession(c.path);
        break;
      case 'session-save-as': {
        const path = await askSaveSession(focused, 'Save Session As');
        if (path) await lab.saveSessionAs(path, { replace: true });
        break;
      }
      case 'renderer':
        bridge.menuCommand(focused, c.command);
        break;
      case 'external':
        await openExternalSafely(c.url);
        break;
    }
  } catch (e) {
    showError(focused, 'Kernel Lab', (e as Error).message);
  }
  refreshMenu();
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Kernel Lab',
    show: false,
    webPreferences: webPreferences(join(distDir, 'preload.cjs')),
  });
  lockNavigation(win.webContents, appUrl);
  bridge.attach(win);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  void win.loadURL(appUrl);
}

app.enableSandbox();
void app.whenReady().then(() => {
  pool = new IsolatingRunner({ workerPath: unpackedPath(join(distDir, 'sim-worker.mjs'), sep) });
  lab = new LabService({ runner: pool, defaultFolder: app.getPath('documents') });
  bridge = new IpcBridge(lab, appUrl);
  applyCsp(session.defaultSession, dev ? new URL(dev).origin : null);
  refreshMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_e, contents) => lockNavigation(contents, appUrl));

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !lab) return;
  // Let running simulations write their ends to the session before exiting.
  event.preventDefault();
  quitting = true;
  void lab
    .close()
    .then(() => pool.close())
    .finally(() => {
      bridge.dispose();
      app.quit();
    });
});
