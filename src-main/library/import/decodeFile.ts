import { extname } from 'node:path';
import { ImportError, readFileForImport } from '../../files/importError.ts';
import { describeContent, sniffFormat } from './sniff.ts';
import { decodeRaster } from './decodeRaster.ts';
import { decodeDicom } from './dicom/decodeDicom.ts';
import { decodeNifti, type NiftiOptions } from './nifti/decodeNifti.ts';
import type { DecodedFile } from './decoded.ts';

/**
 * Decodes any supported image file by its content; the name only helps explain failures. Only
 * regular files under the size cap are read; `signal` stops the read and the decoding.
 */
export async function decodeFile(
  path: string,
  nifti: NiftiOptions = {},
  signal?: AbortSignal,
): Promise<DecodedFile> {
  const bytes = await readFileForImport(path, { signal });
  if (bytes.length === 0) throw new ImportError(path, 'the file is empty (0 bytes)');
  const format = sniffFormat(bytes);
  switch (format) {
    case 'png':
    case 'jpeg':
    case 'tiff':
      return decodeRaster(path, bytes);
    case 'dicom':
      return decodeDicom(path, bytes, true, signal);
    case 'dicom-bare':
      return decodeDicom(path, bytes, false, signal);
    case 'nifti':
      return decodeNifti(path, bytes, false, nifti);
    case 'gzip':
      return decodeNifti(path, bytes, true, nifti);
    default:
      break;
  }
  const extension = extname(path).toLowerCase();
  throw new ImportError(path, `${describeContent(bytes)}${extensionHint(extension)}`);
}

function extensionHint(extension: string): string {
  const claimed: Record<string, string> = {
    '.png': 'PNG',
    '.jpg': 'JPEG',
    '.jpeg': 'JPEG',
    '.tif': 'TIFF',
    '.tiff': 'TIFF',
    '.dcm': 'DICOM',
    '.nii': 'NIfTI',
    '.gz': 'gzip',
  };
  const name = claimed[extension];
  return name ? ` (the name says ${name}, the content is not)` : '';
}
