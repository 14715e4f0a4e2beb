/**
 * Ctrl-C in a terminal sends SIGINT to the whole foreground process group. A running
 * `anomap reconstruct` must then stop between steps, stop its guidance process itself, say
 * "cancelled" and exit with 130, leaving no process behind.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendants, survivors, type ProcessInfo } from '../fixtures/processes.ts';
import { tinyWorkspace } from '../fixtures/tinyWorkspace.ts';
import { startAnomap } from './anomapProcess.ts';

let root: string;
let images: string[];
let models: string;

beforeAll(async () => {
  const workspace = await tinyWorkspace('anomap-interrupt-');
  ({ root, models } = workspace);
  images = workspace.dataset.cases.map((c) => join(workspace.dataset.dir, c.image));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Ctrl-C during anomap reconstruct', () => {
  it('stops the guidance process, says "cancelled", exits with 130 and leaves no process behind', async () => {
    // wasm guides from a second process (the tensorflow backend guides in-process); a long
    // chain (L = 600, k = 5) so the command is still running when the signal comes, and the
    // 'noise' encoding so that it is decoding, with guidance, when it does.
    const command = startAnomap(
      [
        'reconstruct',
        ...images,
        '--out',
        join(root, 'out'),
        '--models',
        models,
        '--noise-level',
        '600',
        '--stride',
        '5',
        '--encoding',
        'noise',
      ],
      { ANOMAP_BACKEND: 'wasm' },
    );
    let stderr = '';
    command.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      command.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const pid = command.pid!;
    // Wait until it decodes, with its guidance process running: progress counts images, and
    // off a terminal is told per tenth; the first tenth (2 of 27 images) falls inside the guided
    // decoding of the first batch of 8, whose slices advance together.
    const done = () => Number([...stderr.matchAll(/ (\d+)\/\d+ ETA/g)].at(-1)?.[1] ?? 0);
    let helpers: ProcessInfo[] = [];
    for (let i = 0; i < 600 && !(helpers.length > 0 && done() >= 2); i++) {
      await sleep(100);
      helpers = descendants(pid);
    }
    expect(done()).toBeGreaterThanOrEqual(2);
    expect(done()).toBeLessThan(8);
    expect(helpers.length).toBeGreaterThan(0);

    process.kill(-pid, 'SIGINT'); // what the terminal does on Ctrl-C
    const { code, signal } = await exited;
    expect(stderr).not.toMatch(/exited with code/);
    expect(stderr).toMatch(/anomap: cancelled/);
    expect([code, signal]).toEqual([130, null]);
    expect(helpers.some((p) => p.args.includes('guidanceWorker'))).toBe(true);
    expect(await survivors(helpers)).toEqual([]);
  });
});
