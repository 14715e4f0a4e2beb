import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AnyJobSpecSchema,
  JobSpecSchema,
  RECONSTRUCTION_PRESETS,
  ReconstructionSettingsSchema,
  badRequest,
  createApiClient,
  decodePixels,
  encodePixels,
  eventNames,
  events,
  isMethodName,
  methodNames,
  methods,
} from '../../src-main/contract/index.ts';
import type { ApiClient, MethodName } from '../../src-main/contract/index.ts';

describe('contract', () => {
  it('fills defaults of a reconstruct job and accepts a preset', () => {
    const spec = JobSpecSchema.parse({ kind: 'reconstruct', studyIds: [1, 2], preset: 'fast' });
    expect(spec).toMatchObject({ kind: 'reconstruct', withUnguided: false, preset: 'fast' });
  });

  it("accepts a reconstruct job with neither preset nor settings (the models' own preset)", () => {
    expect(JobSpecSchema.safeParse({ kind: 'reconstruct', studyIds: [1] }).success).toBe(true);
  });

  it('fills the evaluate defaults: test split, calibrated on val, with the unguided ablation', () => {
    const spec = JobSpecSchema.parse({ kind: 'evaluate', manifestPath: '/d/manifest.csv' });
    expect(spec).toMatchObject({ split: 'test', calibrationSplit: 'val', withUnguided: true });
  });

  it('refuses a reconstruct job with both a preset and custom settings', () => {
    const result = JobSpecSchema.safeParse({
      kind: 'reconstruct',
      studyIds: [1],
      preset: 'fast',
      settings: RECONSTRUCTION_PRESETS.fast,
    });
    expect(result.success).toBe(false);
  });

  it('refuses an unknown job kind and a noise level outside 1..999', () => {
    expect(JobSpecSchema.safeParse({ kind: 'mine-bitcoin' }).success).toBe(false);
    // The diagnostic selftest is no app job: only the wider schema a runner checks knows it.
    expect(JobSpecSchema.safeParse({ kind: 'selftest' }).success).toBe(false);
    expect(AnyJobSpecSchema.safeParse({ kind: 'selftest' }).success).toBe(true);
    const settings = { ...RECONSTRUCTION_PRESETS.fast, noiseLevel: 1000 };
    expect(ReconstructionSettingsSchema.safeParse(settings).success).toBe(false);
  });

  it('takes the map method and its settings, and refuses an unknown method', () => {
    const base = { noiseLevel: 100, stride: 20, guidanceScale: 30, encoding: 'noise' as const };
    const stitch = {
      ...base,
      mapMethod: 'stitch' as const,
      residual: 'l1-ssim' as const,
      noiseDraws: 4,
      resampleLevel: 200,
      maskDilation: 2,
      maskThreshold: 0.2,
      imageScore: 'classifier' as const,
    };
    expect(ReconstructionSettingsSchema.parse(stitch)).toEqual(stitch);
    expect(ReconstructionSettingsSchema.safeParse({ ...base, mapMethod: 'magic' }).success).toBe(
      false,
    );
    expect(ReconstructionSettingsSchema.safeParse({ ...base, noiseDraws: 0 }).success).toBe(false);
  });

  it('keeps every preset inside the settings schema', () => {
    for (const settings of Object.values(RECONSTRUCTION_PRESETS)) {
      expect(ReconstructionSettingsSchema.parse(settings)).toEqual(settings);
    }
  });

  it('refuses unknown fields in params (strict), naming the field', () => {
    const result = methods.getStudy.params.safeParse({ studyId: 3, evil: true });
    expect(result.success).toBe(false);
    if (!result.success) {
      const error = badRequest('getStudy params', result.error);
      expect(error.code).toBe('bad-request');
      expect(error.message).toContain('getStudy params');
    }
  });

  it('names methods and events it knows and no others', () => {
    expect(isMethodName('listStudies')).toBe(true);
    expect(isMethodName('constructor')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(eventNames).toContain('job.progress');
    expect(
      events['job.progress'].safeParse({
        jobId: 'a',
        kind: 'selftest',
        phase: 'x',
        done: 1,
        total: 2,
        etaSeconds: null,
      }).success,
    ).toBe(true);
  });

  it('round-trips an ApiError through its body', () => {
    const error = ApiError.fromBody(new ApiError('not-found', 'no study 4').toBody());
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', message: 'no study 4' });
  });

  it('builds a client with one method per request that forwards name and params', async () => {
    const calls: Array<[MethodName, unknown]> = [];
    const client: ApiClient = createApiClient(
      async (method, params) => {
        calls.push([method, params]);
        return { ok: true, version: 'x' };
      },
      () => () => undefined,
      methodNames,
    );
    await client.health();
    await client.getStudy({ studyId: 7 });
    expect(calls).toEqual([
      ['health', {}],
      ['getStudy', { studyId: 7 }],
    ]);
    for (const name of methodNames) expect(typeof client[name]).toBe('function');
  });

  it('round-trips 16-bit and float pixels and refuses a truncated buffer', () => {
    const pixels = new Uint16Array([0, 1, 65535, 4096, 7, 9]);
    const decoded = decodePixels(encodePixels({ width: 3, height: 2, pixels }));
    expect(decoded.width).toBe(3);
    expect(Array.from(decoded.pixels)).toEqual(Array.from(pixels));
    const floats = new Float32Array([0.5, -1]);
    const bytes = encodePixels({ width: 2, height: 1, pixels: floats });
    expect(Array.from(decodePixels(bytes.slice()).pixels)).toEqual([0.5, -1]);
    expect(() => decodePixels(bytes.slice(0, bytes.length - 1))).toThrow(/truncated/);
  });
});
