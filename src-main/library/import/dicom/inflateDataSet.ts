import { createInflateRaw } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { ImportError } from '../../../files/importError.ts';
import { importLimits } from '../../../files/limits.ts';

const DEFLATED = '1.2.840.10008.1.2.1.99';
/** A small uniform image deflates far more than 64-fold; it may still inflate to this much. */
const MIN_CAP_BYTES = 64 * 1024 * 1024;

/**
 * How far a deflated data set may expand, decided before inflating: `maxInflateRatio` times its
 * deflated size (real images deflate far less), at least 64 MiB, at most the decoding budget.
 */
export function inflateCap(deflatedBytes: number): number {
  return Math.min(
    importLimits.maxDecodeBytes,
    Math.max(MIN_CAP_BYTES, deflatedBytes * importLimits.maxInflateRatio),
  );
}

/**
 * A Part-10 file in the Deflated Explicit VR Little Endian syntax, with its data set inflated:
 * [meta header | inflated data set], streamed into one buffer that is touched only as far as it
 * is written, and refused as soon as it passes the cap. (zlib's inflateRawSync gathered the
 * output in chunks, joined them and was copied again behind the meta header: three copies of up
 * to 2 GiB.) Null when the file is not deflated, or its meta header is for the parser to refuse.
 */
export async function inflateDataSet(path: string, bytes: Buffer): Promise<Buffer | null> {
  let position: number;
  try {
    const meta = dicomParser.readPart10Header(bytes);
    if (meta.string('x00020010') !== DEFLATED) return null;
    position = (meta as unknown as { position: number }).position;
  } catch {
    return null;
  }
  const cap = inflateCap(bytes.length - position);
  const out = Buffer.allocUnsafe(position + cap);
  bytes.copy(out, 0, 0, position);
  let written = position;
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    inflate.on('data', (chunk: Buffer) => {
      if (written + chunk.length > out.length) {
        inflate.removeAllListeners('data');
        inflate.destroy();
        reject(
          new ImportError(
            path,
            `the deflated data set is too large: it inflates past ${cap} bytes, the limit for ${bytes.length - position} deflated bytes`,
          ),
        );
        return;
      }
      written += chunk.copy(out, written);
    });
    inflate.on('end', () => resolve(out.subarray(0, written)));
    inflate.on('error', (error) =>
      reject(
        new ImportError(
          path,
          `not a readable DICOM file (it may be truncated or corrupt): the deflated data set is corrupt (${error.message})`,
        ),
      ),
    );
    inflate.end(bytes.subarray(position));
  });
}
