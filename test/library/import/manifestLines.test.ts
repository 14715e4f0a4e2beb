/**
 * Manifest import names the file's own line (issue 19, row 7): a row after a blank line or a
 * quoted line break is named by the line it starts on, and an unclosed quote by the line where
 * it opens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Library } from '../../../src-main/library/library.ts';
import { importPaths } from '../../../src-main/library/import/importPaths.ts';
import { gradient8, tempDir, writePng } from '../fixtures/rasters.ts';

let library: Library | undefined;
afterEach(() => library?.close());

const HEADER = 'image,source,split,label,findings,finding_masks';

describe('manifest line numbers', () => {
  it('names the line a failing row starts on, after a blank line and a quoted line break', async () => {
    const dir = tempDir();
    await writePng(join(dir, 'a.png'), 16, 16, gradient8(16, 16, 1));
    const manifest = join(dir, 'manifest.csv');
    writeFileSync(
      manifest,
      [
        HEADER,
        '',
        'a.png,IXI,train,normal,"mass;',
        'edema",',
        'missing.png,IXI,train,normal,,',
      ].join('\n') + '\n',
    );
    library = Library.open(join(dir, 'library'), { actor: 'tester' });
    const summary = await importPaths(library, [manifest]);
    expect(summary.imported).toBe(1);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0].reason).toMatch(/^line 5: /);
  });

  it('names the line where an unclosed quote opens', async () => {
    const dir = tempDir();
    const manifest = join(dir, 'manifest.csv');
    writeFileSync(
      manifest,
      [HEADER, 'a.png,IXI,train,normal,,', '', 'b.png,"IXI,train'].join('\n'),
    );
    library = Library.open(join(dir, 'library'), { actor: 'tester' });
    const summary = await importPaths(library, [manifest]);
    expect(summary.failed).toEqual([
      {
        path: manifest,
        reason: 'cannot read the CSV: line 4: a quoted field opens here and is never closed',
      },
    ]);
  });
});
