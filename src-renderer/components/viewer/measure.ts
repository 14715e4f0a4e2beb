/**
 * The measurements every viewer has: a ruler in millimetres (from the slice's pixel spacing, or
 * in pixels where the source gave none) and a rectangular region's mean, standard deviation and
 * area, in the slice's own units (stored value x slope + intercept). Pure, on image coordinates.
 */
import type { Point } from './viewTransform.ts';

/** Millimetres per pixel as [row, column] (DICOM's order), or null when unknown. */
export type PixelSpacing = readonly [number, number] | null;

export interface Ruler {
  kind: 'ruler';
  a: Point;
  b: Point;
}

export interface Region {
  kind: 'region';
  a: Point;
  b: Point;
}

export type Measurement = Ruler | Region;

/** Length of a ruler: millimetres with a spacing, else pixels. */
export function rulerLength(
  ruler: Pick<Ruler, 'a' | 'b'>,
  spacing: PixelSpacing,
): { value: number; unit: 'mm' | 'px' } {
  const [row, column] = spacing ?? [1, 1];
  const dx = (ruler.b.x - ruler.a.x) * column;
  const dy = (ruler.b.y - ruler.a.y) * row;
  return { value: Math.hypot(dx, dy), unit: spacing ? 'mm' : 'px' };
}

export interface RegionStats {
  pixels: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single pixel. */
  sd: number;
  area: number;
  areaUnit: 'mm²' | 'px';
}

/**
 * Statistics of the pixels whose centres lie in the rectangle spanned by a and b (clipped to the
 * image), in source units. Null when it holds no pixel.
 */
export function regionStats(
  values: ArrayLike<number>,
  size: { width: number; height: number },
  region: Pick<Region, 'a' | 'b'>,
  units: { slope: number; intercept: number },
  spacing: PixelSpacing,
): RegionStats | null {
  const x0 = Math.max(0, Math.ceil(Math.min(region.a.x, region.b.x) - 0.5));
  const x1 = Math.min(size.width - 1, Math.floor(Math.max(region.a.x, region.b.x) - 0.5));
  const y0 = Math.max(0, Math.ceil(Math.min(region.a.y, region.b.y) - 0.5));
  const y1 = Math.min(size.height - 1, Math.floor(Math.max(region.a.y, region.b.y) - 0.5));
  if (x1 < x0 || y1 < y0) return null;
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const v = Number(values[y * size.width + x]) * units.slope + units.intercept;
      n++;
      sum += v;
      sumSquares += v * v;
    }
  }
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  const [row, column] = spacing ?? [1, 1];
  return {
    pixels: n,
    mean,
    sd: Math.sqrt(variance),
    area: n * row * column,
    areaUnit: spacing ? 'mm²' : 'px',
  };
}

const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** "ruler 12.4 mm", or "region mean 812 SD 40.2, area 96.0 mm² (96 px)" ("area 96 px" without spacing). */
export function describeMeasurement(
  measurement: Measurement,
  values: ArrayLike<number>,
  size: { width: number; height: number },
  units: { slope: number; intercept: number },
  spacing: PixelSpacing,
): string {
  if (measurement.kind === 'ruler') {
    const length = rulerLength(measurement, spacing);
    return `ruler ${length.value.toFixed(1)} ${length.unit}`;
  }
  const stats = regionStats(values, size, measurement, units, spacing);
  if (!stats) return 'region: no pixels';
  const area =
    stats.areaUnit === 'px'
      ? `${stats.pixels} px`
      : `${stats.area.toFixed(1)} mm² (${stats.pixels} px)`;
  return `region mean ${round(stats.mean)} SD ${round(stats.sd)}, area ${area}`;
}

/** The short caption drawn beside the ruler or region on the slice ("12.4 mm", "mean 812 SD 40.2"). */
export function measurementCaption(full: string): string {
  return full
    .replace(/^ruler /, '')
    .replace(/^region /, '')
    .replace(/, area .*$/, '');
}
