/**
 * Where browser mode serves stored images and exports: same-origin paths, the token going
 * along by cookie.
 */
import { routes } from '../contract/index.ts';
import type { DoorUrls } from '../api/index.ts';

export const serverUrls: DoorUrls = {
  image: (hash) => routes.image(hash),
  pixels: (hash) => routes.pixels(hash),
  exportFile: (fileName) => routes.export(fileName),
};
