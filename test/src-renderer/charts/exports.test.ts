import { describe, expect, it } from 'vitest';
import { seriesToCsv } from '../../../src-renderer/charts/csv';
import { buildReportHtml, sanitiseSvg } from '../../../src-renderer/charts/report';
import { buildSummary, nameDevices, withUnit } from '../../../src-renderer/charts/summary';

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
    expect(rows).toEqual([{ metric: 'cpu', unit: '', mean: [2, 1.5], last: [3, 2], diffPct: [null, -25] }]);
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
    summary: [{ metric: 'cpu', unit: 'CPUs', mean: [2, 1.5], last: [3, 2], diffPct: [null, -25] }],
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
    expect(html).toContain('<td>1.5 CPUs</td>');
    expect(html).toContain('<title>base vs &lt;throttled&gt;</title>');
  });

  it('sanitiseSvg drops scripts and event handlers', () => {
    expect(sanitiseSvg('<svg onclick="a()"><script>b</script></svg>')).toBe('<svg></svg>');
  });
});

describe('summary units and device names', () => {
  it('a value carries its unit; MAJ:MIN in a series name becomes the device name', () => {
    expect(withUnit(0.62346, 'CPUs')).toBe('0.6235 CPUs');
    expect(withUnit(null, 'B/s')).toBe('—');
    expect(withUnit(12, '')).toBe('12');
    expect(nameDevices('run · /batch/io.stat 8:0.rbytes', new Map([['8:0', 'sda']]))).toBe('run · /batch/io.stat sda.rbytes');
    expect(nameDevices('259:3.wios', new Map([['8:0', 'sda']]))).toBe('259:3.wios');
  });
});
