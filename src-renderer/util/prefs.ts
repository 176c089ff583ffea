/**
 * Small per-user state kept in the browser's localStorage (browser mode: per
 * origin, i.e. host and port; Electron: the app profile). Storage can be
 * absent or full (private windows, quotas): then nothing is remembered and
 * nothing breaks.
 */
const PREFIX = 'kernel-lab.';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadPref(key: string): string | null {
  try {
    return storage()?.getItem(PREFIX + key) ?? null;
  } catch {
    return null;
  }
}

/** False when the value could not be stored. */
export function savePref(key: string, value: string | null): boolean {
  const s = storage();
  if (!s) return false;
  try {
    if (value === null) s.removeItem(PREFIX + key);
    else s.setItem(PREFIX + key, value);
    return true;
  } catch {
    return false;
  }
}
