/**
 * The engine's captured denoising chain turned into display frames for one slice of a batch:
 * x_t as the input is shown ([-1, 1] to black..white), the guidance gradient on a symmetric
 * scale (mid-grey is 0, white and black the largest push either way).
 */
import type { ChainFrame } from '../../engine/index.ts';
import type { NewResult } from '../../library/index.ts';

/** Frames kept of each phase (noising, denoising) when a run keeps its chain. */
export const CHAIN_FRAMES = 10;

export function chainFramesOf(
  chain: readonly ChainFrame[],
  slice: number,
  size: number,
): NonNullable<NewResult['chain']> {
  const frames: NonNullable<NewResult['chain']> = [];
  const image = (pixels: Uint8Array) => ({
    width: size,
    height: size,
    bitDepth: 8 as const,
    pixels,
  });
  for (const frame of chain) {
    const x = frame.x[slice];
    frames.push({
      phase: frame.phase === 'encode' ? 'noising' : 'denoising',
      t: frame.t,
      image: image(
        Uint8Array.from(x, (v) => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5)),
      ),
    });
    const gradient = frame.gradient?.[slice];
    if (gradient) {
      const largest = gradient.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
      frames.push({
        phase: 'gradient',
        t: frame.t,
        image: image(Uint8Array.from(gradient, (v) => Math.round(127.5 + (127.5 * v) / largest))),
      });
    }
  }
  return frames;
}
