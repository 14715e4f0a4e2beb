/**
 * The models' domain (engine/volume/modelDomain.ts), measured: what share of brain-mid's slices
 * it accepts, per split, each slice read as the one-slice study it is (only the head-coverage
 * rule can refuse one), with the head coverage's quantiles; and, on the 189-slice 1 mm
 * synthetic head of issue 21 (test/fixtures/headPhantom.ts), how many slices the default maps,
 * which, and why the others are left out. Writes bench/results/model-domain.json (or BENCH_OUT).
 *
 *   npx tsx bench/modelDomain.bench.ts [--manifest ../shared/data/brain-mid/manifest.csv]
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  MIN_HEAD_EXTENT_MM,
  MIN_HEAD_FRACTION,
  MIN_SECTION_RATIO,
  modelDomain,
  SLAB,
} from '../src-main/engine/volume/modelDomain.ts';
import { readDatasetManifest, readGrayscale } from '../src-main/engine/index.ts';
import { headPhantom, ixiLikePhantom } from '../test/fixtures/headPhantom.ts';

const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const manifest = resolve(argument('--manifest') ?? '../shared/data/brain-mid/manifest.csv');
const out = process.env.BENCH_OUT ?? join(import.meta.dirname, 'results', 'model-domain.json');

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];

async function onDataset() {
  if (!existsSync(manifest)) return { skipped: `${manifest} not found` };
  const cases = await readDatasetManifest(manifest);
  const bySplit = new Map<string, { accepted: number; total: number; fractions: number[] }>();
  const refused: { image: string; reason: string }[] = [];
  for (const item of cases) {
    const image = await readGrayscale(item.image);
    const [verdict] = modelDomain([image]);
    const split = bySplit.get(item.split) ?? { accepted: 0, total: 0, fractions: [] };
    split.total++;
    split.fractions.push(verdict.headFraction);
    if (verdict.inDomain) split.accepted++;
    else refused.push({ image: item.image, reason: verdict.reason });
    bySplit.set(item.split, split);
  }
  return {
    manifest,
    splits: Object.fromEntries(
      [...bySplit].map(([split, { accepted, total, fractions }]) => {
        const sorted = fractions.sort((a, b) => a - b);
        return [
          split,
          {
            accepted,
            total,
            acceptedShare: accepted / total,
            headFraction: {
              min: sorted[0],
              p01: quantile(sorted, 0.01),
              median: quantile(sorted, 0.5),
              max: sorted.at(-1),
            },
          },
        ];
      }),
    ),
    refused,
  };
}

function onPhantom() {
  const slices = headPhantom(ixiLikePhantom);
  const started = performance.now();
  const verdicts = modelDomain(
    slices.map((slice) => ({ ...slice, pixelSpacing: [1, 1] as [number, number] })),
  );
  const seconds = (performance.now() - started) / 1000;
  const mapped = verdicts.flatMap((verdict, i) => (verdict.inDomain ? [i] : []));
  const reasons: Record<string, number> = {};
  for (const verdict of verdicts) {
    if (verdict.inDomain) continue;
    const key = verdict.reason.split(':').slice(0, 2).join(':').replace(/\d+%/g, 'N%');
    reasons[key] = (reasons[key] ?? 0) + 1;
  }
  return {
    volume: ixiLikePhantom,
    slices: slices.length,
    mapped: mapped.length,
    firstMapped: mapped[0],
    lastMapped: mapped.at(-1),
    domainSeconds: seconds,
    reasons,
  };
}

const report = {
  rule: { MIN_HEAD_FRACTION, MIN_SECTION_RATIO, SLAB, MIN_HEAD_EXTENT_MM },
  dataset: await onDataset(),
  phantom: onPhantom(),
  at: new Date().toISOString(),
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(report, null, 2));
