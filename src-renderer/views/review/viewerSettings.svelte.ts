/**
 * How Review shows its images: window/level and its preset, zoom/pan (one transform for the
 * three linked panes), the pointer mode, and the overlay (on/off, filled or outline, colormap,
 * opacity, cut-off) with its heat scale.
 */
import type { PointerMode } from '../../components/viewer/SliceCanvas.svelte';
import { colormapLut, type ColormapName } from '../../components/viewer/colormaps.ts';
import { heatScaleRange, type HeatScale } from '../../components/viewer/heatScale.ts';
import type { OverlayMode } from '../../components/viewer/overlay.ts';
import { fitTransform, type ViewTransform } from '../../components/viewer/viewTransform.ts';
import { dragWindowLevel, type WindowLevel } from '../../components/viewer/windowLevel.ts';
import { windowFromPreset, windowPresets } from '../../components/viewer/windowPresets.ts';
import type { Result } from '../../api/types.ts';
import type { Layer } from '../reviewLayers.ts';

export class ViewerSettings {
  /** In the input's units; the reconstruction is brought into them (alignToInput). */
  displayWindow = $state<WindowLevel>({ center: 0.5, width: 1 });
  presetName = $state(windowPresets[0].name);
  transform = $state<ViewTransform>({ scale: 1, offsetX: 0, offsetY: 0 });
  mode = $state<PointerMode>('window');
  overlayOn = $state(true);
  /** Default: only pixels above the cut-off, at 0.4 opacity, so the anatomy stays readable. */
  overlayMode = $state<OverlayMode>('filled');
  colormap = $state<ColormapName>('hot');
  opacity = $state(0.4);
  threshold = $state(0);
  /** Fixed (the same for every case, anchored to the pixel operating point) unless asked. */
  heatScale = $state<HeatScale>('fixed');

  readonly lut = $derived(colormapLut(this.colormap));

  private dragStartWindow: WindowLevel = { center: 0.5, width: 1 };

  /** The colour scale of the map: fixed, or stretched to this case. */
  mapRange(map: Layer | null, result: Result | null) {
    return map
      ? heatScaleRange(this.heatScale, result?.threshold ?? null, map.range)
      : { min: 0, max: 1, anchored: false };
  }

  applyPreset(index: number, input: Layer | null) {
    const preset = windowPresets[index];
    if (!preset || !input) return;
    this.presetName = preset.name;
    this.displayWindow = windowFromPreset(input.values, preset);
  }

  /** Fits the image to a `size`-pixel pane. */
  fit(input: Layer, size: number) {
    this.transform = fitTransform(
      { width: input.width, height: input.height },
      { width: size, height: size },
    );
  }

  /** Space: zoom and pan fitted again, and the first window preset. */
  resetView(input: Layer | null, size: number) {
    if (input) this.fit(input, size);
    this.applyPreset(0, input);
  }

  /** The cut-off a new map starts with: the run's pixel operating point, else mid-range. */
  startThreshold(map: Layer, result: Result | null) {
    this.threshold = result?.threshold ?? map.range.min + 0.5 * (map.range.max - map.range.min);
  }

  windowDrag(input: Layer | null, dx: number, dy: number, phase: 'start' | 'move' | 'end') {
    if (phase === 'start') {
      this.dragStartWindow = this.displayWindow;
      return;
    }
    if (input) this.displayWindow = dragWindowLevel(this.dragStartWindow, dx, dy, input.range);
    this.presetName = 'Custom';
  }

  toggleHeatScale() {
    this.heatScale = this.heatScale === 'fixed' ? 'stretched' : 'fixed';
  }
}
