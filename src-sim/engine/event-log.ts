/** One entry of a run's event log (OOM kill, uevent, throttling, I/O error, knob write…). */
export interface LogEntry {
  t_ns: number;
  kind: string;
  [field: string]: string | number | boolean | null;
}

/** Append-only event log; the host drains it between chunks. */
export class EventLog {
  readonly entries: LogEntry[] = [];
  private drained = 0;

  add(t_ns: number, kind: string, fields: Record<string, string | number | boolean | null> = {}): void {
    this.entries.push({ t_ns, kind, ...fields });
  }

  /** Entries added since the last drain. */
  drain(): LogEntry[] {
    const out = this.entries.slice(this.drained);
    this.drained = this.entries.length;
    return out;
  }
}
