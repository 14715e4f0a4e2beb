/**
 * The saved PACS endpoints file: endpoints saved with the AE title of earlier versions still load
 * (the field dropped), anything else unknown is refused, and a save writes no AE title back.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  endpointsFile,
  loadEndpoints,
  saveEndpoints,
} from '../../src-main/api/pacs/endpointStore.ts';
import { orthancEndpoint } from '../renderer/components/pacs/fakePacsApi.ts';

// the renderer tests' saved endpoint, as the file holds it (no session state)
const { hasSessionSecret: _, ...endpoint } = orthancEndpoint;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anomap-pacs-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the saved PACS endpoints', () => {
  it('load a file written with AE titles, without them, and save it back without them', async () => {
    const file = endpointsFile(dir);
    const old = [
      { ...endpoint, aeTitle: 'ORTHANC' },
      { ...endpoint, id: 'e2', aeTitle: null },
    ];
    await writeFile(file, JSON.stringify({ version: 1, endpoints: old }));
    const loaded = loadEndpoints(file);
    expect(loaded).toEqual([endpoint, { ...endpoint, id: 'e2' }]);
    saveEndpoints(file, loaded);
    expect(await readFile(file, 'utf8')).not.toContain('aeTitle');
    expect(loadEndpoints(file)).toEqual(loaded);
  });

  it('refuse a file with any other unknown field, naming the file', async () => {
    const file = endpointsFile(dir);
    await writeFile(
      file,
      JSON.stringify({ version: 1, endpoints: [{ ...endpoint, password: 'secret' }] }),
    );
    expect(() => loadEndpoints(file)).toThrow(file);
  });
});
