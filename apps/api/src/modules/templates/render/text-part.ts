import { compile } from 'html-to-text';
import { locate, type Segment } from './positions.js';
import { protectLiquid, restoreLiquid } from './protect.js';

/**
 * The plain-text part generated from the compiled HTML, once per template version. Liquid is
 * carried over (as placeholders through html-to-text), so the text is personalised per
 * recipient like the HTML: links read `text [{{ unsubscribe_url }}]`, images are dropped.
 */

const hidden = ['[style*="display:none"]', '[style*="display: none"]'];
const toText = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    // Preview text and other hidden helpers of email layouts are not content.
    ...hidden.map((selector) => ({ selector, format: 'skip' })),
    // Literal text would be upper-cased but the Liquid values in it would not.
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
    // Email layouts are tables; read their cells as paragraphs, not as a grid.
    ...['table', 'tr', 'td', 'th'].map((selector) => ({ selector, format: 'block' })),
  ],
});

export interface GeneratedText {
  text: string;
  /** Where Liquid from the body landed in `text`. */
  segments: Segment[];
}

/** `htmlSegments` map `html` back to the body's source, for error positions. */
export function generateTextPart(html: string, htmlSegments: readonly Segment[]): GeneratedText {
  const p = protectLiquid(html);
  // A tag alone on its line takes its line break and one blank line with it, so a false
  // `{% if %}` between paragraphs leaves no extra blank lines.
  const lonelyTag = new RegExp(`^(${p.prefix}(\\d+)Q)\\n\\n?`, 'gm');
  const converted = toText(p.text).replace(lonelyTag, (m, ph: string, i: string) =>
    p.spans[Number(i)]?.isTag ? ph : m,
  );
  const restored = restoreLiquid(converted, p);
  const segments: Segment[] = [];
  for (const { start, span } of restored.placements) {
    const at = locate(htmlSegments, span.offset);
    if (at) {
      segments.push({
        start,
        end: start + span.source.length,
        field: at.field,
        sourceStart: at.offset,
      });
    }
  }
  return { text: restored.text, segments };
}
