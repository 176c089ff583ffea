// Looks at what a chart drew: decodes a PNG (a screenshot or an exported
// chart) in the page with the browser's own decoder and counts pixels in the
// series palette inside the plotted area, and reads series paths out of an
// exported SVG. A blank chart (axes and legend only) counts 0.
import type { Page } from 'playwright-core';
import { LIGHT_THEME } from '../../../src-renderer/charts/theme';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The line chart's grid (charts/line-option.ts: left 64, right 24, top 56, bottom 56) for a chart of width × height, 2 px of slack for lines on the axes. */
export function plotArea(width: number, height: number, scale = 1): Rect {
  return { x: (64 - 2) * scale, y: (56 - 2) * scale, w: (width - 64 - 24 + 4) * scale, h: (height - 56 - 56 + 4) * scale };
}

/**
 * Pixels inside `rect` drawn in one of `colours` (default: the series
 * palette) over the background: a pixel counts when it is a blend
 * α·colour + (1−α)·background with α ≥ 0.3 (anti-aliased line edges
 * included), so grey axes, grid and text never count.
 */
export async function inkPixels(page: Page, png: Buffer, rect: Rect | null, colours: readonly string[] = LIGHT_THEME.palette, background = LIGHT_THEME.bg): Promise<number> {
  return page.evaluate(
    async ({ b64, rect, colours, background }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const r = rect ?? { x: 0, y: 0, w: c.width, h: c.height };
      const data = ctx.getImageData(r.x, r.y, Math.min(r.w, c.width - r.x), Math.min(r.h, c.height - r.y)).data;
      const hex = (h: string): number[] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
      const bg = hex(background);
      const dirs = colours.map((h) => hex(h).map((v, k) => v - bg[k]!));
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d = [data[i]! - bg[0]!, data[i + 1]! - bg[1]!, data[i + 2]! - bg[2]!];
        for (const u of dirs) {
          const uu = u[0]! * u[0]! + u[1]! * u[1]! + u[2]! * u[2]!;
          const a = (d[0]! * u[0]! + d[1]! * u[1]! + d[2]! * u[2]!) / uu;
          if (a < 0.3 || a > 1.1) continue;
          const e = Math.hypot(d[0]! - a * u[0]!, d[1]! - a * u[1]!, d[2]! - a * u[2]!);
          if (e < 24) {
            n++;
            break;
          }
        }
      }
      return n;
    },
    { b64: png.toString('base64'), rect, colours: [...colours], background },
  );
}

/** The series paths of an ECharts SVG (stroked in a palette colour, no fill): each path's vertex count, keyed by colour. */
export function svgSeriesPaths(svg: string, colours: readonly string[] = LIGHT_THEME.palette): { colour: string; points: number; subpaths: number }[] {
  const out: { colour: string; points: number; subpaths: number }[] = [];
  for (const m of svg.matchAll(/<path\s+d="([^"]*)"([^>]*)>/g)) {
    const attrs = m[2]!;
    const stroke = /stroke="(#[0-9a-f]{6})"/i.exec(attrs)?.[1]?.toLowerCase();
    if (!stroke || !colours.includes(stroke) || !/fill="none"/.test(attrs)) continue;
    const d = m[1]!;
    out.push({ colour: stroke, points: (d.match(/[ML]/g) ?? []).length, subpaths: (d.match(/M/g) ?? []).length });
  }
  return out;
}

/** Non-empty values per series column of a chart's CSV export (the reduced series the chart was given). */
export function csvPointCounts(csv: string): { name: string; points: number }[] {
  const [head, ...rows] = csv.trim().split('\n');
  const names = head!.split(',').slice(1);
  const counts = names.map(() => 0);
  for (const r of rows) r.split(',').slice(1).forEach((v, i) => { if (v !== '' && i < counts.length) counts[i]!++; });
  return names.map((name, i) => ({ name, points: counts[i]! }));
}

/** The visible stroked lines of an ECharts SVG in `colour` (fill none, not stroke-opacity 0): each line's vertices. */
export function svgLines(svg: string, colour: string): [number, number][][] {
  const out: [number, number][][] = [];
  for (const m of svg.matchAll(/<path\s+d="([^"]*)"([^>]*)>/g)) {
    const attrs = m[2]!;
    if (!attrs.includes(`stroke="${colour}"`) || !/fill="none"/.test(attrs) || /stroke-opacity="0"/.test(attrs) || /transform=/.test(attrs)) continue;
    out.push([...m[1]!.matchAll(/[ML]([\d.-]+) ([\d.-]+)/g)].map((p) => [Number(p[1]), Number(p[2])]));
  }
  return out;
}

/** The translucent filled areas of an ECharts SVG in `colour` (confidence bands): each area's vertices. */
export function svgAreas(svg: string, colour: string): [number, number][][] {
  const out: [number, number][][] = [];
  for (const m of svg.matchAll(/<path\s+d="([^"]*)"([^>]*)>/g)) {
    if (!m[2]!.includes(`fill="${colour}"`) || !/fill-opacity="0?\.\d+"/.test(m[2]!)) continue;
    out.push([...m[1]!.matchAll(/[ML]([\d.-]+) ([\d.-]+)/g)].map((p) => [Number(p[1]), Number(p[2])]));
  }
  return out;
}

/** The cells of an ECharts heatmap in an SVG, in data order: position, size and fill (r, g, b). */
export function svgHeatmapCells(svg: string): { index: number; x: number; y: number; w: number; h: number; rgb: [number, number, number] }[] {
  const out: { index: number; x: number; y: number; w: number; h: number; rgb: [number, number, number] }[] = [];
  for (const m of svg.matchAll(/<path\s+d="M([\d.-]+) ([\d.-]+)l([\d.-]+) 0l0 ([\d.-]+)l[\d.-]+ 0Z"([^>]*)>/g)) {
    const attrs = m[5]!;
    const fill = /fill="rgb\((\d+),(\d+),(\d+)\)"/.exec(attrs);
    const index = /ecmeta_data_index="(\d+)"/.exec(attrs);
    if (!fill || !index || !attrs.includes('ecmeta_ssr_type="chart"')) continue;
    out.push({ index: Number(index[1]), x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]), rgb: [Number(fill[1]), Number(fill[2]), Number(fill[3])] });
  }
  return out.sort((a, b) => a.index - b.index);
}
