import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../nn/params.ts';
import { readWeights } from '../models.ts';
import { readBundle, writeBundle, type BundleIndex } from '../tensorBundle.ts';
import type { Adam } from './adam.ts';

/** What a resumed run needs besides its options: where it was and how long it took so far. */
export interface CheckpointState {
  step: number;
  wallSeconds: number;
  optionsKey: string;
  losses: number[];
}

interface CheckpointIndex extends CheckpointState {
  bundles: Record<'params' | 'ema' | 'adamM' | 'adamV', BundleIndex>;
}

/**
 * Saves weights, EMA, Adam moments and the step into workDir/checkpoint. The new checkpoint is
 * written beside the old one and swapped in by renames, so a kill at any moment leaves one whole
 * checkpoint to resume from.
 */
export async function saveCheckpoint(
  workDir: string,
  parts: { params: ParamStore; ema: ParamStore; adam: Adam },
  state: CheckpointState,
): Promise<void> {
  const next = join(workDir, 'checkpoint.next');
  await rm(next, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  const moments = async (store: Map<string, tf.Variable>) =>
    new Map(
      await Promise.all(
        [...store].map(
          async ([name, v]) =>
            [name, { shape: v.shape, values: (await v.data()) as Float32Array }] as const,
        ),
      ),
    );
  const bundles = {
    params: await writeBundle(join(next, 'params.bin'), await readWeights(parts.params)),
    ema: await writeBundle(join(next, 'ema.bin'), await readWeights(parts.ema)),
    adamM: await writeBundle(join(next, 'adam-m.bin'), await moments(parts.adam.firstMoment)),
    adamV: await writeBundle(join(next, 'adam-v.bin'), await moments(parts.adam.secondMoment)),
  };
  const index: CheckpointIndex = { ...state, bundles };
  await writeFile(join(next, 'state.json'), JSON.stringify(index));
  const current = join(workDir, 'checkpoint');
  const old = join(workDir, 'checkpoint.old');
  await rm(old, { recursive: true, force: true });
  if (existsSync(current)) await rename(current, old);
  await rename(next, current);
  await rm(old, { recursive: true, force: true });
}

/** Restores the newest whole checkpoint into the given parts; returns null when there is none. */
export async function loadCheckpoint(
  workDir: string,
  parts: { params: ParamStore; ema: ParamStore; adam: Adam },
): Promise<CheckpointState | null> {
  const dir = [join(workDir, 'checkpoint'), join(workDir, 'checkpoint.old')].find((d) =>
    existsSync(join(d, 'state.json')),
  );
  if (!dir) return null;
  const index = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointIndex;
  const restore = async (
    file: string,
    bundle: BundleIndex,
    into: (name: string, t: tf.Tensor) => void,
  ) => {
    for (const [name, { shape, values }] of await readBundle(join(dir, file), bundle))
      tf.tidy(() => into(name, tf.tensor(values, shape)));
  };
  const assignTo = (store: ParamStore) => (name: string, t: tf.Tensor) => {
    const v = store.variables.get(name);
    if (!v) throw new Error(`${dir}: checkpoint has weight ${name} that the architecture lacks`);
    v.assign(t);
  };
  await restore('params.bin', index.bundles.params, assignTo(parts.params));
  await restore('ema.bin', index.bundles.ema, assignTo(parts.ema));
  const intoMoments = (store: Map<string, tf.Variable>) => (name: string, t: tf.Tensor) => {
    store.get(name)?.dispose();
    store.set(name, tf.variable(t, false));
  };
  await restore('adam-m.bin', index.bundles.adamM, intoMoments(parts.adam.firstMoment));
  await restore('adam-v.bin', index.bundles.adamV, intoMoments(parts.adam.secondMoment));
  parts.adam.step = index.step;
  return {
    step: index.step,
    wallSeconds: index.wallSeconds,
    optionsKey: index.optionsKey,
    losses: index.losses,
  };
}
