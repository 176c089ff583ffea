import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Kernel Lab keeps its small per-user state (recent sessions, the
 * untitled session). KERNEL_LAB_CONFIG_DIR overrides it (tests, portable use);
 * otherwise the platform's convention: $XDG_CONFIG_HOME or ~/.config on
 * Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.KERNEL_LAB_CONFIG_DIR) return env.KERNEL_LAB_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kernel Lab');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kernel Lab');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'kernel-lab');
}
