import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodePixels } from '../../src-main/contract/index.ts';
import { createProtocolHandler } from '../../src-main/app/protocol.ts';
import { appHarness } from './harness.ts';
import type { AppHarness } from './harness.ts';

vi.mock('electron', () => ({}));

let harness: AppHarness;
let handle: (request: Request) => Promise<Response>;
beforeAll(async () => {
  harness = await appHarness();
  handle = createProtocolHandler({ api: harness.api, rendererDir: harness.rendererDir });
});
afterAll(() => harness.close());

const get = (url: string) => handle(new Request(url));

describe('app:// protocol handler', () => {
  it('serves the renderer with the strict CSP', async () => {
    const page = await get('app://anomap/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Anomap</title>');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves image bytes and raw pixels from the library store by hash', async () => {
    const png = await get(`app://anomap/api/images/${harness.fixture.hash}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    const raw = await get(`app://anomap/api/images/${harness.fixture.hash}/pixels`);
    const decoded = decodePixels(new Uint8Array(await raw.arrayBuffer()));
    expect(Array.from(decoded.pixels)).toEqual(Array.from(harness.fixture.pixels));
  });

  it('refuses paths that climb out of the renderer folder and hashes that are paths', async () => {
    for (const path of ['/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt']) {
      const answer = await get(`app://anomap${path}`);
      // The URL parser itself resolves %2e%2e (404 then); what is left is refused (400).
      expect([400, 404], path).toContain(answer.status);
      expect(await answer.text()).not.toBe('secret');
    }
    expect((await get('app://anomap/..%2fsecret.txt')).status).toBe(400);
    expect((await get('app://anomap/api/images/..%2f..%2flibrary.sqlite')).status).toBe(400);
  });

  it('answers another host or a method other than GET with an error, not a file', async () => {
    expect((await get('app://elsewhere/index.html')).status).toBe(404);
    expect(
      (await handle(new Request('app://anomap/index.html', { method: 'POST', body: 'x' }))).status,
    ).toBe(404);
    expect((await get('app://anomap/missing.js')).status).toBe(404);
  });

  it('answers 400 on a malformed percent-encoding, as browser mode does (issue 19 row 9)', async () => {
    for (const path of ['/api/exports/%E0%A4%A', '/api/exports/%', '/%E0%A4%A.js']) {
      const answer = await get(`app://anomap${path}`);
      expect(answer.status, path).toBe(400);
      expect(await answer.json()).toMatchObject({ error: { code: 'bad-request' } });
    }
  });
});
