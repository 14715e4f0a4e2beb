/**
 * The reference's regions on the slice, once revealed: drawn as the outline of the region's
 * own mask where the dataset gave one (its pixels fetched once per mask, by hash), else as the
 * box. A mask that fails to load, or whose size is not its box's, leaves the box.
 */
import { loadPixels, type Connection } from '../../api/client.ts';
import type { Annotation } from '../../api/types.ts';
import { readableFinding } from '../../components/labels/findingChoices.ts';
import type { CanvasBox, CanvasOutline } from '../../components/viewer/SliceCanvas.svelte';
import { maskContour, type Segments } from '../../components/viewer/contour.ts';

interface Contour {
  width: number;
  height: number;
  /** At the mask's own origin; shifted to its box when drawn. */
  segments: Segments;
}

export class ReferenceMasks {
  private contours = $state<Record<string, Contour>>({});
  // Bookkeeping of the fetches started, never rendered: a plain Set on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly asked = new Set<string>();

  constructor(private readonly connection: Connection) {}

  /** Fetches the masks of these annotations not asked for yet. */
  want(annotations: readonly Annotation[]) {
    for (const { maskHash } of annotations) {
      if (!maskHash || this.asked.has(maskHash)) continue;
      this.asked.add(maskHash);
      loadPixels(this.connection, maskHash).then(
        (raw) => {
          const segments = maskContour({
            width: raw.width,
            height: raw.height,
            values: raw.pixels,
          });
          this.contours = {
            ...this.contours,
            [maskHash]: { width: raw.width, height: raw.height, segments },
          };
        },
        () => undefined, // the box is drawn instead
      );
    }
  }

  /** The reference regions as outlines where their mask is here, else as boxes. */
  marks(annotations: readonly Annotation[]): { boxes: CanvasBox[]; outlines: CanvasOutline[] } {
    const boxes: CanvasBox[] = [];
    const outlines: CanvasOutline[] = [];
    for (const a of annotations) {
      if (!a.box) continue;
      const label = `reference: ${a.finding ? readableFinding(a.finding) : 'box'}`;
      const contour = a.maskHash ? this.contours[a.maskHash] : undefined;
      if (contour && contour.width === a.box.width && contour.height === a.box.height) {
        const { x, y } = a.box;
        const segments = contour.segments.map((v, i) => v + (i % 2 === 0 ? x : y));
        outlines.push({ key: `reference-${a.id}`, segments, x, y, label });
      } else boxes.push({ key: `reference-${a.id}`, ...a.box, label, origin: 'reference' });
    }
    return { boxes, outlines };
  }
}
