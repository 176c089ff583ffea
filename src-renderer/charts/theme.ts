/** Chart colours come from CSS variables so option builders stay pure data. */
export interface ChartTheme {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  marker: string;
  palette: string[];
}

export const LIGHT_THEME: ChartTheme = {
  fg: '#1d2433',
  muted: '#5c6675',
  grid: '#dde2ea',
  bg: '#ffffff',
  marker: '#c2410c',
  palette: ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d', '#475569', '#ca8a04'],
};

/** Reads --kl-chart-* variables (see App.vue) with the light theme as fallback. */
export function readTheme(style: { getPropertyValue(name: string): string }): ChartTheme {
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--kl-fg', LIGHT_THEME.fg),
    muted: v('--kl-muted', LIGHT_THEME.muted),
    grid: v('--kl-grid', LIGHT_THEME.grid),
    bg: v('--kl-bg', LIGHT_THEME.bg),
    marker: v('--kl-marker', LIGHT_THEME.marker),
    palette: LIGHT_THEME.palette.map((c, i) => v(`--kl-series-${i}`, c)),
  };
}
