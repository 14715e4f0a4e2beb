/** The three images of Review, loaded as values ready for window/level and thresholds. */
import { loadPixels, type Connection } from '../api/client.ts';
import type { ImageInfo, Result, StudyDetail } from '../api/types.ts';
import { dequantise } from '../components/viewer/quantisation.ts';
import { intensityRange, type IntensityRange } from '../components/viewer/windowLevel.ts';

export interface Layer {
  width: number;
  height: number;
  /** Stored pixels, or for reconstructions and maps the dequantised values. */
  values: ArrayLike<number>;
  range: IntensityRange;
}

export async function loadLayer(
  connection: Connection,
  hash: string,
  scale?: { min: number; max: number },
): Promise<Layer> {
  const raw = await loadPixels(connection, hash);
  const values = scale ? dequantise(raw.pixels, scale) : raw.pixels;
  return { width: raw.width, height: raw.height, values, range: intensityRange(values) };
}

/** The slice to open first: the one the model found most anomalous, else the first. */
export function firstSlice(detail: StudyDetail): ImageInfo | undefined {
  const top = detail.results.reduce<Result | null>(
    (best, r) => (!best || r.score > best.score ? r : best),
    null,
  );
  return detail.images.find((i) => i.id === top?.imageId) ?? detail.images[0];
}
