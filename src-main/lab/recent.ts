import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const RECENT_FORMAT = 'kernel-lab/recent@1';
/** Entries kept, most recent first (what File › Open Recent shows). */
export const RECENT_MAX = 10;

const recentFile = z.object({ format: z.literal(RECENT_FORMAT), paths: z.array(z.string()) });

/**
 * The recent-sessions list: a small JSON file in the config dir. A missing
 * or unreadable file is an empty list (it is a convenience, never a reason
 * to refuse to start); it is rewritten atomically (temp file + rename).
 */
export class RecentList {
  readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, 'recent.json');
  }

  list(): string[] {
    try {
      const parsed = recentFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.paths.slice(0, RECENT_MAX) : [];
    } catch {
      return [];
    }
  }

  add(path: string): string[] {
    const paths = [path, ...this.list().filter((p) => p !== path)].slice(0, RECENT_MAX);
    this.write(paths);
    return paths;
  }

  remove(path: string): string[] {
    const paths = this.list().filter((p) => p !== path);
    this.write(paths);
    return paths;
  }

  private write(paths: string[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ format: RECENT_FORMAT, paths }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
