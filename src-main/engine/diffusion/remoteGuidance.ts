import type { ChildProcess } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { forkEngineProcess, siblingModule } from '../engineProcess.ts';
import type { PendingGradient } from './ddim.ts';
import type { GuidanceReply, GuidanceRequest } from './guidanceProtocol.ts';

/** The guidance gradient computed in a second process (see guidanceWorker.ts). */
export class RemoteGuidance {
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (g: Float32Array) => void; reject: (e: Error) => void }
  >();
  private loaded: { resolve: () => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: GuidanceReply) => {
      if (reply.type === 'loaded') this.loaded?.resolve();
      else if (reply.type === 'gradient') this.settle(reply.id, (w) => w.resolve(reply.gradient));
      else if (reply.id !== undefined)
        this.settle(reply.id, (w) => w.reject(new Error(`guidance process: ${reply.message}`)));
      else this.loaded?.reject(new Error(`guidance process: ${reply.message}`));
    });
    child.on('exit', (code) => {
      const error = new Error(`guidance process exited with code ${code}`);
      this.loaded?.reject(error);
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    });
  }

  static async start(classifierDir: string): Promise<RemoteGuidance> {
    const remote = new RemoteGuidance(
      forkEngineProcess(siblingModule('guidanceWorker', import.meta.url)),
    );
    await new Promise<void>((resolve, reject) => {
      remote.loaded = { resolve, reject };
      remote.send({ type: 'load', classifierDir });
    });
    return remote;
  }

  private settle(
    id: number,
    how: (w: { resolve: (g: Float32Array) => void; reject: (e: Error) => void }) => void,
  ) {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    if (w) how(w);
  }

  /** Resolves once the last request has left this process (see GradientWorker.sent). */
  sent: Promise<void> = Promise.resolve();

  private send(message: GuidanceRequest): void {
    this.sent = new Promise((done) => this.child.send(message, () => done()));
  }

  /** Sends x_t at once; `gradient` resolves with the gradient tensor. */
  gradient(x: tf.Tensor4D, t: number): PendingGradient {
    const id = this.nextId++;
    const shape = x.shape;
    const result = new Promise<Float32Array>((resolve, reject) =>
      this.waiting.set(id, { resolve, reject }),
    );
    this.send({ type: 'gradient', id, x: x.dataSync() as Float32Array, shape, t });
    return { sent: this.sent, gradient: result.then((values) => tf.tensor4d(values, shape)) };
  }

  /** Ends the guidance process and resolves once it has exited. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill();
    return exited;
  }
}
