import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { exportChainGif } from '../../../src-main/library/index.ts';
import { captionOf } from '../../../src-main/library/export/exportChainGif.ts';
import { drawCaption } from '../../../src-main/library/export/caption.ts';
import { addSliceStudy } from '../fixtures/seed.ts';
import { tempDir } from '../fixtures/rasters.ts';
import { decodeGif } from './gifDecode.ts';

let library: Library;
let folder: string;
beforeEach(() => {
  const dir = tempDir();
  library = Library.open(join(dir, 'library'), { actor: 'dr.a' });
  folder = join(dir, 'exports');
});
afterEach(() => library.close());

const SIZE = 4;
/** A 4x4 8-bit frame whose pixels differ, so a swapped or shifted panel shows. */
const frame = (base: number) => ({
  width: SIZE,
  height: SIZE,
  bitDepth: 8 as const,
  pixels: Uint8Array.from({ length: SIZE * SIZE }, (_, i) => base + 3 * i),
});

async function resultWithChain(withChain = true) {
  const { imageId } = await addSliceStudy(library, { uid: 's1' });
  const run = library.createRun({ settings: { imageSize: SIZE }, modelIds: [] });
  const ramp = Float32Array.from({ length: SIZE * SIZE }, (_, i) => -1 + (2 * i) / 15);
  return library.saveResult({
    runId: run.id,
    imageId,
    reconstruction: { width: SIZE, height: SIZE, values: ramp },
    map: { width: SIZE, height: SIZE, values: ramp },
    score: 0.3,
    chain: withChain
      ? [
          { phase: 'noising', t: 0, image: frame(10) },
          { phase: 'noising', t: 50, image: frame(60) },
          { phase: 'denoising', t: 50, image: frame(20) },
          { phase: 'gradient', t: 50, image: frame(100) },
          { phase: 'denoising', t: 0, image: frame(30) },
        ]
      : undefined,
  });
}

/** Panel `index` (0 = input, 1 = x_t, 2 = gradient) of a decoded frame as gray values. */
function panel(decoded: ReturnType<typeof decodeGif>['frames'][number], index: number): number[] {
  const values: number[] = [];
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const paletteIndex = decoded.indices[y * decoded.width + index * SIZE + x];
      values.push(decoded.palette[3 * paletteIndex]);
    }
  return values;
}

describe('chain export as an animated GIF', () => {
  it('writes one frame per played step, input | x_t | gradient, ending on the reconstruction', async () => {
    const result = await resultWithChain();
    const written = await exportChainGif(library, result.id, folder);
    const bytes = readFileSync(written.gif);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const gif = decodeGif(bytes);
    // noising 0, noising 50, denoising 50 (+gradient), denoising 0, final.
    expect(gif.frames).toHaveLength(5);
    // Below the panels, a 7-pixel caption strip (glyph dots 1 pixel wide on a 12-pixel frame).
    const height = SIZE + 7;
    expect(written).toMatchObject({ frames: 5, width: 3 * SIZE, height });
    expect([gif.width, gif.height]).toEqual([3 * SIZE, height]);
    expect(gif.frames.map((f) => [f.width, f.height])).toEqual(Array(5).fill([3 * SIZE, height]));
    const caption = (index: number) =>
      [...gif.frames[index].indices.subarray(3 * SIZE * SIZE)].map(
        (i) => gif.frames[index].palette[3 * i],
      );
    expect(caption(0)).toEqual([
      ...drawCaption(captionOf({ phase: 'noising', t: 0 }), 3 * SIZE, 1),
    ]);
    expect(caption(4)).toEqual([...drawCaption('FINAL', 3 * SIZE, 1)]);
    expect(caption(0)).not.toEqual(caption(2));

    const input = await library.store.get(library.getImage(result.imageId).hash);
    // The 16x16 8-bit input sampled at every 4th row and column (nearest neighbour) to 4x4.
    const inputBytes = Array.from(
      { length: SIZE * SIZE },
      (_, i) => input.pixels[4 * Math.floor(i / SIZE) * 16 + 4 * (i % SIZE)],
    );
    expect(input).toMatchObject({ width: 16, height: 16, bitDepth: 8 });
    for (const decoded of gif.frames) expect(panel(decoded, 0)).toEqual(inputBytes);
    expect(new Set(inputBytes).size).toBeGreaterThan(1);
    expect(panel(gif.frames[0], 1)).toEqual([...frame(10).pixels]);
    expect(panel(gif.frames[0], 2)).toEqual(Array(16).fill(128));
    expect(panel(gif.frames[2], 1)).toEqual([...frame(20).pixels]);
    expect(panel(gif.frames[2], 2)).toEqual([...frame(100).pixels]);
    const stored = await library.store.get(result.reconstructionHash);
    expect(stored.bitDepth).toBe(16);
    const last = panel(gif.frames[4], 1);
    expect(last).toEqual([...stored.pixels].map((v) => Math.round(v / 257)));
    // The ramp -1..1 quantised over its own min..max: 17 grey steps apart.
    expect(last).toEqual(Array.from({ length: 16 }, (_, i) => i * 17));
    expect(gif.frames[4].delayMs).toBeGreaterThan(gif.frames[0].delayMs);

    const sidecar = JSON.parse(readFileSync(written.json, 'utf8'));
    expect(sidecar.frames).toEqual([
      { phase: 'noising', t: 0 },
      { phase: 'noising', t: 50 },
      { phase: 'denoising', t: 50 },
      { phase: 'denoising', t: 0 },
      { phase: 'final', t: null },
    ]);
    expect([0, 1, 2, 3].map((i) => captionOf(sidecar.frames[i]))).toEqual([
      'NOISE T=0',
      'NOISE T=50',
      'DENOISE T=50',
      'DENOISE T=0',
    ]);
  });

  it('refuses a result without a chain and a result that does not exist, naming it', async () => {
    const result = await resultWithChain(false);
    await expect(exportChainGif(library, result.id, folder)).rejects.toThrow(
      `result ${result.id} kept no denoising chain`,
    );
    await expect(exportChainGif(library, 999, folder)).rejects.toThrow('result 999 does not exist');
  });
});
