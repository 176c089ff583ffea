/**
 * Sequential colour scale for the NUMA distance heatmap: light for local
 * (10), dark for the farthest node, with the cell's text in black or white,
 * whichever contrasts more (WCAG ratio ≥ 4.5 on every stop).
 */
import { contrastRatio, type Rgb } from '../util/contrast';

// YlGnBu-like stops (ColorBrewer), light → dark.
const STOPS: Rgb[] = [
  [255, 255, 217],
  [199, 233, 180],
  [65, 182, 196],
  [34, 94, 168],
  [8, 29, 88],
];

const hex = (c: Rgb): string => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** Colour of `v` on [min, max] (min = max gives the lightest stop). */
export function heatColour(v: number, min: number, max: number): { bg: string; fg: string } {
  const t = max > min ? Math.min(1, Math.max(0, (v - min) / (max - min))) : 0;
  const x = t * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c: Rgb = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
  const bg = hex(c);
  const fg = contrastRatio(bg, '#000000') >= contrastRatio(bg, '#ffffff') ? '#000000' : '#ffffff';
  return { bg, fg };
}

/** CSS gradient of the whole scale, for the legend. */
export function heatGradient(): string {
  return `linear-gradient(to right, ${STOPS.map(hex).join(', ')})`;
}
