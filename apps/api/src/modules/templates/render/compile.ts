import type { Template } from 'liquidjs';
import { compileFast, type FastPart } from './fast.js';
import { compileBody, type BodyFormat } from './formats.js';
import { FAST_TAGS, htmlLiquid, parseLiquid, plainLiquid, PREHEADER_TAG } from './liquid.js';
import {
  issueAt,
  wholeField,
  type FieldSources,
  type Segment,
  type TemplateField,
  type TemplateIssue,
} from './positions.js';
import { generateTextPart } from './text-part.js';

/**
 * Compile once per template version: parse Liquid in every field (errors point at the field as
 * written), compile the body to HTML, generate the text part, and parse the results once more
 * for rendering. Rendering a recipient (render.ts) then only runs Liquid.
 */

export type { BodyFormat } from './formats.js';
export type { TemplateIssue } from './positions.js';

export interface TemplateSource {
  subject: string;
  preheader?: string | null;
  format: BodyFormat;
  body: string;
  /** Plain-text part; when empty one is generated from the HTML. */
  text?: string | null;
}

export interface CompiledPart {
  readonly templates: Template[];
  /** The straight-line renderer, when the part is only text and simple outputs (fast.ts). */
  readonly fast: FastPart | null;
  /** Maps offsets in the parsed input back to the fields' sources. */
  readonly segments: readonly Segment[];
}

/** A variable the template reads from the render context. */
export interface VariableUse {
  /**
   * Named properties from the root up to the first index or computed key:
   * `contact.attributes[key]` → `['contact', 'attributes']`.
   */
  path: readonly string[];
  /** Whether an index or computed key follows `path`. */
  isPartial: boolean;
  /** As written, e.g. `contact.attributes[key]`. */
  expression: string;
  field: TemplateField;
  line: number;
  column: number;
}

export interface CompiledTemplate {
  readonly format: BodyFormat;
  /** The fields as given; issue positions refer to these. */
  readonly sources: FieldSources;
  /** Liquid source of the HTML part: the body compiled to HTML, preheader slot inserted. */
  readonly html: string;
  /** Liquid source of the text part: as given, or generated from the HTML. */
  readonly text: string;
  readonly isTextGenerated: boolean;
  readonly variables: readonly VariableUse[];
  readonly parts: {
    readonly subject: CompiledPart;
    readonly preheader: CompiledPart | null;
    readonly html: CompiledPart;
    readonly text: CompiledPart;
  };
}

export type CompileResult =
  | { ok: true; template: CompiledTemplate; warnings: TemplateIssue[] }
  | { ok: false; errors: TemplateIssue[] };

/**
 * Hidden preview text right after <body>: inbox lists show it next to the subject. The slot
 * prints the rendered preheader HTML-escaped, so the preheader is rendered only once.
 */
const PREHEADER_SLOT = `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all" aria-hidden="true">${PREHEADER_TAG}</div>`;

export async function compileTemplate(source: TemplateSource): Promise<CompileResult> {
  const sources: FieldSources = {
    subject: source.subject,
    preheader: source.preheader ?? '',
    body: source.body,
    text: source.text ?? '',
  };
  const hasPreheader = sources.preheader.trim() !== '';
  const hasText = sources.text.trim() !== '';

  const parsed = new Map<TemplateField, Template[]>();
  const errors: TemplateIssue[] = [];
  for (const field of ['subject', 'preheader', 'body', 'text'] as const) {
    if ((field === 'preheader' && !hasPreheader) || (field === 'text' && !hasText)) continue;
    const result = parseLiquid(plainLiquid, sources[field]);
    if (result.ok) parsed.set(field, result.templates);
    else errors.push(fieldIssue(sources, field, result.failure));
  }
  if (errors.length > 0) return { ok: false, errors };

  const body = await compileBody(source.format, source.body);
  if (!body.ok) return body;

  const generated = hasText ? null : generateTextPart(body.html, body.segments);
  const htmlSlot = hasPreheader
    ? insertPreheaderSlot(body.html, body.segments)
    : { html: body.html, segments: body.segments };

  const html = parseLiquid(htmlLiquid, htmlSlot.html);
  if (!html.ok) {
    const { offset, message } = html.failure;
    return { ok: false, errors: [issueAt(sources, htmlSlot.segments, offset, 'body', message)] };
  }

  let text: CompiledPart;
  if (generated) {
    const result = parseLiquid(plainLiquid, generated.text);
    if (!result.ok) {
      const { offset, message } = result.failure;
      const hint = `The text part generated from the HTML lost some Liquid (tags in <head>, <style> or comments are dropped); write the text part yourself. ${message}`;
      return { ok: false, errors: [issueAt(sources, generated.segments, offset, 'text', hint)] };
    }
    text = part(plainLiquid, result.templates, generated.segments);
  } else {
    text = part(plainLiquid, parsed.get('text')!, [wholeField('text', sources.text)]);
  }

  const preheaderTemplates = parsed.get('preheader');
  const template: CompiledTemplate = {
    format: source.format,
    sources,
    html: htmlSlot.html,
    text: generated ? generated.text : sources.text,
    isTextGenerated: generated !== null,
    variables: [...parsed].flatMap(([field, templates]) => variablesOf(field, templates)),
    parts: {
      subject: part(plainLiquid, parsed.get('subject')!, [wholeField('subject', sources.subject)]),
      preheader: preheaderTemplates
        ? part(plainLiquid, preheaderTemplates, [wholeField('preheader', sources.preheader)])
        : null,
      html: part(htmlLiquid, html.templates, htmlSlot.segments),
      text,
    },
  };
  return { ok: true, template, warnings: body.warnings };
}

function part(
  engine: typeof plainLiquid,
  templates: Template[],
  segments: readonly Segment[],
): CompiledPart {
  return { templates, segments, fast: compileFast(engine, templates, FAST_TAGS) };
}

function fieldIssue(
  sources: FieldSources,
  field: TemplateField,
  failure: { offset: number; message: string },
): TemplateIssue {
  return issueAt(
    sources,
    [wholeField(field, sources[field])],
    failure.offset,
    field,
    failure.message,
  );
}

function insertPreheaderSlot(
  html: string,
  segments: readonly Segment[],
): { html: string; segments: Segment[] } {
  const bodyTag = /<body\b[^>]*>/i.exec(html);
  const at = bodyTag ? bodyTag.index + bodyTag[0].length : 0;
  const shift = PREHEADER_SLOT.length;
  const shifted = segments.flatMap((s): Segment[] => {
    if (s.end <= at) return [s];
    if (s.start >= at) return [{ ...s, start: s.start + shift, end: s.end + shift }];
    const head = at - s.start;
    return [
      { ...s, end: at },
      { ...s, start: at + shift, end: s.end + shift, sourceStart: s.sourceStart + head },
    ];
  });
  return { html: html.slice(0, at) + PREHEADER_SLOT + html.slice(at), segments: shifted };
}

function variablesOf(field: TemplateField, templates: Template[]): VariableUse[] {
  const { globals } = plainLiquid.analyzeSync(templates, { partials: false });
  return Object.values(globals).flatMap((uses) =>
    uses.map((v): VariableUse => {
      const path: string[] = [];
      for (const segment of v.segments) {
        if (typeof segment !== 'string') break;
        path.push(segment);
      }
      return {
        path,
        isPartial: path.length < v.segments.length,
        expression: v.toString(),
        field,
        line: v.location.row,
        column: v.location.col,
      };
    }),
  );
}
