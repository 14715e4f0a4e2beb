import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImageStore } from '../../src-main/library/store.ts';
import { hashPixels } from '../../src-main/library/pixels.ts';
import { gradient16, gradient8, tempDir } from './fixtures/rasters.ts';

describe('image store', () => {
  it('stores 8- and 16-bit pixels losslessly under the hash of their content', async () => {
    const store = new ImageStore(join(tempDir(), 'images'));
    for (const image of [
      { width: 17, height: 9, bitDepth: 8 as const, pixels: gradient8(17, 9, 3) },
      { width: 13, height: 11, bitDepth: 16 as const, pixels: gradient16(13, 11, 4) },
    ]) {
      const hash = await store.put(image);
      expect(hash).toBe(hashPixels(image));
      const back = await store.get(hash);
      expect(back.bitDepth).toBe(image.bitDepth);
      expect(Array.from(back.pixels)).toEqual(Array.from(image.pixels));
    }
  });

  it('keeps one file for the same pixels and none half-written', async () => {
    const root = join(tempDir(), 'images');
    const store = new ImageStore(root);
    const image = { width: 4, height: 4, bitDepth: 8 as const, pixels: gradient8(4, 4, 1) };
    const [a, b] = await Promise.all([
      store.put(image),
      store.put({ ...image, pixels: image.pixels.slice() }),
    ]);
    expect(a).toBe(b);
    const files = readdirSync(root, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.png') || name.endsWith('.tmp'));
    expect(files).toEqual([join(a.slice(0, 2), `${a}.png`)]);
  });

  it('tells the same pixels with another shape apart', () => {
    const pixels = gradient8(6, 4, 1);
    expect(hashPixels({ width: 6, height: 4, bitDepth: 8, pixels })).not.toBe(
      hashPixels({ width: 4, height: 6, bitDepth: 8, pixels }),
    );
  });

  it('refuses a buffer that does not match the shape', async () => {
    const store = new ImageStore(join(tempDir(), 'images'));
    await expect(
      store.put({ width: 5, height: 5, bitDepth: 8, pixels: new Uint8Array(24) }),
    ).rejects.toThrow(/expected 5 x 5/);
    await expect(
      store.put({ width: 2, height: 2, bitDepth: 16, pixels: new Uint8Array(4) }),
    ).rejects.toThrow(/bit depth/);
  });
});
