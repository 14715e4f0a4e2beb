/**
 * The ruler or region the reader drew on the slice (Ruler / Region modes), described in the
 * slice's units, until cleared or another slice is shown.
 */
import {
  describeMeasurement,
  measurementCaption,
  type Measurement,
} from '../../components/viewer/measure.ts';
import type { ReviewCase } from './reviewCase.svelte.ts';

export class ReviewMeasurement {
  measurement = $state<Measurement | null>(null);

  readonly label = $derived.by(() => {
    const { input, slice } = this.shown;
    return this.measurement && input && slice
      ? describeMeasurement(
          this.measurement,
          input.values,
          input,
          { slope: slice.valueSlope, intercept: slice.valueIntercept },
          slice.pixelSpacing,
        )
      : null;
  });
  /** The measurement as the canvas draws it, with its caption. */
  readonly onCanvas = $derived(
    this.measurement && this.label
      ? { ...this.measurement, label: measurementCaption(this.label) }
      : null,
  );

  constructor(private readonly shown: ReviewCase) {}

  clear() {
    this.measurement = null;
  }
}
