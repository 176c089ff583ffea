/** Renders an option to an SVG string with ECharts' server-side SVG mode (no DOM needed), for exports and the report. */
import { init, type EChartsCoreOption } from 'echarts/core';
import { registerCharts } from './echarts';

export function renderSvg(option: EChartsCoreOption, width = 900, height = 380): string {
  registerCharts();
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ ...option, animation: false, dataZoom: [] });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
