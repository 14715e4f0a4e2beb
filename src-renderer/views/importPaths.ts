/**
 * What the reader typed, pasted or dropped into the import box, as paths for the import job:
 * one per line, with the quotes a file manager adds removed, and file:// links (what a file
 * manager gives when its files are dragged onto the page) turned into the paths they name.
 */
export function parseImportPaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^(['"])(.*)\1$/, '$2'))
    .map((line) => (line.startsWith('file://') ? fileUrlToPath(line) : line))
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function fileUrlToPath(url: string): string {
  try {
    const parsed = new URL(url);
    const path = decodeURIComponent(parsed.pathname);
    // file:///C:/scans on Windows: drop the slash before the drive letter.
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
  } catch {
    return url;
  }
}
