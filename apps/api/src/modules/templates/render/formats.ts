import MarkdownIt from 'markdown-it';
import type { TemplateIssue, Segment } from './positions.js';
import { positionAt, wholeField } from './positions.js';
import { originalLine, protectLiquid, restoreLiquid, type ProtectedText } from './protect.js';

/**
 * Body formats → HTML, once per template version. Liquid is kept verbatim (see protect.ts) so
 * it can be parsed once and rendered per recipient. In MJML, Liquid control flow must sit inside
 * content (`<mj-text>`, `<mj-button>`, `<mj-raw>`, attribute values), never between elements such as
 * `<mj-section>`: MJML drops text there, and a dropped `{% if %}` is reported as an error.
 */

export type BodyFormat = 'html' | 'mjml' | 'markdown';

export interface CompiledBody {
  /** HTML with the body's Liquid still in it. */
  html: string;
  /** Where the body's Liquid landed in `html`. */
  segments: Segment[];
  warnings: TemplateIssue[];
}

export type BodyResult = ({ ok: true } & CompiledBody) | { ok: false; errors: TemplateIssue[] };

const markdown = new MarkdownIt({ html: true, typographer: false, linkify: true });

export async function compileBody(format: BodyFormat, body: string): Promise<BodyResult> {
  switch (format) {
    case 'html':
      return { ok: true, html: body, segments: [wholeField('body', body)], warnings: [] };
    case 'markdown':
      return compileMarkdown(body);
    case 'mjml':
      return compileMjml(body);
  }
}

// Markdown gives bare HTML, which mail clients show in their default serif at full width; a
// plain readable column makes a Markdown email look written, not dumped.
const MARKDOWN_SHELL_START =
  '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head>' +
  '<body style="margin:0;padding:0;background:#ffffff"><div style="max-width:600px;margin:0 auto;padding:24px;' +
  'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.6;color:#1f2937">\n';
const MARKDOWN_SHELL_END = '</div></body></html>\n';

function compileMarkdown(body: string): BodyResult {
  const p = protectLiquid(body);
  // A tag alone on its own line becomes its own paragraph; unwrap it so a false `{% if %}`
  // leaves nothing behind instead of an empty <p></p>.
  const lonelyTag = new RegExp(`<p>(${p.prefix}(\\d+)Q)</p>\\n?`, 'g');
  const html = markdown
    .render(p.text)
    .replace(lonelyTag, (m, ph: string, i: string) => (p.spans[Number(i)]?.isTag ? ph : m));
  return restoreBody(body, p, MARKDOWN_SHELL_START + html + MARKDOWN_SHELL_END, [], 'Markdown');
}

async function compileMjml(body: string): Promise<BodyResult> {
  const p = protectLiquid(body);
  // Loaded on first use: MJML and its dependencies take a while to load.
  const { default: mjml2html } = await import('mjml');
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(p.text, {
      validationLevel: 'soft',
      // mj-include reads files from the server's disk.
      ignoreIncludes: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [{ field: 'body', line: 1, column: 1, message: `MJML: ${message}` }],
    };
  }
  const warnings = result.errors.map((e): TemplateIssue => {
    const line = originalLine(p, e.line);
    return {
      field: 'body',
      line,
      column: tagColumn(body, line, e.tagName),
      message: `MJML: ${e.message}`,
    };
  });
  return restoreBody(body, p, result.html, warnings, 'MJML');
}

function restoreBody(
  body: string,
  p: ProtectedText,
  html: string,
  warnings: TemplateIssue[],
  step: 'MJML' | 'Markdown',
): BodyResult {
  const restored = restoreLiquid(html, p);
  const errors: TemplateIssue[] = [];
  for (const span of restored.missing) {
    const at = { field: 'body' as const, ...positionAt(body, span.offset) };
    if (span.isTag) {
      const where =
        step === 'MJML'
          ? 'it sits between MJML elements. Put Liquid tags inside content such as <mj-text> or <mj-raw>, not between <mj-section> tags'
          : 'of where it sits';
      errors.push({ ...at, message: `${step} dropped ${span.source} because ${where}.` });
    } else {
      warnings.push({ ...at, message: `${step} dropped ${span.source}, so it will not appear.` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const segments = restored.placements.map(({ start, span }): Segment => ({
    start,
    end: start + span.source.length,
    field: 'body',
    sourceStart: span.offset,
  }));
  return { ok: true, html: restored.text, segments, warnings };
}

/** MJML reports lines only; point at the element on that line when it is there. */
function tagColumn(source: string, line: number, tagName: string): number {
  const text = source.split('\n')[line - 1] ?? '';
  const at = text.indexOf(`<${tagName}`);
  return at === -1 ? 1 : at + 1;
}
