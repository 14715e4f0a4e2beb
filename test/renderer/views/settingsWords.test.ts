import { describe, expect, it } from 'vitest';
import {
  describeBackend,
  describeBackendReason,
  describeFact,
  trainingDate,
} from '../../../src-renderer/views/settingsWords.ts';

describe('settings in words', () => {
  it('shows a small learning rate with its digits, not "0", and counts with separators', () => {
    expect(describeFact(0.0002)).toBe('0.0002');
    expect(describeFact(2e-5)).toBe('0.00002');
    expect(describeFact(12000)).toBe('12,000');
    expect(describeFact('test')).toBe('test');
  });

  it('says the backend, its library with version, and threads in words', () => {
    const info = {
      backend: 'wasm' as const,
      package: '@tensorflow/tfjs-backend-wasm',
      reason: '',
      threads: 1,
      packageVersion: '4.22.0',
      libraryVersion: 'tfjs-backend-wasm 4.22.0 (XNNPACK)',
    };
    expect(describeBackend(info)).toBe(
      'Computing with WebAssembly with SIMD (portable; slower than native TensorFlow): tfjs-backend-wasm 4.22.0 (XNNPACK); from @tensorflow/tfjs-backend-wasm 4.22.0, on one thread.',
    );
    expect(
      describeBackend({
        ...info,
        backend: 'tensorflow',
        package: '@tensorflow/tfjs-node',
        libraryVersion: 'TensorFlow 2.21.0 (C library), tfjs-node 4.22.0',
        threads: 2,
      }),
    ).toContain(': TensorFlow 2.21.0 (C library), tfjs-node 4.22.0; from @tensorflow/tfjs-node');
    expect(describeBackend({ ...info, threads: 4, packageVersion: null })).toMatch(
      /tfjs-backend-wasm, on 4 threads\.$/,
    );
  });

  it('names a missing native package instead of the loader error', () => {
    expect(
      describeBackendReason(
        "tensorflow: Cannot find package '@tensorflow/tfjs-node' imported from /app/x.js",
      ),
    ).toContain('@tensorflow/tfjs-node is not installed');
  });

  it('reads a training date from the manifest, or says none', () => {
    expect(trainingDate({ finishedAt: '2026-11-20T18:04:00.000Z' })).toBe('2026-11-20 18:04');
    expect(trainingDate({ steps: 10 })).toBeNull();
  });
});
