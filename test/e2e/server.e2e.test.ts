/**
 * Browser mode end to end: `anomap serve` in its own process, then headless Chromium opens the
 * printed address, and a job started over the page's WebSocket reports progress and finishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.ts';
import { startServeProcess } from '../server/serveProcess.ts';
import type { ServeProcess } from '../server/serveProcess.ts';

let dir: string;
let serve: ServeProcess;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anomap-e2e-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Anomap e2e</title><p>renderer stand-in</p>',
  );
  serve = await startServeProcess(join(dir, 'library'), rendererDir, undefined, true);
  url = serve.url;
});

afterAll(async () => {
  await serve.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('anomap serve', () => {
  it('prints an address whose token opens /api/health, and refuses it without', async () => {
    const token = new URL(url).searchParams.get('token') ?? '';
    const health = new URL('/api/health', url);
    expect((await fetch(health)).status).toBe(401);
    const answer = await fetch(health, { headers: { 'x-anomap-token': token } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ ok: true });
  });

  it('lets headless Chromium load the page and run a job over its WebSocket with progress', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('Anomap e2e');
      // The page's socket carries no token in its URL: the cookie set with the page is enough.
      const outcome = await page.evaluate(async () => {
        const socket = new WebSocket(`ws://${location.host}/api/socket`);
        await new Promise((opened, failed) => {
          socket.onopen = opened;
          socket.onerror = failed;
        });
        const progress: number[] = [];
        return new Promise<{ status: string; progress: number[] }>((done) => {
          socket.onmessage = (message) => {
            const data = JSON.parse(String(message.data));
            if (data.type === 'event' && data.event === 'job.progress')
              progress.push(data.payload.done);
            if (data.type === 'event' && data.event === 'job.finished')
              done({ status: data.payload.job.status, progress });
            if (data.type === 'event' && data.event === 'job.failed')
              done({ status: 'failed', progress });
          };
          socket.send(
            JSON.stringify({
              type: 'request',
              id: 1,
              method: 'startJob',
              params: { spec: { kind: 'selftest', steps: 5, stepMs: 20 } },
            }),
          );
        });
      });
      expect(outcome.status).toBe('finished');
      expect(outcome.progress.at(-1)).toBe(5);
    } finally {
      await browser.close();
    }
  });
});
