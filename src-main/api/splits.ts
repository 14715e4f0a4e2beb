/**
 * The splits of a dataset manifest (its `split` column), counted, so Train and Evaluate offer
 * the splits the file has instead of a text field where a typo starts a job that fails later.
 */
import { readFile } from 'node:fs/promises';
import { readCsvTable } from '../files/csv.ts';

export async function manifestSplits(path: string): Promise<{ split: string; count: number }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path} does not exist, or Anomap cannot see it. Check the path.`
        : `${path} cannot be read (${code ?? (error as Error).message}).`,
      { cause: error },
    );
  }
  const table = readCsvTable(text);
  if (!table.header.includes('split'))
    throw new Error(`${path} has no "split" column, so it has no splits to choose from.`);
  const counts = new Map<string, number>();
  for (const row of table.rows) {
    const split = row.cells.split;
    if (split) counts.set(split, (counts.get(split) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([split, count]) => ({ split, count }));
}
