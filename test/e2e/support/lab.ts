// Starts browser mode in this process (the same serve() `kernel-lab serve` uses)
// on 127.0.0.1 with a random port and token.
import { serve, type ServeHandle } from '../../../src-main/serve/command';
import { rendererDir } from './build-renderer';

export async function startLab(session: string): Promise<ServeHandle> {
  return serve({ port: 0, session, rendererDir });
}
