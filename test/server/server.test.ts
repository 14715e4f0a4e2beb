import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { decodePixels } from '../../src-main/contract/index.ts';
import { startHarness } from './harness.ts';
import type { Harness } from './harness.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as written (fetch would normalise `..` away). */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: harness.server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', (error) => {
      // The server may close the connection while a refused body is still being sent.
      if (
        (error as NodeJS.ErrnoException).code === 'EPIPE' ||
        (error as NodeJS.ErrnoException).code === 'ECONNRESET'
      ) {
        resolve({ status: -1, headers: {}, body: Buffer.alloc(0) });
      } else reject(error);
    });
    req.end(options.body);
  });
}

const withToken = () => ({ 'x-anomap-token': harness.server.token });

describe('browser mode server: the token', () => {
  it('refuses /api/health without the token or with a wrong one, and answers with it', async () => {
    expect((await raw('/api/health')).status).toBe(401);
    expect((await raw('/api/health', { headers: { 'x-anomap-token': 'guess' } })).status).toBe(401);
    const answer = await raw('/api/health', { headers: withToken() });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: true, version: '1.2.3' });
  });

  it('refuses the renderer itself without the token', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/assets/app.js')).status).toBe(401);
  });

  it('serves the page for the printed address with a strict CSP and a token cookie its assets then use', async () => {
    expect(harness.server.url).toBe(
      `http://127.0.0.1:${harness.server.port}/?token=${harness.server.token}`,
    );
    const page = await raw(`/?token=${harness.server.token}`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>Anomap</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(cookie).toContain(harness.server.token);
    const asset = await raw('/assets/app.js', { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses a request whose Host header is not this server (DNS rebinding)', async () => {
    const answer = await raw('/api/health', {
      headers: { ...withToken(), host: `evil.example:${harness.server.port}` },
    });
    expect(answer.status).toBe(401);
  });
});

describe('browser mode server: what it refuses', () => {
  it('never serves a file outside the renderer folder, however the path is written', async () => {
    const secretName = 'secret.txt';
    const attempts = [
      `/../${secretName}`,
      `/..%2f${secretName}`,
      `/%2e%2e/${secretName}`,
      `/%2e%2e%2f${secretName}`,
      `/assets/..%5c..%5c${secretName}`,
      `/assets/%2e%2e/%2e%2e/${secretName}`,
      `/%00/${secretName}`,
      `/${encodeURIComponent(harness.secretPath)}`,
    ];
    for (const path of attempts) {
      const answer = await raw(path, { headers: withToken() });
      expect(answer.body.toString(), path).not.toContain(harness.secret);
      expect([400, 404, 200], path).toContain(answer.status);
    }
    expect((await raw(`/..%2f${secretName}`, { headers: withToken() })).status).toBe(400);
  });

  it('refuses an image path that is not a content hash', async () => {
    const answer = await raw('/api/images/..%2f..%2flibrary.sqlite', { headers: withToken() });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('bad-request');
  });

  it('lists a folder for the import picker only with the token, and refuses a file with 400', async () => {
    const call = (params: unknown, headers: Record<string, string> = withToken()) =>
      raw('/api/call/listDirectory', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(params)),
      });
    expect((await call({ path: harness.fixture.dir }, {})).status).toBe(401);
    const listed = await call({ path: harness.fixture.dir });
    expect(listed.status).toBe(200);
    const names = (JSON.parse(listed.body.toString()) as { entries: { name: string }[] }).entries;
    expect(names.map((entry) => entry.name)).toContain('secret.txt');
    const file = await call({ path: harness.secretPath });
    expect(file.status).toBe(400);
    expect(JSON.parse(file.body.toString())).toMatchObject({
      error: { code: 'bad-request', message: `not a folder: ${harness.secretPath}` },
    });
  });

  it('refuses a request body over the limit with 413 and keeps answering', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const answer = await raw('/api/call/listStudies', {
      method: 'POST',
      headers: { ...withToken(), 'content-type': 'application/json' },
      body,
    });
    expect([413, -1]).toContain(answer.status);
    expect((await raw('/api/health', { headers: withToken() })).status).toBe(200);
  });

  it('answers a body that is not JSON and params of the wrong shape as bad requests', async () => {
    const headers = { ...withToken(), 'content-type': 'application/json' };
    const notJson = await raw('/api/call/listStudies', {
      method: 'POST',
      headers,
      body: Buffer.from('{nope'),
    });
    expect(notJson.status).toBe(400);
    const wrong = await raw('/api/call/getStudy', {
      method: 'POST',
      headers,
      body: Buffer.from('{"studyId":-1}'),
    });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body.toString()).error.issues[0].path).toBe('studyId');
  });

  it('refuses to start a diagnostic job (one that can kill the engine) with 400 naming its kind', async () => {
    const answer = await raw('/api/call/startJob', {
      method: 'POST',
      headers: { ...withToken(), 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ spec: { kind: 'selftest', crashAt: 0 } })),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body.toString()).error.message).toMatch(
      /job kind 'selftest' is a diagnostic job/,
    );
    const jobs = await raw('/api/call/listJobs', {
      method: 'POST',
      headers: { ...withToken(), 'content-type': 'application/json' },
      body: Buffer.from('{}'),
    });
    expect(JSON.parse(jobs.body.toString())).toEqual([]);
  });

  it('listens on 127.0.0.1 only', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && address.family === 'IPv4')
      .map((address) => address!.address);
    for (const host of [...others, '127.0.0.2']) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host, port: harness.server.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, host).not.toBe('connected');
    }
  });
});

describe('browser mode server: the api', () => {
  it('calls a method over HTTP and serves image bytes and raw pixels by hash', async () => {
    const headers = { ...withToken(), 'content-type': 'application/json' };
    const page = await raw('/api/call/listStudies', {
      method: 'POST',
      headers,
      body: Buffer.from('{}'),
    });
    expect(JSON.parse(page.body.toString()).total).toBe(1);
    const png = await raw(`/api/images/${harness.fixture.hash}`, { headers: withToken() });
    expect(png.headers['content-type']).toBe('image/png');
    const pixels = await raw(`/api/images/${harness.fixture.hash}/pixels`, {
      headers: withToken(),
    });
    expect(Array.from(decodePixels(pixels.body).pixels)).toEqual(
      Array.from(harness.fixture.pixels),
    );
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    const base = `ws://127.0.0.1:${harness.server.port}/api/socket`;
    const refused = (url: string, headers?: Record<string, string>) =>
      new Promise<boolean>((resolve) => {
        const socket = new WebSocket(url, { headers });
        socket.on('open', () => {
          socket.close();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
    expect(await refused(base)).toBe(true);
    expect(await refused(`${base}?token=wrong`)).toBe(true);
    expect(
      await refused(`${base}?token=${harness.server.token}`, { origin: 'http://evil.example' }),
    ).toBe(true);
    expect(await refused(`${base}?token=${harness.server.token}`)).toBe(false);
  });
});
