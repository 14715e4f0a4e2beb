import { expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultLibraryDir } from '../../src-main/library/paths.ts';

it('puts the default library in the OS user-data folder, ANOMAP_LIBRARY first', () => {
  expect(defaultLibraryDir({ ANOMAP_LIBRARY: '/data/lib' }, 'linux', '/home/u')).toBe('/data/lib');
  expect(defaultLibraryDir({}, 'linux', '/home/u')).toBe(
    join('/home/u', '.local', 'share', 'anomap'),
  );
  expect(defaultLibraryDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe(join('/x', 'anomap'));
  expect(defaultLibraryDir({}, 'darwin', '/Users/u')).toBe(
    join('/Users/u', 'Library', 'Application Support', 'Anomap'),
  );
  expect(
    defaultLibraryDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'),
  ).toBe(join('C:\\Users\\u\\AppData\\Roaming', 'Anomap'));
});
