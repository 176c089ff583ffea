import type { ExperimentProgress } from '../experiments/run-experiment';
import { showDuration } from './duration';

/** "12/30 runs done (1 failed), ETA 0:42": on a terminal one rewritten line, else (--progress) one line per change. */
export function progressLine(p: ExperimentProgress): string {
  const failed = p.failed ? ` (${p.failed} failed)` : '';
  const eta = p.etaMs === null ? '' : `, ETA ${clock(p.etaMs)}`;
  return `${p.done}/${p.total} runs done${failed}${eta}`;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function progressPrinter(err: (s: string) => void, lines: boolean): ((p: ExperimentProgress) => void) | undefined {
  const tty = process.stderr.isTTY === true;
  if (!tty && !lines) return undefined;
  return (p) => (tty && !lines ? err(`\r${progressLine(p)}   `) : err(`${progressLine(p)}\n`));
}

export { showDuration };
