/** The colorbar beside the overlay: a CSS gradient of the colormap and round-number ticks. */
import { LUT_SIZE, lutColor, type ColormapLut } from './colormaps.ts';

/** A CSS linear-gradient running from the lowest value (bottom) to the highest (top). */
export function colorbarGradient(lut: ColormapLut, stops = 16): string {
  const parts: string[] = [];
  for (let i = 0; i <= stops; i++) {
    const t = i / stops;
    parts.push(`${lutColor(lut, t * (LUT_SIZE - 1))} ${(t * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to top, ${parts.join(', ')})`;
}

export interface ColorbarTick {
  value: number;
  /** 0 at the bottom of the bar, 1 at the top. */
  position: number;
  label: string;
}

/** About `count` ticks at 1/2/5 x 10^n steps inside [min, max]. */
export function colorbarTicks(min: number, max: number, count = 5): ColorbarTick[] {
  const span = max - min;
  if (!(span > 0)) return [{ value: min, position: 0, label: formatTick(min, 1) }];
  const rough = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: ColorbarTick[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let i = first; i * step <= max + step * 1e-9; i++) {
    const v = i * step || 0; // never a "-0" tick
    ticks.push({ value: v, position: (v - min) / span, label: formatTick(v, step) });
  }
  return ticks;
}

function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return value.toFixed(decimals);
}
