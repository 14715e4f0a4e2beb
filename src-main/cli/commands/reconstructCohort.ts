/**
 * `anomap reconstruct --manifest CSV | --library DIR [--studies IDS] [--split NAME]
 *  [--shard I/N|auto] --out DIR`: a cohort, or one shard of it, reconstructed into files (the
 * options of the image-file form, `reconstruct IMAGE... --out DIR`, stay as they are). The
 * shard's work is in jobs/cohort; this door reads the options and reports.
 */
import type { Command } from 'commander';
import { limitThreads, type ReconstructionSettings } from '../../engine/index.ts';
import { reconstructShard, type CohortInput } from '../../jobs/cohort/reconstructShard.ts';
import { shardOption } from '../../jobs/cohort/shards.ts';
import { settingsOverrides } from '../mapOptions.ts';
import { integer } from '../options.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

/** The cohort options of `anomap reconstruct`. */
export function cohortOptions(command: Command): Command {
  return command
    .option('--manifest <csv>', 'a cohort: the images of this manifest (its "image" column)')
    .option('--library <dir>', "a cohort: this library's studies (all, --studies or --split)")
    .option('--studies <ids>', 'with --library: these study ids (comma-separated)', studyIds)
    .option('--split <name>', 'a cohort: only rows or studies of this split')
    .option(
      '--all-slices',
      'with --library: map every slice, not only the mid-axial slab the models know (models/README.md, Domain); blank slices never',
    )
    .option(
      '--shard <I/N>',
      'a cohort: map only the I-th (0-based) of N balanced parts; "auto" reads SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX with ANOMAP_SHARD_COUNT',
    )
    .option(
      '--threads <n>',
      "the engine's threads (default: every core; a cluster task: the cores it was given)",
      integer,
    );
}

function studyIds(value: string): number[] {
  return value.split(',').map((v) => integer(v.trim()));
}

export interface CohortCommandOptions extends Record<string, unknown> {
  manifest?: string;
  library?: string;
  studies?: number[];
  split?: string;
  allSlices?: boolean;
  shard?: string;
  threads?: number;
  out: string;
  models: string;
  preset: string;
  noiseLevel?: number;
  stride?: number;
  scale?: number;
  encoding?: 'ddim' | 'noise';
  batch: number;
}

export function isCohort(o: { manifest?: string; library?: string }): boolean {
  return o.manifest !== undefined || o.library !== undefined;
}

/** Image files and a cohort are two forms of the command: refuse a mix, and half a cohort. */
export function checkReconstructForm(images: string[], o: Partial<CohortCommandOptions>): void {
  if (isCohort(o)) {
    if (images.length > 0)
      throw new Error('give image files, or a cohort (--manifest or --library), not both');
    if (o.manifest !== undefined && o.library !== undefined)
      throw new Error('give the cohort as --manifest CSV or as --library DIR (one of them)');
    if (o.studies !== undefined && o.library === undefined)
      throw new Error('--studies needs --library');
    if (o.allSlices && o.library === undefined)
      throw new Error('--all-slices needs --library (a manifest lists single slices)');
  } else {
    if (images.length === 0)
      throw new Error('give image files, or a cohort as --manifest CSV or --library DIR');
    for (const option of ['shard', 'studies', 'split'] as const)
      if (o[option] !== undefined)
        throw new Error(`--${option} is for a cohort (--manifest or --library)`);
  }
}

/**
 * What `anomap reconstruct` does first: checks which form it was given and limits the engine's
 * threads (both forms); runs the cohort and returns true when it is one.
 */
export async function reconstructCohortIfAsked(
  images: string[],
  o: CohortCommandOptions,
): Promise<boolean> {
  checkReconstructForm(images, o);
  if (o.threads !== undefined) limitThreads(o.threads);
  if (!isCohort(o)) return false;
  await reconstructCohort(o);
  return true;
}

async function reconstructCohort(o: CohortCommandOptions): Promise<void> {
  const shard = o.shard === undefined ? { index: 0, count: 1 } : shardOption(o.shard);
  const input: CohortInput =
    o.manifest !== undefined
      ? { kind: 'manifest', manifest: o.manifest, split: o.split }
      : {
          kind: 'library',
          library: o.library!,
          studyIds: o.studies,
          split: o.split,
          allSlices: o.allSlices,
        };
  // The same checked overrides as a reconstruction of image files (one schema with the api).
  const overrides: Partial<ReconstructionSettings> = {
    ...settingsOverrides(o),
    ...(o.preset === 'unguided' && { guidanceScale: 0 }),
  };
  const controller = cancelOnInterrupt();
  // A scheduler stops a task with SIGTERM (scancel, time limit, pod eviction): stop between
  // batches as for Ctrl-C; what is written stays, and the task resumes from it.
  process.once('SIGTERM', () => controller.abort());
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { run, status } = await reconstructShard(
    {
      input,
      out: o.out,
      modelsDir: o.models,
      shard,
      overrides,
      batchSize: o.batch,
      threads: o.threads ?? null,
    },
    { signal: controller.signal, onProgress: progressBar() },
    log,
  );
  const pace =
    status.secondsPerSlice === null ? '' : `, ${status.secondsPerSlice.toFixed(2)} s per slice`;
  process.stdout.write(
    `shard ${shard.index}/${shard.count} of run ${run.id}: ${status.items} slices, ` +
      `${status.computed} computed, ${status.skipped} complete already${pace}; results in ${o.out}\n`,
  );
}
