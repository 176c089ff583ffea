import { init, use } from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, DatasetComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
use([LineChart, GridComponent, SVGRenderer, DatasetComponent]);
const n = 2400; const x = [], y = [];
for (let i = 0; i < n; i++) { x.push(i / 100); y.push(i % 7 === 3 ? null : Math.sin(i / 30) * 100 + (i % 2) * 0.001); }
const c = init(null, null, { renderer: 'svg', ssr: true, width: 900, height: 380 });
c.setOption({ animation: false, color: ['#ff0000'], grid: {left: 50, right: 50}, xAxis: { type: 'value' }, yAxis: { type: 'value' }, dataset: [{ source: { x, y } }], series: [{ type: 'line', datasetIndex: 0, encode: { x: 'x', y: 'y' }, showSymbol: false, connectNulls: false }] });
const s = c.renderToSVGString();
const paths = [...s.matchAll(/<path d="([^"]*)"[^>]*stroke="#ff0000"/g)].map((m) => m[1]);
const segs = paths[0].split('M').filter(Boolean).map((t) => t.split('L').length);
const hist = {}; segs.forEach((k) => hist[k] = (hist[k]||0)+1); console.log(hist, segs.slice(0,10), paths[0].slice(0,300));
