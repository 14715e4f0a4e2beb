import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { utilityProcessEngine } from '../../src-main/app/engine.ts';

vi.mock('electron', () => ({}));

/** A stand-in for Electron's UtilityProcess: an emitter with postMessage, kill and stderr. */
class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = [];
  readonly stderr = new PassThrough();
  readonly stdout = new PassThrough();
  killed = 0;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed++;
    return true;
  }
}

function spawnWithFake() {
  const children: FakeUtilityProcess[] = [];
  const fork = vi.fn(() => {
    const child = new FakeUtilityProcess();
    children.push(child);
    return child as unknown as Electron.UtilityProcess;
  });
  return { spawn: utilityProcessEngine(fork, '/app/dist/main/jobs/worker.js'), fork, children };
}

describe('engine process in the app (utilityProcess)', () => {
  it('forks the worker with piped output and passes messages both ways', () => {
    const { spawn, fork, children } = spawnWithFake();
    const engine = spawn();
    expect(fork).toHaveBeenCalledWith(
      '/app/dist/main/jobs/worker.js',
      [],
      expect.objectContaining({ stdio: 'pipe' }),
    );
    engine.send({ type: 'cancel', jobId: 'a' });
    expect(children[0].posted).toEqual([{ type: 'cancel', jobId: 'a' }]);
    const received: unknown[] = [];
    engine.onMessage((message) => received.push(message));
    children[0].emit('message', { type: 'done', jobId: 'a', result: null });
    expect(received).toEqual([{ type: 'done', jobId: 'a', result: null }]);
  });

  it('reports a crash with its exit code and the end of stderr, then ignores kill and send', async () => {
    const { spawn, children } = spawnWithFake();
    const engine = spawn();
    const exits: unknown[] = [];
    engine.onExit((exit) => exits.push(exit));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    children[0].stderr.write('Segmentation fault in conv2d\n');
    await new Promise((resolve) => setImmediate(resolve));
    stderr.mockRestore();
    children[0].emit('exit', 139);
    expect(exits).toEqual([
      { code: 139, signal: null, stderrTail: 'Segmentation fault in conv2d' },
    ]);
    engine.kill();
    engine.send({ type: 'probe' });
    expect(children[0].killed).toBe(0);
    expect(children[0].posted).toEqual([]);
  });
});
