/**
 * One shard of a cohort reconstruction (`anomap reconstruct --manifest|--library ... --shard I/N
 * --out DIR`): the slices of the I-th of N parts are reconstructed by the loop of the reconstruct
 * job kind and the CLI (reconstructImages: the same engine calls, settings and models), and each
 * batch's results are written to DIR as files, not to a library, so N tasks on N machines can
 * write side by side on a shared file system. Run again, it skips the results already complete: a killed task resumes.
 * Without a shard (0/1) it is the whole cohort.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as engine from '../../engine/index.ts';
import { ProgressTracker } from '../../engine/index.ts';
import { CancelledError, type JobControl } from '../../engine/types.ts';
import type { ReconstructionSettings } from '../../engine/index.ts';
import {
  Library,
  decodeFile,
  encodeGrayPng,
  hashPixels,
  maxPageSize,
  quantiseFloatImage,
  type FloatImage,
  type Pixels,
} from '../../library/index.ts';
import { readCsvTable } from '../../files/csv.ts';
import { modelInputs } from '../kinds/models.ts';
import { classifierProbabilities, reconstructImages } from '../reconstructImages.ts';
import {
  RESULT_FORMAT,
  RUN_FORMAT,
  claimRunFile,
  readResult,
  resultPaths,
  runIdOf,
  writeAtomic,
  writeShardStatus,
  type CohortResult,
  type CohortRun,
  type CohortSource,
  type ShardStatus,
} from './cohortFiles.ts';
import { slicesToMap } from '../kinds/sliceDomain.ts';
import { shardName, shardItems, type Shard } from './shards.ts';

export type CohortInput =
  | { kind: 'manifest'; manifest: string; split?: string }
  | {
      kind: 'library';
      library: string;
      studyIds?: number[];
      split?: string;
      /** Map every slice, not only the models' mid-axial slab (sliceDomain.ts); blank ones never. */
      allSlices?: boolean;
    };

export interface ShardOptions {
  input: CohortInput;
  out: string;
  modelsDir: string;
  shard: Shard;
  overrides: Partial<ReconstructionSettings>;
  /** Slices reconstructed together; results are written, and progress told, per batch. */
  batchSize: number;
  /** The engine's threads when limited (limitThreads), for the shard's report. */
  threads: number | null;
}

export interface ShardSummary {
  run: CohortRun;
  status: ShardStatus;
}

/** One slice to map: where its pixels come from, and the key that names it in every shard. */
interface Item {
  key: string;
  path?: string;
  imageId?: number;
}

export async function reconstructShard(
  options: ShardOptions,
  control: JobControl & { signal: AbortSignal },
  log: (line: string) => void,
): Promise<ShardSummary> {
  const backend = await engine.initBackend();
  log(`backend: ${backend.name}, ${backend.threads} thread(s) (${backend.reason})`);
  const models = await engine.loadModels(options.modelsDir);
  const library =
    options.input.kind === 'library' ? Library.open(options.input.library) : undefined;
  let guidance: engine.Guidance | null = null;
  try {
    const { source, items } = await listItems(options.input, library);
    const settings = engine.settingsFor(models.preset, options.overrides);
    const size = models.diffusion.config.imageSize;
    const described: Omit<CohortRun, 'id' | 'format'> = {
      source,
      // As the reconstruct job kind stores them, so the merged run reads like the app's own.
      settings: {
        ...settings,
        imageSize: size,
        imageScoreThreshold: engine.imageOperatingPointFor(models.preset, settings),
      },
      pixelThreshold: models.preset.pixelThreshold,
      models: modelInputs(options.modelsDir),
      items: items.map((item) => item.key).sort(),
    };
    const run: CohortRun = { format: RUN_FORMAT, id: runIdOf(described), ...described };
    await claimRunFile(options.out, run);

    const mine = shardItems(items, options.shard);
    const todo: Item[] = [];
    for (const item of mine)
      if ((await readResult(options.out, run.id, item.key)) === null) todo.push(item);
    const status: ShardStatus = {
      shard: shardName(options.shard),
      index: options.shard.index,
      count: options.shard.count,
      status: 'running',
      items: mine.length,
      skipped: mine.length - todo.length,
      computed: 0,
      computeSeconds: 0,
      cpuSeconds: 0,
      secondsPerSlice: null,
      threads: options.threads,
      backend: backend.name,
      host: hostname(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    log(
      `run ${run.id}: ${items.length} slices in all; shard ${options.shard.index}/${options.shard.count}: ` +
        `${mine.length} slices, ${status.skipped} complete already, ${todo.length} to do`,
    );
    await writeShardStatus(options.out, status);
    try {
      guidance = await engine.startGuidance(models, settings);
      const progress = new ProgressTracker(
        control,
        'reconstructing',
        todo.length,
        'reconstruction',
      );
      // Each batch's compute time (reading included), measured from the end of the last one.
      let batchStarted = performance.now();
      let batchCpu = process.cpuUsage();
      // What the files need of each image read, until its result is written.
      const read = new Map<string, { hash: string; width: number; height: number }>();
      await reconstructImages(
        engine,
        models,
        todo,
        async (item) => {
          const { pixels, hash } = await readItem(item, library);
          read.set(item.key, { hash, width: pixels.width, height: pixels.height });
          return pixels;
        },
        // No `skip`: a blank slice fails the shard, as a result missing from its files would.
        { settings, guidance, batchSize: options.batchSize },
        { signal: control.signal, progress },
        async ({ items: batch, slices, transforms, results }) => {
          const probabilities = models.classifier
            ? classifierProbabilities(engine, models.classifier, slices, results)
            : null;
          for (const [i, result] of results.entries()) {
            const { hash, width, height } = read.get(batch[i].key)!;
            const p = probabilities?.[i];
            await writeCohortResult(options.out, {
              format: RESULT_FORMAT,
              run: run.id,
              key: batch[i].key,
              imageHash: hash,
              imageId: batch[i].imageId ?? null,
              width,
              height,
              score: result.score,
              classifierProbability: p !== undefined && Number.isFinite(p) ? p : null,
              maps: {
                reconstruction: engine.sliceToImage(result.reconstruction, transforms[i]),
                map: engine.sliceToImage(result.sliceMap, transforms[i]),
              },
            });
            read.delete(batch[i].key);
          }
          status.computed += batch.length;
          status.computeSeconds += (performance.now() - batchStarted) / 1000;
          const used = process.cpuUsage(batchCpu);
          status.cpuSeconds += (used.user + used.system) / 1e6;
          status.secondsPerSlice = status.computeSeconds / status.computed;
          await writeShardStatus(options.out, status);
          await progress.checkpoint();
          batchStarted = performance.now();
          batchCpu = process.cpuUsage();
        },
      );
      status.status = 'complete';
    } catch (error) {
      const cancelled = error instanceof CancelledError || control.signal.aborted;
      status.status = cancelled ? 'cancelled' : 'failed';
      if (!cancelled) status.error = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      status.finishedAt = new Date().toISOString();
      await writeShardStatus(options.out, status);
    }
    return { run, status };
  } finally {
    await guidance?.stop();
    library?.close();
    engine.disposeModels(models);
  }
}

/** The cohort's slices, each with its key; the source as run.json records it. */
async function listItems(
  input: CohortInput,
  library: Library | undefined,
): Promise<{ source: CohortSource; items: Item[] }> {
  if (input.kind === 'manifest') {
    const manifest = resolve(input.manifest);
    const text = await readFile(manifest);
    const table = readCsvTable(text.toString('utf8'));
    if (!table.header.includes('image'))
      throw new Error(`${manifest}: a cohort manifest needs an "image" column`);
    if (input.split !== undefined && !table.header.includes('split'))
      throw new Error(`${manifest}: --split ${input.split} needs a "split" column`);
    const items = table.rows
      .filter((row) => input.split === undefined || row.cells.split === input.split)
      .map((row) => {
        if (!row.cells.image) throw new Error(`${manifest}: line ${row.line}: no image`);
        return { key: row.cells.image, path: resolve(dirname(manifest), row.cells.image) };
      });
    if (items.length === 0)
      throw new Error(`${manifest}: no images${input.split ? ` in split ${input.split}` : ''}`);
    return {
      source: {
        kind: 'manifest',
        manifest,
        manifestSha256: createHash('sha256').update(text).digest('hex'),
        split: input.split ?? null,
      },
      items,
    };
  }
  const studyIds = input.studyIds ?? studiesOf(library!, input.split);
  // As the reconstruct job kind: the slices the models know, unless all are asked for.
  const { mapped } = await slicesToMap(
    engine,
    library!,
    studyIds.flatMap((studyId) => library!.getStudy(studyId).images),
    input.allSlices ?? false,
  );
  const items = mapped.map((image) => ({ key: `image-${image.id}`, imageId: image.id }));
  if (items.length === 0) throw new Error(`${input.library}: no images to reconstruct`);
  return {
    source: {
      kind: 'library',
      library: resolve(input.library),
      studyIds: input.studyIds ?? null,
      split: input.split ?? null,
    },
    items,
  };
}

/** Every study of the library, or of one split, in id order. */
function studiesOf(library: Library, split: string | undefined): number[] {
  const ids = new Set<number>();
  for (let offset = 0; ; offset += maxPageSize) {
    const page = library.listStudies({ offset, limit: maxPageSize, sort: 'created', split });
    for (const study of page.studies) ids.add(study.id);
    if (page.studies.length < maxPageSize) return [...ids].sort((a, b) => a - b);
  }
}

/** A slice's pixels as the library stores them (so the hash names the same image there). */
async function readItem(
  item: Item,
  library: Library | undefined,
): Promise<{ pixels: Pixels; hash: string }> {
  if (item.imageId !== undefined) {
    const info = library!.getImage(item.imageId);
    const stored = await library!.getImagePixels(item.imageId);
    return { pixels: stored, hash: info.hash };
  }
  const decoded = await decodeFile(item.path!);
  if (decoded.slices.length !== 1)
    throw new Error(
      `${item.path} holds ${decoded.slices.length} slices; a cohort manifest names single slices`,
    );
  const { pixels, width, height, bitDepth } = decoded.slices[0].image;
  const image: Pixels = { pixels, width, height, bitDepth };
  return { pixels: image, hash: hashPixels(image) };
}

/** The maps first, the JSON last: the JSON's presence means the result is complete. */
export async function writeCohortResult(
  out: string,
  result: Omit<CohortResult, 'reconstruction' | 'map'> & {
    maps: { reconstruction: Float32Array; map: Float32Array };
  },
): Promise<void> {
  const paths = resultPaths(out, result.key);
  const { maps, ...rest } = result;
  const stored = async (values: Float32Array, file: string) => {
    const image: FloatImage = { width: result.width, height: result.height, values };
    const { pixels, scale } = quantiseFloatImage(image);
    await writeAtomic(join(paths.dir, file), await encodeGrayPng(pixels));
    return { file, scale };
  };
  const json: CohortResult = {
    ...rest,
    reconstruction: await stored(maps.reconstruction, paths.reconstruction),
    map: await stored(maps.map, paths.map),
  };
  await writeAtomic(paths.json, JSON.stringify(json, null, 2) + '\n');
}
