/**
 * One self-contained HTML file for a comparison: the charts as inline SVG,
 * the scenario(s) as YAML, the summary table. No scripts, no external links,
 * so it opens anywhere and can be attached to a report or a mail.
 */
import { withUnit, type SummaryRow } from './summary';

export interface ReportInput {
  title: string;
  generatedAt: string;
  runs: { name: string; seed: number; status: string }[];
  charts: { title: string; svg: string }[];
  scenarios: { runName: string; yaml: string }[];
  summary: SummaryRow[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Removes anything executable from an SVG produced by the chart renderer. */
export function sanitiseSvg(svg: string): string {
  return svg.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/\son\w+="[^"]*"/gi, '');
}

export function buildReportHtml(r: ReportInput): string {
  const runHead = r.runs.map((x) => `<th>${esc(x.name)}</th>`).join('');
  const rows = r.summary
    .map(
      (row) =>
        `<tr><td>${esc(row.metric)}</td>${row.mean.map((m) => `<td>${esc(withUnit(m, row.unit))}</td>`).join('')}${row.diffPct
          .slice(1)
          .map((d) => `<td>${d === null ? '—' : `${d >= 0 ? '+' : ''}${d.toFixed(1)} %`}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const diffHead = r.runs
    .slice(1)
    .map((x) => `<th>Δ ${esc(x.name)}</th>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#1d2433;margin:2rem auto;max-width:1100px;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #dde2ea;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
pre{background:#f4f6f9;padding:1rem;overflow:auto}figure{margin:1.5rem 0}figcaption{font-weight:600}
</style></head><body>
<h1>${esc(r.title)}</h1>
<p>Kernel Lab report, generated ${esc(r.generatedAt)}.</p>
<h2>Runs</h2>
<table><tr><th>run</th><th>seed</th><th>status</th></tr>
${r.runs.map((x) => `<tr><td>${esc(x.name)}</td><td>${x.seed}</td><td>${esc(x.status)}</td></tr>`).join('\n')}
</table>
<h2>Summary (mean over the run; Δ against ${esc(r.runs[0]?.name ?? 'the first run')})</h2>
<table id="summary"><tr><th>metric</th>${runHead}${diffHead}</tr>
${rows}
</table>
<h2>Charts</h2>
${r.charts.map((c) => `<figure><figcaption>${esc(c.title)}</figcaption>${sanitiseSvg(c.svg)}</figure>`).join('\n')}
<h2>Scenarios</h2>
${r.scenarios.map((s) => `<h3>${esc(s.runName)}</h3><pre>${esc(s.yaml)}</pre>`).join('\n')}
</body></html>
`;
}
