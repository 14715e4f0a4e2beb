import { describe, expect, it } from 'vitest';
import { parseImportPaths } from '../../../src-renderer/views/importPaths.ts';

describe('paths for an import', () => {
  it('takes one path a line, without the quotes a file manager adds', () => {
    expect(
      parseImportPaths(' /data/a.png \n\n"/data/with space/b.dcm"\n\'/data/c.nii.gz\''),
    ).toEqual(['/data/a.png', '/data/with space/b.dcm', '/data/c.nii.gz']);
  });

  it('turns file:// links from a dragged file into paths', () => {
    expect(
      parseImportPaths('file:///home/me/brain%20mid/manifest.csv\r\nfile:///C:/scans/x.dcm'),
    ).toEqual(['/home/me/brain mid/manifest.csv', 'C:/scans/x.dcm']);
  });

  it('skips comment lines', () => {
    expect(parseImportPaths('# my scans\n/data/a.png')).toEqual(['/data/a.png']);
  });
});
