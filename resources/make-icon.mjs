// Renders resources/icon.svg to the 512 x 512 PNG that electron-builder turns into each
// platform's icon: `node resources/make-icon.mjs`.
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';

const svg = fileURLToPath(new URL('./icon.svg', import.meta.url));
const png = fileURLToPath(new URL('./icon.png', import.meta.url));
await sharp(svg, { density: 72 }).resize(512, 512).png({ compressionLevel: 9 }).toFile(png);
