import { describe, expect, it } from 'vitest';
import { colormapLut, LUT_SIZE } from '../../../../src-renderer/components/viewer/colormaps.ts';
import {
  colorizeMap,
  colormapIndex,
  composeOutline,
  composeOverlay,
  regionOutline,
  thresholdMask,
} from '../../../../src-renderer/components/viewer/overlay.ts';
import {
  colorbarGradient,
  colorbarTicks,
} from '../../../../src-renderer/components/viewer/colorbar.ts';

describe('overlay thresholding and colormaps', () => {
  it('masks the pixels above the cut-off, as the exports and the calibration do (>, not >=)', () => {
    // 0.5 equals the calibrated cut-off: the largest value a healthy pixel may reach unmarked.
    expect(Array.from(thresholdMask([0.1, 0.5, 0.49, 0.9], 0.5))).toEqual([0, 0, 0, 1]);
    const rgba = composeOverlay(Uint8ClampedArray.from([100]), [0.5], {
      rangeMin: 0,
      rangeMax: 1,
      pixelThreshold: 0.5,
      opacity: 1,
      lut: colormapLut('hot'),
    });
    expect(Array.from(rgba.slice(0, 4))).toEqual([100, 100, 100, 255]);
  });

  it('leaves pixels below the threshold grey and blends those above with the opacity', () => {
    const lut = colormapLut('hot');
    const grey = Uint8ClampedArray.from([100, 100]);
    const rgba = composeOverlay(grey, [0.2, 1], {
      rangeMin: 0,
      rangeMax: 1,
      pixelThreshold: 0.5,
      opacity: 0.5,
      lut,
    });
    expect(Array.from(rgba.slice(0, 4))).toEqual([100, 100, 100, 255]);
    // The top of 'hot' is white: halfway between grey 100 and 255.
    expect(Array.from(rgba.slice(4, 8))).toEqual([178, 178, 178, 255]);
  });

  it('draws the colour itself at full opacity and nothing at zero', () => {
    const lut = colormapLut('viridis');
    const settings = { rangeMin: 0, rangeMax: 1, pixelThreshold: -1, lut };
    const opaque = composeOverlay(Uint8ClampedArray.from([7]), [0], { ...settings, opacity: 1 });
    expect(Array.from(opaque.slice(0, 3))).toEqual([lut[0], lut[1], lut[2]]);
    const hidden = composeOverlay(Uint8ClampedArray.from([7]), [1], { ...settings, opacity: 0 });
    expect(Array.from(hidden.slice(0, 3))).toEqual([7, 7, 7]);
  });

  it('refuses a map whose size differs from the slice', () => {
    expect(() =>
      composeOverlay(new Uint8ClampedArray(4), [1, 2], {
        rangeMin: 0,
        rangeMax: 1,
        pixelThreshold: 0,
        opacity: 1,
        lut: colormapLut('hot'),
      }),
    ).toThrow(/anomaly map has 2 pixels but the slice has 4/);
  });

  it('spreads the overlay range over the 256 colormap entries', () => {
    expect(colormapIndex(-5, 0, 1)).toBe(0);
    expect(colormapIndex(0.5, 0, 1)).toBe(128);
    expect(colormapIndex(1, 0, 1)).toBe(LUT_SIZE - 1);
    expect(colormapIndex(3, 2, 2)).toBe(0);
  });

  it("uses matplotlib's viridis and inferno end colours and hot from black-red to white", () => {
    const viridis = colormapLut('viridis');
    expect(Array.from(viridis.slice(0, 3))).toEqual([0x44, 0x01, 0x54]);
    expect(Array.from(viridis.slice(255 * 3))).toEqual([0xfd, 0xe7, 0x25]);
    const inferno = colormapLut('inferno');
    expect(Array.from(inferno.slice(0, 3))).toEqual([0, 0, 4]);
    const hot = colormapLut('hot');
    expect(Array.from(hot.slice(0, 3))).toEqual([11, 0, 0]);
    expect(Array.from(hot.slice(255 * 3))).toEqual([255, 255, 255]);
    // Red rises before green, green before blue.
    expect(hot[3 * 93]).toBe(255);
    expect(hot[3 * 93 + 1]).toBe(0);
  });

  it('colours a map on its own through the LUT', () => {
    const lut = colormapLut('inferno');
    const rgba = colorizeMap([0, 1], lut, 0, 1);
    expect(Array.from(rgba.slice(4, 8))).toEqual([lut[765], lut[766], lut[767], 255]);
  });

  it('labels the colorbar at round values inside the range', () => {
    const ticks = colorbarTicks(0, 1, 5);
    expect(ticks.map((t) => t.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(ticks[0].position).toBe(0);
    expect(ticks[ticks.length - 1].position).toBeCloseTo(1);
    // matplotlib: hot(0.5) = (1, 0.36, 0).
    expect(colorbarGradient(colormapLut('hot'), 2)).toBe(
      'linear-gradient(to top, rgb(11, 0, 0) 0.0%, rgb(255, 92, 0) 50.0%, rgb(255, 255, 255) 100.0%)',
    );
  });
});

describe('outline overlay', () => {
  it('marks only the border of the region above the cut-off', () => {
    // A 3 x 3 block of 1s inside a 5 x 5 map of 0s: its 8 border pixels, not its centre.
    const map = new Float32Array(25);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) map[y * 5 + x] = 1;
    const outline = regionOutline(map, 5, 5, 0.5);
    expect(Array.from(outline).reduce((a, b) => a + b, 0)).toBe(8);
    expect(outline[2 * 5 + 2]).toBe(0);
    expect(outline[1 * 5 + 1]).toBe(1);
    expect(outline[0]).toBe(0);
  });

  it('draws the outline in colour and leaves the anatomy inside it grey', () => {
    const map = new Float32Array(25);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) map[y * 5 + x] = 1;
    const grey = new Uint8ClampedArray(25).fill(100);
    const rgba = composeOutline(grey, regionOutline(map, 5, 5, 0.5), [0, 255, 0]);
    expect(Array.from(rgba.slice(4 * 6, 4 * 6 + 4))).toEqual([0, 255, 0, 255]);
    expect(Array.from(rgba.slice(4 * 12, 4 * 12 + 4))).toEqual([100, 100, 100, 255]);
  });
});
