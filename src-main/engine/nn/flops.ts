import type { UNetConfig } from './unet.ts';

/**
 * Multiply-adds x 2 of one forward pass per slice, counted from the architecture as the UNet
 * builds it (convolutions, dense layers and attention products; normalisation and activations
 * are left out as they are a few percent). Used to report achieved GFLOP/s in benchmarks.
 */
export function forwardFlops(config: UNetConfig, head: 'noise' | 'classifier' = 'noise'): number {
  const c0 = config.channels[0];
  const tdim = 4 * c0;
  let flops = 2 * (c0 * tdim + tdim * tdim);
  let size = config.imageSize;
  const conv = (cin: number, cout: number, k: number, s: number) => 2 * s * s * k * k * cin * cout;
  const resBlock = (cin: number, cout: number, s: number) =>
    conv(cin, cout, 3, s) +
    conv(cout, cout, 3, s) +
    (cin !== cout ? conv(cin, cout, 1, s) : 0) +
    2 * tdim * cout;
  const attention = (c: number, s: number) => {
    const n = s * s;
    return 2 * n * c * 3 * c + 2 * n * n * c * 2 + 2 * n * c * c;
  };
  const level = (cin: number, cout: number, blocks: number, att: boolean, s: number) => {
    let f = 0;
    for (let i = 0; i < blocks; i++)
      f += resBlock(i === 0 ? cin : cout, cout, s) + (att ? attention(cout, s) : 0);
    return f;
  };
  flops += conv(1, c0, 3, size);
  let c = c0;
  const sizes: number[] = [];
  config.channels.forEach((channels, i) => {
    flops += level(c, channels, config.resBlocks, config.attention[i], size);
    c = channels;
    sizes.push(size);
    if (i < config.channels.length - 1) {
      size /= 2;
      flops += conv(c, c, 3, size);
    }
  });
  flops += level(c, c, 1, true, size);
  if (head === 'classifier') return flops + 2 * c * 2;
  for (let i = config.channels.length - 1; i >= 0; i--) {
    flops += level(
      c + config.channels[i],
      config.channels[i],
      config.resBlocks,
      config.attention[i],
      sizes[i],
    );
    c = config.channels[i];
    if (i > 0) flops += conv(c, c, 3, sizes[i - 1]);
  }
  return flops + conv(c, 1, 3, sizes[0]);
}
