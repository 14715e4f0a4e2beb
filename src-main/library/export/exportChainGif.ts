/**
 * A result's kept denoising chain as an animated GIF for teaching: each step shows the input,
 * x_t and, when the run kept gradients, the guidance gradient (mid-grey = 0) side by side, in the
 * order the chain player plays them, ending on the final reconstruction x̂, with the phase and t
 * drawn in a caption strip below; a sidecar JSON names them too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Library } from '../library.ts';
import type { Pixels } from '../pixels.ts';
import { chainSteps, type ChainStep } from '../../contract/index.ts';
import { captionHeight, drawCaption } from './caption.ts';

/**
 * gifenc is CommonJS whose named exports Node's ESM loader cannot see (and tools disagree on
 * its default), so it is loaded with require, the way every runtime agrees on; lazily, so the
 * library loads (and says what is missing) even where the package is not installed.
 */
function gifEncoder(): ReturnType<typeof import('gifenc').GIFEncoder> {
  const gifenc = createRequire(import.meta.url)('gifenc') as typeof import('gifenc');
  return gifenc.GIFEncoder();
}

export interface ChainGifExport {
  gif: string;
  json: string;
  frames: number;
  width: number;
  height: number;
}

/** Frames held for this long each; the last one three times as long. */
const FRAME_DELAY_MS = 250;
/** Grey value of an empty gradient panel (a gradient of 0). */
const GRADIENT_ZERO = 128;
/** Frame width per caption pixel size: 3 x 128-pixel panels get 2 x 2 pixel glyph dots. */
const CAPTION_WIDTH_PER_SCALE = 160;
const GRAY_PALETTE = Array.from({ length: 256 }, (_, v) => [v, v, v]);

/** A stored image as 8-bit display values at `width` x `height` (nearest neighbour). */
export function displayBytes(image: Pixels, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const toByte = image.bitDepth === 16 ? (v: number) => Math.round(v / 257) : (v: number) => v;
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.min(image.height - 1, Math.floor((y * image.height) / height));
    for (let x = 0; x < width; x++) {
      const sourceColumn = Math.min(image.width - 1, Math.floor((x * image.width) / width));
      out[y * width + x] = toByte(image.pixels[sourceRow * image.width + sourceColumn]);
    }
  }
  return out;
}

/** Panels laid left to right into one frame of `panels.length * width` x `height`. */
function sideBySide(panels: Uint8Array[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(panels.length * width * height);
  panels.forEach((panel, index) => {
    for (let y = 0; y < height; y++)
      out.set(panel.subarray(y * width, (y + 1) * width), (y * panels.length + index) * width);
  });
  return out;
}

/** x_t of a step and, when the chain has gradients, its gradient (mid-grey where it has none). */
async function stepPanels(
  library: Library,
  step: ChainStep,
  width: number,
  height: number,
  withGradient: boolean,
): Promise<Uint8Array[]> {
  const panels = [displayBytes(await library.store.get(step.hash), width, height)];
  if (withGradient)
    panels.push(
      step.gradientHash
        ? displayBytes(await library.store.get(step.gradientHash), width, height)
        : new Uint8Array(width * height).fill(GRADIENT_ZERO),
    );
  return panels;
}

/** "DENOISE T=40", "NOISE T=50", "FINAL" (the caption font has upper case only). */
export function captionOf(step: Pick<ChainStep, 'phase' | 't'>): string {
  if (step.phase === 'final') return 'FINAL';
  return `${step.phase === 'noising' ? 'NOISE' : 'DENOISE'} T=${step.t}`;
}

/** Writes `chain-result-<id>.gif` and its `.json` into `folder`; refuses a result with no chain. */
export async function exportChainGif(
  library: Library,
  resultId: number,
  folder: string,
): Promise<ChainGifExport> {
  const result = library.getResult(resultId);
  if (result.chain.length === 0)
    throw new Error(
      `result ${resultId} kept no denoising chain (tick "Keep the denoising chain" in Run)`,
    );
  const steps = chainSteps(result.chain, result.reconstructionHash);
  const first = await library.store.get(steps[0].hash);
  const { width, height } = first;
  const withGradient = steps.some((step) => step.gradientHash !== null);
  const panelCount = withGradient ? 3 : 2;
  // The input slice as the player shows it (its PNG's full range), at the model's size.
  const input = displayBytes(
    await library.store.get(library.getImage(result.imageId).hash),
    width,
    height,
  );
  const frameWidth = panelCount * width;
  const scale = Math.max(1, Math.floor(frameWidth / CAPTION_WIDTH_PER_SCALE));
  const frameHeight = height + captionHeight(scale);
  const encoder = gifEncoder();
  for (const [index, step] of steps.entries()) {
    const panels = [input, ...(await stepPanels(library, step, width, height, withGradient))];
    const frame = new Uint8Array(frameWidth * frameHeight);
    frame.set(sideBySide(panels, width, height));
    frame.set(drawCaption(captionOf(step), frameWidth, scale), frameWidth * height);
    const last = index === steps.length - 1;
    encoder.writeFrame(frame, frameWidth, frameHeight, {
      palette: GRAY_PALETTE,
      delay: last ? 3 * FRAME_DELAY_MS : FRAME_DELAY_MS,
    });
  }
  encoder.finish();
  mkdirSync(folder, { recursive: true });
  const gif = join(folder, `chain-result-${resultId}.gif`);
  const json = join(folder, `chain-result-${resultId}.json`);
  writeFileSync(gif, encoder.bytes());
  const panelNames = ['input x_0', 'x_t', ...(withGradient ? ['gradient (grey = 0)'] : [])];
  const frames = steps.map(({ phase, t }) => ({ phase, t: phase === 'final' ? null : t }));
  writeFileSync(json, JSON.stringify({ resultId, panels: panelNames, frames }, null, 2));
  return { gif, json, frames: steps.length, width: frameWidth, height: frameHeight };
}
