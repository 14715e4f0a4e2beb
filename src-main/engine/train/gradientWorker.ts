/**
 * A second engine process that computes the gradients of part of each batch, so that training on
 * a single-threaded backend (wasm) uses two cores. It holds no optimizer: it receives the current
 * weights with every batch and sends back loss and gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.ts';
import { exitWithParent } from '../engineProcess.ts';
import { createModelParams } from '../models.ts';
import type { UNetConfig } from '../nn/unet.ts';
import { computeGradients, type NoisedBatch, type Objective } from './objectives.ts';

export type WorkerRequest =
  | { type: 'init'; objective: Objective; config: UNetConfig }
  | { type: 'gradients'; weights: Map<string, Float32Array>; batch: NoisedBatch };

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'gradients'; loss: number; gradients: Map<string, Float32Array> }
  | { type: 'error'; message: string };

let state: {
  objective: Objective;
  config: UNetConfig;
  params: ReturnType<typeof createModelParams>;
} | null = null;

function reply(message: WorkerReply): void {
  process.send!(message);
}

exitWithParent();

process.on('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      if (request.type === 'init') {
        const report = await initBackend();
        state = {
          objective: request.objective,
          config: request.config,
          params: createModelParams(request.objective, request.config, 0),
        };
        reply({ type: 'ready', backend: report.name });
        return;
      }
      if (!state) throw new Error('gradient worker used before init');
      for (const [name, values] of request.weights) {
        const variable = state.params.variables.get(name)!;
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      }
      const { loss, gradients } = await computeGradients(
        state.objective,
        state.params,
        state.config,
        request.batch,
      );
      reply({ type: 'gradients', loss, gradients });
    } catch (error) {
      reply({ type: 'error', message: (error as Error).stack ?? String(error) });
    }
  })();
});
