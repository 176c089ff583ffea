/**
 * Inline fio options (`run: { type: fio, options: { rw: randread, bs: 4k } }`)
 * rendered as the job file fio would read, so the fio parser sees one input
 * format. The job section is named after the task. Booleans become 1/0, which
 * fio accepts for both its bool and its flag options (time_based=1).
 */
export function renderFioOptions(jobName: string, options: Record<string, string | number | boolean>): string {
  const lines = [`[${jobName}]`];
  for (const [key, value] of Object.entries(options)) {
    lines.push(`${key}=${typeof value === 'boolean' ? (value ? 1 : 0) : String(value)}`);
  }
  return `${lines.join('\n')}\n`;
}
