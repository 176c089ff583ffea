import { dialog, type BrowserWindow } from 'electron';
import { SESSION_FILTERS, withKlabExtension } from '../lab/desktop-policy';

/** Native "Open Session" dialog; null when cancelled. */
export async function askOpenSession(win: BrowserWindow | null): Promise<string | null> {
  const opts: Electron.OpenDialogOptions = { title: 'Open Session', filters: SESSION_FILTERS, properties: ['openFile'] };
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
}

/** Native save dialog for a new session or "Save As"; null when cancelled. */
export async function askSaveSession(win: BrowserWindow | null, title: string): Promise<string | null> {
  const opts: Electron.SaveDialogOptions = { title, filters: SESSION_FILTERS, properties: ['createDirectory', 'showOverwriteConfirmation'] };
  const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
  return r.canceled || !r.filePath ? null : withKlabExtension(r.filePath);
}

export function showError(win: BrowserWindow | null, title: string, message: string): void {
  if (win) void dialog.showMessageBox(win, { type: 'error', title, message });
  else dialog.showErrorBox(title, message);
}
