import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { readModelFile } from './modelFiles.ts';

/** Named float32 arrays stored back to back in one binary file, indexed by a JSON-able table. */
export interface BundleEntry {
  name: string;
  shape: number[];
  offset: number;
}

export interface BundleIndex {
  sha256: string;
  bytes: number;
  tensors: BundleEntry[];
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes the arrays (in name order) and returns the index to keep beside them. */
export async function writeBundle(
  path: string,
  arrays: Map<string, { shape: number[]; values: Float32Array }>,
): Promise<BundleIndex> {
  const tensors: BundleEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of [...arrays.keys()].sort()) {
    const { shape, values } = arrays.get(name)!;
    tensors.push({ name, shape, offset });
    chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    offset += values.byteLength;
  }
  const bytes = Buffer.concat(chunks);
  await writeAtomically(path, bytes);
  return { sha256: sha256(bytes), bytes: bytes.length, tensors };
}

/** Reads arrays written by writeBundle, refusing a file whose size or checksum differs. */
export async function readBundle(
  path: string,
  index: BundleIndex,
): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  // No more than the manifest says the weights take: a link to /dev/zero is refused, not read.
  const bytes = await readModelFile(path, index.bytes).catch((error: Error) => {
    throw new Error(`${path}: cannot read the weights (${error.message})`, { cause: error });
  });
  if (bytes.length !== index.bytes || sha256(bytes) !== index.sha256)
    throw new Error(`${path}: checksum does not match its manifest (corrupt or replaced weights)`);
  const arrays = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const { name, shape, offset } of index.tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size * 4 > bytes.length)
      throw new Error(`${path}: weight ${name} runs past the end of the file`);
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size * 4),
    );
    arrays.set(name, { shape, values });
  }
  return arrays;
}

/** Write to a side file, then rename: a crash never leaves a half-written file under the real name. */
export async function writeAtomically(path: string, content: Uint8Array | string): Promise<void> {
  const temporary = `${path}.partial`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
