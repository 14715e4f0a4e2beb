/**
 * The training and evaluation manifest reader (issue 19, rows 5 and 7): it reads regular files
 * only and within the manifest cap, so /dev/zero, a FIFO or a huge file is refused at once, and
 * it names the line a row starts on, after blank lines and quoted line breaks alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDatasetManifest } from '../../../src-main/engine/train/dataset.ts';
import { importLimits } from '../../../src-main/files/limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'anomap-manifest-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'image,source,split,label,findings,finding_masks';

function manifest(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('the dataset manifest reader', () => {
  it('refuses /dev/zero without reading it', async () => {
    const before = process.memoryUsage().rss;
    await expect(readDatasetManifest('/dev/zero')).rejects.toThrow(
      /\/dev\/zero: cannot read the dataset manifest \(a device, not a regular file/,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'fifo.csv');
    execFileSync('mkfifo', [fifo]);
    await expect(readDatasetManifest(fifo)).rejects.toThrow(
      /FIFO \(named pipe\), not a regular file/,
    );
  }, 5_000);

  it('refuses a file over the manifest cap before reading it', async () => {
    const path = join(dir, 'huge.csv');
    writeFileSync(path, '');
    truncateSync(path, importLimits.maxManifestBytes + 1);
    await expect(readDatasetManifest(path)).rejects.toThrow(/over the import limit/);
  });

  it('names the line a bad row starts on after a blank line and a quoted line break', async () => {
    const path = manifest('lines.csv', [
      HEADER,
      '',
      'a.png,IXI,train,normal,"two',
      'lines",',
      'b.png,IXI,train,healthy,,',
    ]);
    await expect(readDatasetManifest(path)).rejects.toThrow(
      `${path}:5: label must be normal or pathological, found "healthy"`,
    );
  });

  it('reads a quoted line break as part of its cell, and the rows after it', async () => {
    const path = manifest('quoted.csv', [
      HEADER,
      'a.png,IXI,train,normal,"mass;',
      'edema",',
      '',
      'b.png,IXI,val,pathological,,',
    ]);
    const cases = await readDatasetManifest(path);
    expect(cases.map((c) => [c.split, c.findings])).toEqual([
      ['train', ['mass', 'edema']],
      ['val', []],
    ]);
  });

  it('names the line where an unclosed quote opens', async () => {
    const path = manifest('unclosed.csv', [
      HEADER,
      'a.png,IXI,train,normal,,',
      '',
      'b.png,IXI,train,normal,"mass,',
      'c.png,IXI,train,normal,,',
    ]);
    await expect(readDatasetManifest(path)).rejects.toThrow(
      `${path}: cannot read the dataset manifest (line 4: a quoted field opens here and is never closed)`,
    );
  });
});
