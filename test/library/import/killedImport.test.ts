import { afterEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { tempDir, writePng } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

const child = fileURLToPath(new URL('../fixtures/importChild.ts', import.meta.url));

function noise(size: number, seed: number): Uint8Array {
  let state = seed * 2654435761 + 1;
  return Uint8Array.from({ length: size * size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state >> 23;
  });
}

/** Runs the import in a child process and kills it with SIGKILL once `after` studies are in. */
function importAndKill(libraryDir: string, folder: string, after: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', child, libraryDir, folder], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const done =
        [...output.matchAll(/import (\d+)\//g)].map((match) => Number(match[1])).at(-1) ?? 0;
      if (done >= after && !process_.killed) process_.kill('SIGKILL');
    });
    process_.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    process_.on('error', reject);
    process_.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(output);
      else
        reject(
          new Error(
            `the child was not killed (it ended by itself): ${output.slice(-300)} ${errors}`,
          ),
        );
    });
  });
}

it('leaves a sound database and no half study after kill -9 during an import, and a re-import completes it', async () => {
  const dir = tempDir();
  const folder = join(dir, 'images');
  mkdirSync(folder);
  const count = 150;
  for (let i = 0; i < count; i++)
    await writePng(join(folder, `slice-${String(i).padStart(3, '0')}.png`), 96, 96, noise(96, i));
  const libraryDir = join(dir, 'library');

  const output = await importAndKill(libraryDir, folder, 20);
  expect(output).not.toContain('finished');

  library = Library.open(libraryDir);
  expect(library.integrityCheck()).toBe('ok');
  const db = library.db;
  const studies = db.prepare('SELECT COUNT(*) FROM studies').pluck().get() as number;
  expect(studies).toBeGreaterThanOrEqual(20);
  expect(studies).toBeLessThan(count);
  // Whole studies only: each has its image, its label row and its audit entry.
  const withoutImages = db
    .prepare(
      'SELECT COUNT(*) FROM studies s WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.study_id = s.id)',
    )
    .pluck()
    .get();
  const withoutLabel = db
    .prepare(
      'SELECT COUNT(*) FROM studies s WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.study_id = s.id)',
    )
    .pluck()
    .get();
  const audited = db
    .prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'import'`)
    .pluck()
    .get();
  expect([withoutImages, withoutLabel, audited]).toEqual([0, 0, studies]);
  expect(db.pragma('foreign_key_check')).toEqual([]);

  const summary = await importPaths(library, [folder]);
  expect(summary.failed).toEqual([]);
  expect(summary.duplicates).toBe(studies);
  expect(summary.imported).toBe(count - studies);
  expect(library.listStudies({ offset: 0, limit: 1 }).total).toBe(count);
});
