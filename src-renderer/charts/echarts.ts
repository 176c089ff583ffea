// The one place ECharts features are registered (echarts.use); charts elsewhere
// import only types and vue-echarts' component.
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  DatasetComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

let done = false;
export function registerCharts(): void {
  if (done) return;
  done = true;
  use([
    LineChart,
    BarChart,
    HeatmapChart,
    GridComponent,
    // line-option.ts feeds every series from a `dataset`; without this
    // component ECharts drops the dataset option and draws empty paths
    // (`<path d="">`) while axes and legends still draw (issue 16).
    DatasetComponent,
    TooltipComponent,
    LegendComponent,
    DataZoomComponent,
    MarkLineComponent,
    TitleComponent,
    ToolboxComponent,
    VisualMapComponent,
    CanvasRenderer,
    SVGRenderer,
  ]);
}
