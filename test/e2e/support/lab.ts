// Starts browser mode in this process (the same serve() `kernel-lab serve` uses)
// on 127.0.0.1 with a random port and token; configDir keeps the per-user state (recent list, untitled sessions) out of the real one.
import { serve, type ServeHandle } from '../../../src-main/serve/command';
import { rendererDir } from './build-renderer';

export async function startLab(session: string | null, configDir?: string): Promise<ServeHandle> {
  return serve({ port: 0, session, rendererDir }, configDir ? { configDir } : {});
}
