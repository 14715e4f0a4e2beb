// The per-fold guidance test's inputs (folds.ts): the 32 classifier_train pathological cases
// sorted by path and dealt alternately into two folds; per fold, brain-mid's manifest without
// that fold's rows (paths made absolute, so the manifest can live anywhere), for `anomap train
// classifier`; and folds.json (absolute image paths, as maps.ts saves them).
// usage: tsx foldManifests.ts OUT_DIR [MANIFEST]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readCsvTable } from '../../src-main/files/csv.ts';

const [out, manifestArg] = process.argv.slice(2);
const manifest = resolve(manifestArg ?? '../shared/data/brain-mid/manifest.csv');
const base = dirname(manifest);
const table = readCsvTable(await readFile(manifest, 'utf8'));
const PATH_COLUMNS = ['image', 'finding_masks', 'brain_mask', 'healthy_mask'];
const absolute = (cell: string) =>
  cell
    .split(';')
    .map((p) => (p === '' || isAbsolute(p) ? p : join(base, p)))
    .join(';');
const rows = table.rows.map(({ cells }) => {
  const row = { ...cells };
  for (const column of PATH_COLUMNS) if (column in row) row[column] = absolute(row[column]);
  return row;
});
const pathological = rows
  .filter((r) => r.split === 'classifier_train' && r.label === 'pathological')
  .map((r) => r.image)
  .sort();
const folds = [0, 1].map((k) => pathological.filter((_, i) => i % 2 === k));
const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
await mkdir(out, { recursive: true });
for (const [k, fold] of folds.entries()) {
  const kept = rows.filter((r) => !fold.includes(r.image));
  const lines = [table.header, ...kept.map((r) => table.header.map((h) => r[h] ?? ''))];
  await writeFile(
    join(out, `fold${k}.csv`),
    lines.map((l) => l.map(quote).join(',')).join('\n') + '\n',
  );
  console.log(`fold${k}.csv: ${kept.length} rows, without ${fold.length} pathological cases`);
}
await writeFile(join(out, 'folds.json'), JSON.stringify(folds) + '\n');
