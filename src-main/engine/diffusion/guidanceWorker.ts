/**
 * A second engine process that holds the classifier and computes the guidance gradient
 * grad_x log p_phi(healthy | x_t, t) while the main process computes eps_theta(x_t, t): the two
 * are independent, so on a single-threaded backend a guided step costs max(eps, grad), not the sum.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.ts';
import { exitWithParent } from '../engineProcess.ts';
import { loadModel, type Model } from '../models.ts';
import { healthyGradient } from '../predictors.ts';
import type { GuidanceReply, GuidanceRequest } from './guidanceProtocol.ts';

let classifier: Model | null = null;

exitWithParent();

process.on('message', (request: GuidanceRequest) => {
  void (async () => {
    try {
      if (request.type === 'load') {
        const report = await initBackend();
        classifier = await loadModel(request.classifierDir, 'classifier');
        process.send!({ type: 'loaded', backend: report.name } satisfies GuidanceReply);
        return;
      }
      if (!classifier) throw new Error('guidance worker used before load');
      const x = tf.tensor4d(request.x, request.shape);
      const gradient = healthyGradient(classifier)(x, request.t);
      const values = (await gradient.data()) as Float32Array;
      x.dispose();
      gradient.dispose();
      process.send!({ type: 'gradient', id: request.id, gradient: values } satisfies GuidanceReply);
    } catch (error) {
      process.send!({
        type: 'error',
        id: 'id' in request ? request.id : undefined,
        message: (error as Error).message,
      } satisfies GuidanceReply);
    }
  })();
});
