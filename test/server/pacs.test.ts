/**
 * Browser mode's PACS settings over HTTP: malformed requests get 400, the saved endpoint holds
 * no secret, and Check connection says in words that a server is down.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../fixtures/orthanc.ts';
import { startHarness, type Harness } from './harness.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

async function call(method: string, params: unknown) {
  const response = await fetch(`${harness.server.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-anomap-token': harness.server.token },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('browser mode: PACS endpoints', () => {
  it('answers malformed endpoint requests with 400 naming the problem', async () => {
    const malformed: [string, unknown][] = [
      ['savePacsEndpoint', { name: 'PACS', url: 'http://127.0.0.1:8042/dicom-web' }],
      ['savePacsEndpoint', { name: 'PACS', url: 'http://127.0.0.1/dw', authKind: 'basic' }],
      ['savePacsEndpoint', { name: 'PACS', url: 'http://u:p@127.0.0.1/dw', authKind: 'none' }],
      ['savePacsEndpoint', { name: 'PACS', url: 'not a url', authKind: 'none' }],
      ['setPacsSecret', { endpointId: 'e1' }],
      ['startPacsPull', { endpointId: 'e1', studyUids: ['1.2.abc'] }],
      ['startPacsPull', { endpointId: 'e1', studyUids: [] }],
      ['searchPacs', { endpointId: 'e1', search: { modality: 'mr' } }],
      [
        'startJob',
        { spec: { kind: 'pacs-pull', endpointId: 'e1', endpointName: 'x', studyUids: ['1.2'] } },
      ],
    ];
    for (const [method, params] of malformed) {
      const answer = await call(method, params);
      expect(answer.status, `${method} ${JSON.stringify(params)}`).toBe(400);
      expect((answer.body.error as { code: string }).code).toBe('bad-request');
    }
    const userInUrl = await call('savePacsEndpoint', {
      name: 'PACS',
      url: 'http://u:p@127.0.0.1/dw',
      authKind: 'none',
    });
    expect((userInUrl.body.error as { message: string }).message).toContain('never in the URL');
  });

  it('saves an endpoint without its token and checks a server that is down in plain words', async () => {
    const port = await freePort();
    const saved = await call('savePacsEndpoint', {
      name: 'Down PACS',
      url: `http://127.0.0.1:${port}/dicom-web`,
      authKind: 'bearer',
    });
    expect(saved.status).toBe(200);
    const endpointId = saved.body.id as string;
    const token = `token-${Math.random().toString(36).slice(2)}`;
    const given = await call('setPacsSecret', { endpointId, secret: token });
    expect(given.body.hasSessionSecret).toBe(true);
    const check = await call('checkPacsConnection', { endpointId });
    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(false);
    expect(check.body.message).toBe(
      `cannot reach the DICOMweb server at http://127.0.0.1:${port}/dicom-web: connection refused (is the server running, and on this port?)`,
    );
    const settings = join(harness.fixture.library.dir, 'pacs-endpoints.json');
    expect(existsSync(settings)).toBe(true);
    // grep in another process: this one holds the library's SQLite files open.
    const grep = spawnSync('grep', ['-r', '-l', '-a', '-F', token, harness.fixture.dir]);
    expect(grep.status).toBe(1);
    const listed = await call('listPacsEndpoints', {});
    expect(listed.body).toMatchObject([{ id: endpointId, name: 'Down PACS', authKind: 'bearer' }]);
  });
});
