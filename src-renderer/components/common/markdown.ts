/**
 * The model card (models/README.md) as a page: Markdown rendered by `marked`, then cleaned to an
 * allow-list of tags and attributes, so a card can never run script or load anything in the app
 * (marked itself passes raw HTML through untouched).
 */
import { marked } from 'marked';

const allowedTags = new Set(
  (
    'a b blockquote br code del em h1 h2 h3 h4 h5 h6 hr i li ol p pre strong sub sup ' +
    'table tbody td tfoot th thead tr ul'
  ).split(' '),
);
const allowedAttributes: Record<string, readonly string[]> = {
  a: ['href', 'title'],
  td: ['align'],
  th: ['align'],
  ol: ['start'],
};
/** Links may leave the app only for the web or mail; anchors stay on the page. */
const safeHref = /^(https?:|mailto:|#)/i;

function clean(node: Node): void {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) continue;
    if (child.nodeType !== Node.ELEMENT_NODE) {
      child.remove();
      continue;
    }
    const element = child as Element;
    const tag = element.tagName.toLowerCase();
    if (!allowedTags.has(tag)) {
      // Unknown markup goes, its text stays (script and style go with their text).
      if (tag === 'script' || tag === 'style') element.remove();
      else element.replaceWith(...[...element.childNodes]);
      clean(node);
      return;
    }
    for (const attribute of [...element.attributes]) {
      const keep = allowedAttributes[tag]?.includes(attribute.name);
      if (!keep || (attribute.name === 'href' && !safeHref.test(attribute.value.trim())))
        element.removeAttribute(attribute.name);
    }
    if (tag === 'a') {
      element.setAttribute('target', '_blank');
      element.setAttribute('rel', 'noreferrer noopener');
    }
    clean(element);
  }
}

/** HTML cleaned to the allow-list above. */
export function sanitiseHtml(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  clean(template.content);
  return template.innerHTML;
}

/** Markdown (GitHub flavour: tables, strikethrough) as safe HTML. */
export function markdownToSafeHtml(markdown: string): string {
  return sanitiseHtml(marked.parse(markdown, { async: false, gfm: true }));
}
