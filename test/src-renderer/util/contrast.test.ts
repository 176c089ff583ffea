import { expect, test } from 'vitest';
import { alphaOf, composite, contrastRatio, parseColour } from '../../../src-renderer/util/contrast';

test('WCAG contrast ratios of known pairs', () => {
  expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
  // White on Tailwind blue-400: the dark theme's old button text, below AA.
  expect(contrastRatio('#ffffff', '#60a5fa')).toBeCloseTo(2.54, 2);
  expect(contrastRatio('rgb(118, 118, 118)', '#ffffff')).toBeCloseTo(4.54, 2);
});

test('parses computed-style colours and composites alpha', () => {
  expect(parseColour('rgba(10, 20, 30, 0.5)')).toEqual([10, 20, 30]);
  expect(alphaOf('rgba(10, 20, 30, 0.5)')).toBe(0.5);
  expect(alphaOf('rgb(10, 20, 30)')).toBe(1);
  expect(composite([255, 255, 255], 0.5, [0, 0, 0])).toEqual([127.5, 127.5, 127.5]);
  expect(() => parseColour('blue')).toThrow('not a colour: "blue" (expected #rrggbb or rgb(r, g, b))');
});
