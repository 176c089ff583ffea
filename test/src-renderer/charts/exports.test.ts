import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../../src-renderer/charts/csv';
import { predictedShares } from '../../../src-renderer/charts/panels';
import { buildReportHtml, sanitiseSvg } from '../../../src-renderer/charts/report';
import { buildSummary } from '../../../src-renderer/charts/summary';

describe('CSV export', () => {
  it('one time column in seconds and one column per series, rows at the union of times', () => {
    const csv = seriesToCsv([
      { name: 'a', t: [0, 1e8], v: [1, 2] },
      { name: 'b, quoted', t: [1e8, 2e8], v: [3, null] },
    ]);
    expect(csv).toBe('time_s,a,"b, quoted"\n0,1,\n0.1,2,3\n0.2,,\n');
  });
});

describe('summary table', () => {
  it('mean per run and the difference against the first run in percent', () => {
    const rows = buildSummary([
      { runName: 'base', metrics: new Map([['cpu', { name: 'x', t: [0, 1], v: [1, 3] }]]) },
      { runName: 'throttled', metrics: new Map([['cpu', { name: 'y', t: [0, 1], v: [1, 2] }]]) },
    ]);
    expect(rows).toEqual([{ metric: 'cpu', mean: [2, 1.5], last: [3, 2], diffPct: [null, -25] }]);
  });
});

describe('predicted CPU shares from cpu.weight', () => {
  // cgroup-v2.rst "Weights": siblings share the parent in proportion to their weights.
  it('weights 100 and 300 on 4 CPUs predict 1 and 3 CPUs; a child splits its parent', () => {
    const s = predictedShares(
      [
        { path: '/batch', weight: 100 },
        { path: '/web', weight: 300 },
        { path: '/web/a', weight: 50 },
        { path: '/web/b', weight: 150 },
      ],
      4,
    );
    expect(s.get('/batch')).toBeCloseTo(1, 12);
    expect(s.get('/web')).toBeCloseTo(3, 12);
    expect(s.get('/web/a')).toBeCloseTo(0.75, 12);
    expect(s.get('/web/b')).toBeCloseTo(2.25, 12);
  });
});

describe('HTML report', () => {
  const html = buildReportHtml({
    title: 'base vs <throttled>',
    generatedAt: '2026-01-01T00:00:00Z',
    runs: [
      { name: 'base', seed: 1, status: 'complete' },
      { name: 'throttled', seed: 1, status: 'complete' },
    ],
    charts: [{ title: 'cpu.stat', svg: '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>alert(1)</script><path d="M0 0"/></svg>' }],
    scenarios: [{ runName: 'base', yaml: 'name: base\ncgroups:\n  /web: { cpu.max: "50000 100000" }\n' }],
    summary: [{ metric: 'cpu', mean: [2, 1.5], last: [3, 2], diffPct: [null, -25] }],
  });

  it('is one self-contained file: no scripts, no external references', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('holds the charts, the scenario and the summary with its difference', () => {
    expect(html).toContain('<path d="M0 0"/>');
    expect(html).toContain('cpu.max: &quot;50000 100000&quot;');
    expect(html).toContain('<td>-25.0 %</td>');
    expect(html).toContain('<title>base vs &lt;throttled&gt;</title>');
  });

  it('sanitiseSvg drops scripts and event handlers', () => {
    expect(sanitiseSvg('<svg onclick="a()"><script>b</script></svg>')).toBe('<svg></svg>');
  });
});
