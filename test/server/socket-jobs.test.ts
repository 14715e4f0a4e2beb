import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiError } from '../../src-main/contract/index.ts';
import { connectWsClient } from '../../src-main/contract/ws-client.ts';
import type { WsApiClient } from '../../src-main/contract/ws-client.ts';
import type { EventOf, Job } from '../../src-main/contract/index.ts';
import { startHarness } from './harness.ts';
import type { Harness } from './harness.ts';

let harness: Harness;
let client: WsApiClient;
beforeAll(async () => {
  // Selftest jobs (which fail, crash or are cancelled on purpose) need a diagnostics runner.
  harness = await startHarness(undefined, { diagnostics: true });
  client = connectWsClient({
    baseUrl: harness.server.origin,
    token: harness.server.token,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  await client.ready;
  recordEndings();
});
afterAll(async () => {
  client.close();
  await harness.close();
});

const endings = new Map<string, Job>();
const waiting = new Map<string, (job: Job) => void>();

/** Resolves when the job ends, even if its end event came before this was asked. */
function ended(jobId: string): Promise<Job> {
  const known = endings.get(jobId);
  if (known) return Promise.resolve(known);
  return new Promise((resolve) => waiting.set(jobId, resolve));
}

function recordEndings(): void {
  for (const event of ['job.finished', 'job.failed', 'job.cancelled'] as const) {
    client.on(event, ({ job }) => {
      endings.set(job.id, job);
      waiting.get(job.id)?.(job);
    });
  }
}

describe('jobs over the WebSocket', () => {
  it('starts a job that reports progress events and finishes', async () => {
    const progress: EventOf<'job.progress'>[] = [];
    client.on('job.progress', (event) => progress.push(event));
    const job = await client.startJob({ spec: { kind: 'selftest', steps: 4, stepMs: 1 } });
    const done = await ended(job.id);
    expect(done.status).toBe('finished');
    expect(progress.filter((event) => event.jobId === job.id).at(-1)).toMatchObject({
      done: 4,
      total: 4,
    });
    const listed = await client.listJobs({ status: 'finished' });
    expect(listed.map((j) => j.id)).toContain(job.id);
    // By kind: Review asks only for PACS sends, and gets no other job.
    expect((await client.listJobs({ kind: 'selftest' })).map((j) => j.id)).toContain(job.id);
    expect(await client.listJobs({ kind: 'pacs-send' })).toEqual([]);
    await expect(client.listJobs({ kind: 'nonsense' as never })).rejects.toThrow();
  });

  it('fails a job whose engine process crashes and runs the next one', async () => {
    const crashing = await client.startJob({
      spec: { kind: 'selftest', steps: 5, stepMs: 1, crashAt: 1 },
    });
    const next = await client.startJob({ spec: { kind: 'selftest', steps: 2, stepMs: 1 } });
    const [crashed, after] = await Promise.all([ended(crashing.id), ended(next.id)]);
    expect(crashed.status).toBe('failed');
    expect(crashed.error).toMatch(/crashed/);
    expect(after.status).toBe('finished');
    expect((await client.health()).ok).toBe(true);
  });

  it('cancels a running job', async () => {
    const job = await client.startJob({ spec: { kind: 'selftest', steps: 100_000, stepMs: 5 } });
    await new Promise<void>((resolve) => {
      const off = client.on('job.progress', (event) => {
        if (event.jobId !== job.id) return;
        off();
        resolve();
      });
    });
    await client.cancelJob({ jobId: job.id });
    expect((await ended(job.id)).status).toBe('cancelled');
  });

  it('rejects a bad request with a typed ApiError and stays connected', async () => {
    const error = await client.getStudy({ studyId: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('bad-request');
    expect((await client.health()).version).toBe('1.2.3');
  });
});
