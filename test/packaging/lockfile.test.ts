/**
 * `npm install` in a fresh clone must leave package-lock.json as it is: the lock's root entry
 * states what package.json states, including that the package has an install script (npm adds
 * `hasInstallScript` to the lock on install when it is missing, and the clone is dirty).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const read = (name: string) => JSON.parse(readFileSync(join(root, name), 'utf8'));

describe('package-lock.json', () => {
  const manifest = read('package.json');
  const lockRoot = read('package-lock.json').packages[''];

  it('records the install script that package.json has', () => {
    const scripts = manifest.scripts ?? {};
    const hasInstallScript = ['preinstall', 'install', 'postinstall'].some((s) => s in scripts);
    expect(lockRoot.hasInstallScript ?? false).toBe(hasInstallScript);
  });

  it("lists exactly package.json's dependencies, with the same ranges", () => {
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'])
      expect(lockRoot[field] ?? {}, field).toEqual(manifest[field] ?? {});
  });
});
