/**
 * Browser mode end to end: `anomap serve` in its own process, then headless Chromium opens the
 * printed address, and a job started over the page's WebSocket reports progress and finishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(import.meta.dirname, '../..');
let dir: string;
let child: ChildProcess;
let url: string;

/** Starts `anomap serve --port 0` through its commander command, as the CLI would. */
function startServe(libraryDir: string, rendererDir: string): Promise<string> {
  const program = `
    import { Command } from 'commander';
    import { registerServeCommand } from './src-main/cli/commands/serve.ts';
    const program = new Command('anomap');
    registerServeCommand(program);
    await program.parseAsync(['node', 'anomap', 'serve', '--port', '0', '--library', ${JSON.stringify(libraryDir)}, '--renderer', ${JSON.stringify(rendererDir)}]);
  `;
  child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const printed = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (printed) resolveUrl(printed[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anomap-e2e-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Anomap e2e</title><p>renderer stand-in</p>',
  );
  url = await startServe(join(dir, 'library'), rendererDir);
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
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
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
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
