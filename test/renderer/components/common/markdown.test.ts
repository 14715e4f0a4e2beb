import { describe, expect, it } from 'vitest';
import {
  markdownToSafeHtml,
  sanitiseHtml,
} from '../../../../src-renderer/components/common/markdown.ts';

describe('model card as a page', () => {
  it('renders headings, emphasis, lists and tables', () => {
    const html = markdownToSafeHtml(
      '# Card\n\n**Status**: research use.\n\n- one\n- two\n\n| a | b |\n| --- | ---: |\n| 1 | 2 |\n',
    );
    expect(html).toContain('<h1>Card</h1>');
    expect(html).toContain('<strong>Status</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).toMatch(/<th>a<\/th>/);
    expect(html).toMatch(/<td align="right">2<\/td>/);
  });

  it('drops script, event handlers and javascript: links, keeping the text', () => {
    const html = markdownToSafeHtml(
      'Hi <script>alert(1)</script><img src=x onerror="alert(2)"> <span style="x">kept</span>\n\n' +
        '[bad](javascript:alert(3)) [good](https://example.org)',
    );
    expect(html).not.toMatch(/script|onerror|<img|style=|javascript:/i);
    expect(html).toContain('kept');
    expect(html).toContain('href="https://example.org"');
    expect(html).toContain('rel="noreferrer noopener"');
  });

  it('removes attributes outside the allow-list', () => {
    expect(sanitiseHtml('<p class="x" onclick="y">t</p>')).toBe('<p>t</p>');
  });
});
