/**
 * WCAG 2.x contrast: relative luminance of sRGB colours and the ratio
 * (L1 + 0.05) / (L2 + 0.05) (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio).
 * AA asks 4.5 for text, 3 for large text and for the boundaries of controls.
 */
export type Rgb = readonly [number, number, number];

/** "#rrggbb", "rgb(r, g, b)" or "rgba(r, g, b, a)" (alpha ignored: callers composite first). */
export function parseColour(c: string): Rgb {
  const s = c.trim().toLowerCase();
  const hex = /^#([0-9a-f]{6})$/.exec(s);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)) as unknown as Rgb;
  const fn = /^rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/.exec(s);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  throw new Error(`not a colour: "${c}" (expected #rrggbb or rgb(r, g, b))`);
}

/** Alpha of "rgba(…, a)", 1 otherwise. */
export function alphaOf(c: string): number {
  const m = /^rgba\([^,]+,[^,]+,[^,]+,\s*([\d.]+)\s*\)$/.exec(c.trim());
  return m ? Number(m[1]) : 1;
}

/** `top` with opacity `alpha` over `bottom`, as the browser paints it. */
export function composite(top: Rgb, alpha: number, bottom: Rgb): Rgb {
  return [0, 1, 2].map((i) => top[i]! * alpha + bottom[i]! * (1 - alpha)) as unknown as Rgb;
}

export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number): number => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgb | string, b: Rgb | string): number {
  const la = luminance(typeof a === 'string' ? parseColour(a) : a);
  const lb = luminance(typeof b === 'string' ? parseColour(b) : b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
