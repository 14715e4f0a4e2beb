import * as tf from '@tensorflow/tfjs';
import { ParamStore } from './params.ts';
import { attention, conv, dense, groupNorm, silu, timeEmbedding, upsample2x } from './layers.ts';

/** Architecture of the noise UNet and of the classifier (its encoder half plus pooling). */
export interface UNetConfig {
  imageSize: number;
  /** Channels per resolution level, e.g. [64, 64, 64]; each level after the first halves the size. */
  channels: number[];
  resBlocks: number;
  /** Self-attention per level, usually only at the lowest resolution. */
  attention: boolean[];
  /**
   * GroupNorm groups at every level. Unset: 32 where every level allows it, else 8, as in the
   * PyTorch reference; but 32 groups on a 32-channel level normalise each channel alone, which
   * cancels the per-channel time-embedding bias of its residual blocks (see groupsFor).
   */
  groups?: number;
}

export const defaultUNetConfig: UNetConfig = {
  imageSize: 64,
  channels: [64, 64, 64],
  resBlocks: 1,
  attention: [false, false, true],
};

export function validateUNetConfig(config: UNetConfig): void {
  const { imageSize, channels, attention: att, resBlocks } = config;
  if (![32, 64, 128, 256].includes(imageSize))
    throw new Error(`image size ${imageSize} is not 32, 64, 128 or 256`);
  if (channels.length < 1 || att.length !== channels.length)
    throw new Error('channels and attention must have one entry per level');
  if (imageSize % 2 ** (channels.length - 1) !== 0)
    throw new Error('too many levels for the image size');
  if (!Number.isInteger(resBlocks) || resBlocks < 1)
    throw new Error('resBlocks must be a positive integer');
  if (config.groups !== undefined && !(Number.isInteger(config.groups) && config.groups >= 1))
    throw new Error(`groups must be a positive integer, got ${config.groups}`);
  const groups = groupsFor(config);
  for (const c of channels)
    if (c % groups !== 0) throw new Error(`channels ${c} not divisible by ${groups} groups`);
}

/**
 * GroupNorm groups: the architecture's own, else as in the PyTorch reference, 32 where every
 * level allows it, else 8. With as many groups as channels (32 on a 32-channel level) the norm
 * after a residual block's time-embedding bias subtracts that bias again, so the level's blocks
 * do not see t; 8 groups keep it (test/engine/nn/unet.test.ts).
 */
export function groupsFor(config: UNetConfig): number {
  return config.groups ?? (Math.min(...config.channels) % 32 === 0 ? 32 : 8);
}

interface Context {
  p: ParamStore;
  groups: number;
  temb: tf.Tensor2D;
}

/**
 * Each block runs in its own tidy scope: its temporaries (the GroupNorm and SiLU pieces) are
 * freed as soon as it returns instead of at the end of the whole pass, which halves a forward
 * pass's peak memory. Under a gradient the tape keeps what the backward pass needs.
 */
function resBlock(ctx: Context, name: string, x: tf.Tensor4D, outChannels: number): tf.Tensor4D {
  return tf.tidy(() => {
    const { p, groups } = ctx;
    let h = conv(p, `${name}.conv1`, silu(groupNorm(p, `${name}.norm1`, x, groups)), outChannels);
    const t = dense(p, `${name}.temb`, silu(ctx.temb), outChannels);
    h = tf.add(h, tf.reshape(t, [t.shape[0], 1, 1, outChannels]));
    h = conv(p, `${name}.conv2`, silu(groupNorm(p, `${name}.norm2`, h, groups)), outChannels);
    const skip = x.shape[3] === outChannels ? x : conv(p, `${name}.skip`, x, outChannels, 1);
    return tf.add(skip, h);
  });
}

function level(
  ctx: Context,
  name: string,
  x: tf.Tensor4D,
  outChannels: number,
  blocks: number,
  att: boolean,
) {
  let h = x;
  for (let i = 0; i < blocks; i++) {
    h = resBlock(ctx, `${name}.res${i}`, h, outChannels);
    if (att) h = attention(ctx.p, `${name}.att${i}`, h, ctx.groups);
  }
  return h;
}

/** The shared encoder: time embedding, stem, down levels and the middle block. */
function encode(p: ParamStore, config: UNetConfig, x: tf.Tensor4D, t: tf.Tensor1D) {
  const c0 = config.channels[0];
  const hidden = dense(p, 'temb.1', timeEmbedding(t, c0), 4 * c0);
  const ctx: Context = {
    p,
    groups: groupsFor(config),
    temb: dense(p, 'temb.2', silu(hidden), 4 * c0),
  };
  let h = conv(p, 'stem', x, c0);
  const skips: tf.Tensor4D[] = [];
  config.channels.forEach((channels, i) => {
    h = level(ctx, `down${i}`, h, channels, config.resBlocks, config.attention[i]);
    skips.push(h);
    if (i < config.channels.length - 1) h = conv(p, `down${i}.pool`, h, channels, 3, 2);
  });
  const last = config.channels[config.channels.length - 1];
  h = level(ctx, 'mid', h, last, 1, true);
  return { ctx, h, skips };
}

/** eps_theta(x_t, t): predicts the noise in x_t, [B, S, S, 1] -> [B, S, S, 1]. */
export function noiseModel(
  p: ParamStore,
  config: UNetConfig,
  x: tf.Tensor4D,
  t: tf.Tensor1D,
): tf.Tensor4D {
  const encoded = encode(p, config, x, t);
  const { ctx, skips } = encoded;
  let h = encoded.h;
  for (let i = config.channels.length - 1; i >= 0; i--) {
    const channels = config.channels[i];
    h = level(
      ctx,
      `up${i}`,
      tf.concat([h, skips[i]], 3),
      channels,
      config.resBlocks,
      config.attention[i],
    );
    if (i > 0) h = conv(p, `up${i}.unpool`, upsample2x(h), channels);
  }
  return conv(p, 'out', silu(groupNorm(p, 'out.norm', h, ctx.groups)), 1);
}

/** Logits of p_phi(y | x_t, t) for y = 0 healthy, 1 pathological: [B, S, S, 1] -> [B, 2]. */
export function classifierLogits(
  p: ParamStore,
  config: UNetConfig,
  x: tf.Tensor4D,
  t: tf.Tensor1D,
): tf.Tensor2D {
  const { ctx, h } = encode(p, config, x, t);
  const pooled = tf.mean(silu(groupNorm(p, 'head.norm', h, ctx.groups)), [1, 2]) as tf.Tensor2D;
  return dense(p, 'head.out', pooled, 2);
}
