import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type BackendModule = typeof import('../../src-main/engine/backend.ts');

/** A fresh copy of the picker, so each test starts before any backend was chosen. */
async function freshPicker(): Promise<BackendModule> {
  vi.resetModules();
  return import('../../src-main/engine/backend.ts');
}

function installed(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

const nativeInstalled =
  installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node');
const requireNative = process.env.ANOMAP_REQUIRE_TENSORFLOW === '1';

/** Runs f as on a machine without tfjs-node: where it is installed, its import is made to fail. */
async function withoutNative(f: () => Promise<void>): Promise<void> {
  if (!nativeInstalled) return f();
  const names = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
  for (const name of names)
    vi.doMock(name, () => {
      throw new Error(`Cannot find package '${name}'`);
    });
  try {
    await f();
  } finally {
    for (const name of names) vi.doUnmock(name);
  }
}
const savedEnv = process.env.ANOMAP_BACKEND;

beforeEach(() => {
  delete process.env.ANOMAP_BACKEND;
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env.ANOMAP_BACKEND;
  else process.env.ANOMAP_BACKEND = savedEnv;
});

describe('initBackend', () => {
  it('uses cpu when ANOMAP_BACKEND=cpu and says it was forced', async () => {
    process.env.ANOMAP_BACKEND = 'cpu';
    const picker = await freshPicker();
    const report = await picker.initBackend();
    expect(report).toMatchObject({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu' });
    expect(report.reason).toMatch(/forced by ANOMAP_BACKEND=cpu/);
    expect(tf.getBackend()).toBe('cpu');
    expect(picker.backendReport()).toEqual(report);
  });

  it('lets options.prefer win over ANOMAP_BACKEND', async () => {
    process.env.ANOMAP_BACKEND = 'wasm';
    const report = await (await freshPicker()).initBackend({ prefer: 'cpu' });
    expect(report.name).toBe('cpu');
    expect(report.reason).toMatch(/options\.prefer=cpu/);
  });

  it('rejects an unknown ANOMAP_BACKEND, naming the variable and the choices', async () => {
    process.env.ANOMAP_BACKEND = 'gpu';
    await expect((await freshPicker()).initBackend()).rejects.toThrow(
      /ANOMAP_BACKEND='gpu' is not a backend; use one of tensorflow, wasm, cpu/,
    );
  });

  it('fails clearly, without falling back, when a forced tensorflow is missing', async () => {
    process.env.ANOMAP_BACKEND = 'tensorflow';
    await withoutNative(async () => {
      const picker = await freshPicker();
      await expect(picker.initBackend()).rejects.toThrow(
        /ANOMAP_BACKEND=tensorflow asks for the 'tensorflow' backend, which cannot start: .*tfjs-node (not installed|failed to load)/,
      );
      expect(picker.backendReport()).toBeNull();
    });
  });

  it('picks wasm when tfjs-node is missing and says why', async () => {
    await withoutNative(async () => {
      const report = await (await freshPicker()).initBackend();
      expect(report).toMatchObject({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm' });
      expect(report.reason).toMatch(/tfjs-node-gpu (not installed|failed to load): /);
      expect(report.reason).toMatch(/; tfjs-node (not installed|failed to load): /);
      expect(report.reason).toMatch(/using wasm \((no )?SIMD, \d+ threads?\)/);
    });
  });

  it.runIf(nativeInstalled || requireNative)(
    'picks the native tensorflow backend first when tfjs-node loads, and names its C library',
    async () => {
      expect(nativeInstalled, 'CI sets ANOMAP_REQUIRE_TENSORFLOW=1: tfjs-node must load').toBe(
        true,
      );
      const report = await (await freshPicker()).initBackend();
      expect(report).toMatchObject({ name: 'tensorflow', package: '@tensorflow/tfjs-node' });
      expect(report.libraryVersion).toMatch(
        /^TensorFlow \d+\.\d+\.\d+ \(C library\), tfjs-node \d/,
      );
      expect(report.reason).toMatch(
        /^using tensorflow from @tensorflow\/tfjs-node \(TensorFlow \d/,
      );
      expect(report.threads).toBeGreaterThanOrEqual(1);
      expect(tf.getBackend()).toBe('tensorflow');
      // TensorFlow 2.21 returns zeros for Round on int32; the engine's fix is in place.
      expect(Array.from(tf.round(tf.tensor1d([1, -2], 'int32')).dataSync())).toEqual([1, -2]);
    },
  );

  it('uses wasm with its gradient kernels when forced, whatever else is installed', async () => {
    process.env.ANOMAP_BACKEND = 'wasm';
    const report = await (await freshPicker()).initBackend();
    expect(report).toMatchObject({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm' });
    expect(report.reason).toMatch(
      /forced by ANOMAP_BACKEND=wasm; using wasm \((no )?SIMD, \d+ threads?\)/,
    );
    expect(report.libraryVersion).toMatch(/^tfjs-backend-wasm \d/);
    expect(report.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
    // The gradient kernels are in place: the stock wasm backend has no Conv2DBackpropFilter.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('returns the same report on a second call, whatever it asks for', async () => {
    const picker = await freshPicker();
    const first = await picker.initBackend();
    const [second, third] = await Promise.all([
      picker.initBackend(),
      picker.initBackend({ prefer: 'cpu' }),
    ]);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(tf.getBackend()).toBe(first.name);
  });

  it('tries again after a failed start instead of remembering the failure', async () => {
    process.env.ANOMAP_BACKEND = 'nonsense';
    const picker = await freshPicker();
    await expect(picker.initBackend()).rejects.toThrow(/nonsense/);
    process.env.ANOMAP_BACKEND = 'cpu';
    expect((await picker.initBackend()).name).toBe('cpu');
  });
});
