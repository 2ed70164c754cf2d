import type { Liquid } from 'liquidjs';
import type { CompiledPart, CompiledTemplate } from './compile.js';
import { buildRenderScope, type RenderContextInput } from './context.js';
import { describeLiquidError, htmlLiquid, plainLiquid, RenderSession } from './liquid.js';
import { issueAt, type TemplateField, type TemplateIssue } from './positions.js';

export type RenderResult =
  | { ok: true; subject: string; preheader: string; html: string; text: string }
  | { ok: false; errors: TemplateIssue[] };

/**
 * Renders one recipient's message: Liquid only, synchronously, no parsing. Subject, preheader
 * and text are not escaped; every value printed into the HTML is, unless piped through `raw`.
 * Each failing part reports its first error; a time, memory or size limit stops the message.
 */
export function renderTemplate(
  template: CompiledTemplate,
  input: RenderContextInput,
): RenderResult {
  const { scope, timezone } = buildRenderScope(input);
  const session = new RenderSession(scope, timezone);
  const errors: TemplateIssue[] = [];
  let isStopped = false;

  const run = (engine: Liquid, part: CompiledPart | null, fallback: TemplateField): string => {
    if (!part || isStopped) return '';
    try {
      return session.render(engine, part.templates, part.fast);
    } catch (error) {
      const failure = describeLiquidError(error);
      const issue = issueAt(
        template.sources,
        part.segments,
        failure.offset,
        fallback,
        failure.message,
      );
      // A generated text part repeats the body's Liquid, and so its errors.
      if (!errors.some((e) => sameIssue(e, issue))) errors.push(issue);
      isStopped = failure.isLimit;
      return '';
    }
  };

  const { parts } = template;
  const subject = oneLine(run(plainLiquid, parts.subject, 'subject'));
  const preheader = oneLine(run(plainLiquid, parts.preheader, 'preheader'));
  session.preheader = preheader;
  const html = run(htmlLiquid, parts.html, 'body');
  const text = run(plainLiquid, parts.text, 'text');
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, subject, preheader, html, text };
}

/** A subject is a header: contact data must not smuggle line breaks into it. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function sameIssue(a: TemplateIssue, b: TemplateIssue): boolean {
  return (
    a.field === b.field && a.line === b.line && a.column === b.column && a.message === b.message
  );
}
