/**
 * Where a problem is, in the words of the template editor: a field and a line and column in
 * what the marketer typed, even when the problem is found in HTML compiled from MJML or Markdown.
 */

export type TemplateField = 'subject' | 'preheader' | 'body' | 'text';

export interface TemplateIssue {
  field: TemplateField;
  line: number;
  column: number;
  message: string;
}

/** A stretch of a compiled part copied verbatim from a field's source. */
export interface Segment {
  /** Offsets in the compiled part, end exclusive. */
  start: number;
  end: number;
  field: TemplateField;
  /** Offset in the field's source where the stretch was copied from. */
  sourceStart: number;
}

export type FieldSources = Readonly<Record<TemplateField, string>>;

export function wholeField(field: TemplateField, source: string, start = 0): Segment {
  return { start, end: start + source.length, field, sourceStart: 0 };
}

/** The field and source offset of a compiled offset, or null if no source text lies there. */
export function locate(
  segments: readonly Segment[],
  offset: number,
): { field: TemplateField; offset: number } | null {
  for (const s of segments) {
    if (offset >= s.start && offset < s.end) {
      return { field: s.field, offset: s.sourceStart + offset - s.start };
    }
  }
  // An error at the very end of the input (an unclosed tag) sits one past the last segment.
  const last = segments.at(-1);
  if (last && offset === last.end)
    return { field: last.field, offset: last.sourceStart + offset - last.start };
  return null;
}

/** 1-based line and column, counting UTF-16 code units as editors do. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

export function issueAt(
  sources: FieldSources,
  segments: readonly Segment[],
  offset: number,
  fallback: TemplateField,
  message: string,
): TemplateIssue {
  const at = locate(segments, offset);
  if (!at) return { field: fallback, line: 1, column: 1, message };
  return { field: at.field, ...positionAt(sources[at.field], at.offset), message };
}
