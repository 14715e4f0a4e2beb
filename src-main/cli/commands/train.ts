import { InvalidArgumentError, type Command } from 'commander';
import {
  SYNTHETIC_KINDS,
  trainClassifier,
  trainDiffusion,
  type Progress,
  type SyntheticKind,
} from '../../engine/index.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';
import { terminalText } from '../terminalText.ts';
import { batchSize, integer, number, parseChannels, parseFlags, processCount } from '../options.ts';
import { datasetOptions, manifestOf } from '../dataset.ts';

export function registerTrainCommand(program: Command): void {
  datasetOptions(
    program
      .command('train')
      .description('train the diffusion model (healthy images) or the noise-aware classifier')
      .argument('<which>', 'diffusion | classifier'),
  )
    .requiredOption('--out <dir>', 'folder for the finished model (manifest.json + weights.bin)')
    .option(
      '--work <dir>',
      'folder for checkpoints and the loss log; a run with a checkpoint there resumes',
    )
    .option('--steps <n>', 'training steps', integer, 2000)
    .option('--batch <n>', 'batch size', batchSize, 8)
    .option('--lr <x>', 'learning rate', number, 2e-4)
    .option('--ema <x>', 'EMA decay of the weights used for inference', number, 0.999)
    .option('--size <px>', 'image size (64 or 128)', integer, 64)
    .option('--channels <list>', 'channels per level', parseChannels, [64, 64, 64])
    .option('--res-blocks <n>', 'residual blocks per level', integer, 1)
    .option('--attention <flags>', 'attention per level, e.g. 0,0,1', parseFlags, [
      false,
      false,
      true,
    ])
    .option(
      '--groups <n>',
      'GroupNorm groups at every level (default: 32 where every level allows it, else 8; 32 on a 32-channel level hides t from it)',
      integer,
    )
    .option('--checkpoint-every <n>', 'steps between checkpoints', integer, 50)
    .option(
      '--processes <n>',
      '1, or 2 to split each batch across two engine processes',
      processCount,
      1,
    )
    .option('--seed <n>', 'random seed', integer, 1)
    .option(
      '--fastmri-share <x>',
      'diffusion: share of fastMRI among the healthy draws',
      number,
      0.5,
    )
    .option('--ixi-share <x>', 'classifier: share of IXI among the healthy draws', number, 0.2)
    .option(
      '--synthetic-share <x>',
      'classifier: share of synthetic lesions among the positives',
      number,
      0.5,
    )
    .option(
      '--synthetic-kinds <list>',
      `classifier: kinds of synthetic anomaly (${SYNTHETIC_KINDS.join(', ')}, or all)`,
      parseSyntheticKinds,
      ['ellipse'],
    )
    .option('--max-t <n>', 'classifier: timesteps drawn from [0, max-t)', integer, 500)
    .option(
      '--init-from <dir>',
      'start from this diffusion model: all its weights (diffusion: fine-tuning) or its encoder (classifier)',
    )
    .action(async (which: string, o) => {
      if (which !== 'diffusion' && which !== 'classifier')
        throw new Error(`train what? expected diffusion or classifier, got "${which}"`);
      const controller = cancelOnInterrupt();
      const bar = progressBar();
      const common = {
        manifestPath: await manifestOf(o, 'train'),
        outDir: o.out,
        workDir: o.work ?? `${o.out}.work`,
        steps: o.steps,
        batchSize: o.batch,
        learningRate: o.lr,
        emaDecay: o.ema,
        checkpointEvery: o.checkpointEvery,
        seed: o.seed,
        processes: o.processes as 1 | 2,
        config: {
          imageSize: o.size,
          channels: o.channels,
          resBlocks: o.resBlocks,
          attention: o.attention,
          ...(o.groups === undefined ? {} : { groups: o.groups as number }),
        },
      };
      const control = {
        signal: controller.signal,
        onProgress: (p: Progress) => bar(p, p.metrics ? `loss ${p.metrics.loss.toFixed(4)}` : ''),
      };
      const summary =
        which === 'diffusion'
          ? await trainDiffusion(
              { ...common, fastMriShare: o.fastmriShare, initFrom: o.initFrom },
              control,
            )
          : await trainClassifier(
              {
                ...common,
                maxTimestep: o.maxT,
                initFrom: o.initFrom,
                sampling: {
                  ixiShare: o.ixiShare,
                  syntheticShare: o.syntheticShare,
                  syntheticKinds: o.syntheticKinds,
                },
              },
              control,
            );
      process.stdout.write(
        `trained ${which}: ${summary.steps} steps (resumed from ${summary.resumedFrom}) in ${Math.round(summary.wallSeconds)} s on ${summary.backend}; final loss ${summary.finalLoss.toFixed(4)}; model in ${o.out}\n`,
      );
      for (const { image, reason } of summary.skipped)
        process.stderr.write(terminalText(`skipped ${image}: ${reason}`) + '\n');
    });
}

function parseSyntheticKinds(value: string): SyntheticKind[] {
  if (value.trim() === 'all') return [...SYNTHETIC_KINDS];
  return value.split(',').map((v) => {
    const kind = v.trim() as SyntheticKind;
    if (!SYNTHETIC_KINDS.includes(kind))
      throw new InvalidArgumentError(`"${v}" is not one of ${SYNTHETIC_KINDS.join(', ')}, all`);
    return kind;
  });
}
