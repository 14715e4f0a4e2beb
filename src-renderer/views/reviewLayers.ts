/** The three images of Review, loaded as values ready for window/level and thresholds. */
import { loadPixels, type Connection } from '../api/client.ts';
import type { ImageInfo, Result, StudyDetail } from '../api/types.ts';
import { applyLinear, fitLinear } from '../components/viewer/intensityMatch.ts';
import { dequantise } from '../components/viewer/quantisation.ts';
import { resampleBilinear } from '../components/viewer/resample.ts';
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

function onGridOf(layer: Layer, input: Layer): Layer {
  if (layer.width === input.width && layer.height === input.height) return layer;
  const values = resampleBilinear(layer.values, layer, input);
  return { width: input.width, height: input.height, values, range: layer.range };
}

/**
 * Puts the reconstruction and the map on the input's pixel grid, and the reconstruction in the
 * input's intensity units (fitted where the map is below `healthyBelow`), so one window/level
 * and one zoom/pan serve all three views.
 */
export function alignToInput(
  input: Layer,
  reconstruction: Layer,
  anomalyMap: Layer,
  healthyBelow: number,
): { reconstruction: Layer; anomalyMap: Layer } {
  const map = onGridOf(anomalyMap, input);
  const rec = onGridOf(reconstruction, input);
  const fit =
    fitLinear(rec.values, input.values, (i) => map.values[i] < healthyBelow) ??
    fitLinear(rec.values, input.values);
  if (!fit) return { reconstruction: rec, anomalyMap: map };
  const values = applyLinear(rec.values, fit);
  return {
    reconstruction: { ...rec, values, range: intensityRange(values) },
    anomalyMap: map,
  };
}

/** The slice to open first: the one the model found most anomalous, else the first. */
export function firstSlice(detail: StudyDetail): ImageInfo | undefined {
  const top = detail.results.reduce<Result | null>(
    (best, r) => (!best || r.score > best.score ? r : best),
    null,
  );
  return detail.images.find((i) => i.id === top?.imageId) ?? detail.images[0];
}
