import {
  mkdirSync,
  existsSync,
  readdirSync,
  renameSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { checkPixels, hashPixels, type Pixels } from './pixels.ts';

/**
 * Content-addressed image store beside the database: every slice, mask, reconstruction and
 * anomaly map is one immutable lossless grayscale PNG named by the sha256 of its decoded pixels.
 * Files are written to a temporary name and renamed, so a crash never leaves a half file under
 * a real hash; a file whose database row was never committed is merely unreferenced.
 */
export class ImageStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not an image hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), `${hash}.png`);
  }

  /**
   * Every file in the store's folders, with the hash it is named by; null for a file that is not
   * a stored image (a temporary file of an interrupted write).
   */
  *files(): Generator<{ path: string; hash: string | null }> {
    for (const folder of readdirSync(this.root, { withFileTypes: true })) {
      if (!folder.isDirectory() || !/^[0-9a-f]{2}$/.test(folder.name)) continue;
      for (const name of readdirSync(join(this.root, folder.name)))
        yield {
          path: join(this.root, folder.name, name),
          hash: /^([0-9a-f]{64})\.png$/.exec(name)?.[1] ?? null,
        };
    }
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  /** Stores the pixels (once) and returns their hash. */
  async put(image: Pixels): Promise<string> {
    checkPixels(image);
    const hash = hashPixels(image);
    const path = this.pathOf(hash);
    if (existsSync(path)) return hash;
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true });
    const png = await encodeGrayPng(image);
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, png);
    renameSync(temporary, path);
    return hash;
  }

  async get(hash: string): Promise<Pixels> {
    const path = this.pathOf(hash);
    if (!existsSync(path)) throw new Error(`image ${hash} is missing from the store ${this.root}`);
    return decodeGrayPng(readFileSync(path));
  }

  readPng(hash: string): Buffer {
    return readFileSync(this.pathOf(hash));
  }
}

export async function encodeGrayPng(image: Pixels): Promise<Buffer> {
  const raw = { width: image.width, height: image.height, channels: 1 as const };
  // sharp infers 16-bit input from a Uint16Array; without an explicit grey colourspace it
  // would write 3-channel 8-bit.
  return sharp(image.pixels, { raw })
    .toColourspace(image.bitDepth === 16 ? 'grey16' : 'b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

export async function decodeGrayPng(png: Buffer): Promise<Pixels> {
  const meta = await sharp(png).metadata();
  if (meta.depth === 'ushort') {
    const { data, info } = await sharp(png)
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2).slice();
    return { width: info.width, height: info.height, bitDepth: 16, pixels };
  }
  const { data, info } = await sharp(png)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, bitDepth: 8, pixels: new Uint8Array(data) };
}
