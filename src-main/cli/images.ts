import { interpolateInferno } from 'd3-scale-chromatic';
import sharp from 'sharp';

/** 256-entry RGB table of the perceptually uniform inferno colormap (d3-scale-chromatic). */
const INFERNO = (() => {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const hex = interpolateInferno(i / 255);
    for (let c = 0; c < 3; c++) table[i * 3 + c] = parseInt(hex.slice(1 + 2 * c, 3 + 2 * c), 16);
  }
  return table;
})();

/** A [-1, 1] slice as 8-bit grayscale RGB. */
export function grayscaleRgb(values: Float32Array): Uint8Array {
  const rgb = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++)
    rgb.fill(Math.round(Math.min(1, Math.max(0, (values[i] + 1) / 2)) * 255), i * 3, i * 3 + 3);
  return rgb;
}

/** A map in [0, max] through the inferno colormap. */
export function heatmapRgb(values: Float32Array, max: number): Uint8Array {
  const rgb = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const k = Math.round(Math.min(1, Math.max(0, values[i] / (max || 1))) * 255);
    rgb.set(INFERNO.subarray(k * 3, k * 3 + 3), i * 3);
  }
  return rgb;
}

/** Draws the outline of a mask onto an RGB tile in the given colour. */
export function outlineMask(
  rgb: Uint8Array,
  mask: Uint8Array,
  size: number,
  colour: [number, number, number],
): Uint8Array {
  const out = Uint8Array.from(rgb);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (!mask[i]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === size - 1 ||
        y === size - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - size] ||
        !mask[i + size];
      if (edge) out.set(colour, i * 3);
    }
  return out;
}

/** Writes tiles (size x size RGB each) as a grid PNG, each tile scaled up by `zoom`. */
export async function writeGrid(
  path: string,
  rows: Uint8Array[][],
  size: number,
  zoom = 2,
): Promise<void> {
  const tile = size * zoom;
  const columns = Math.max(...rows.map((r) => r.length));
  const composites = await Promise.all(
    rows.flatMap((row, r) =>
      row.map(async (rgb, c) => ({
        input: await sharp(Buffer.from(rgb), { raw: { width: size, height: size, channels: 3 } })
          .resize(tile, tile, { kernel: 'nearest' })
          .png()
          .toBuffer(),
        left: c * tile,
        top: r * tile,
      })),
    ),
  );
  await sharp({
    create: {
      width: columns * tile,
      height: rows.length * tile,
      channels: 3,
      background: '#000000',
    },
  })
    .composite(composites)
    .png()
    .toFile(path);
}

/** A map or slice as a 16-bit grayscale PNG, values scaled from [low, high] to [0, 65535]. */
export async function writeGray16(
  path: string,
  values: Float32Array,
  size: number,
  low: number,
  high: number,
): Promise<void> {
  const data = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++)
    data[i] = Math.round(Math.min(1, Math.max(0, (values[i] - low) / (high - low || 1))) * 65535);
  await sharp(data, { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toFile(path);
}
