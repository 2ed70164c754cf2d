import { ApiError } from '../../lib/api-error';
import type { TemplateCheck, TemplateField, TemplateIssue, TemplatePreview } from './api';
import type { SourceMarker } from './components/source-editor';

export const FIELD_LABELS: Record<TemplateField, string> = {
  subject: 'Subject',
  preheader: 'Preheader',
  body: 'Body',
  text: 'Text part',
};

const FIELDS = new Set<string>(Object.keys(FIELD_LABELS));

/** "Body, line 3, column 14": where a problem is, in words. */
export function describeLocation(issue: {
  field?: TemplateField | undefined;
  line?: number | undefined;
  column?: number | undefined;
}): string | null {
  if (!issue.field) return null;
  const label = FIELD_LABELS[issue.field];
  if (issue.line === undefined) return label;
  return `${label}, line ${issue.line}, column ${issue.column ?? 1}`;
}

/**
 * A 422 on save lists compile errors as `{ path: "body", message: "line 3, column 5: …" }`;
 * read them back into the shape the live preview uses, so both are shown the same way.
 */
export function compileErrorsOf(error: unknown): TemplateIssue[] {
  if (!(error instanceof ApiError) || error.status !== 422) return [];
  return error.fieldErrors.flatMap((fieldError) => {
    const field = fieldError.path.replace(/^body\./, '');
    if (!FIELDS.has(field)) return [];
    const match = /^line (\d+), column (\d+): (.*)$/s.exec(fieldError.message);
    return [
      {
        field: field as TemplateField,
        line: match ? Number(match[1]) : 1,
        column: match ? Number(match[2]) : 1,
        message: match ? match[3]! : fieldError.message,
      },
    ];
  });
}

/** One line for a field's input: the first compile error in it. */
export function fieldIssue(issues: readonly TemplateIssue[], field: TemplateField) {
  const issue = issues.find((i) => i.field === field);
  return issue ? `Line ${issue.line}, column ${issue.column}: ${issue.message}` : undefined;
}

export const isBlocking = (check: TemplateCheck) => check.severity === 'error';

/** Problems in one source field, as editor markers. */
export function markersFor(
  field: TemplateField,
  compileErrors: readonly { field: TemplateField; line: number; column: number; message: string }[],
  preview: TemplatePreview | undefined,
): SourceMarker[] {
  return [
    ...compileErrors
      .filter((issue) => issue.field === field)
      .map((issue) => ({ ...issue, severity: 'error' as const })),
    ...(preview?.warnings ?? [])
      .filter((issue) => issue.field === field)
      .map((issue) => ({ ...issue, severity: 'warning' as const })),
    ...(preview?.checks ?? []).flatMap((check) =>
      check.field === field && check.line !== undefined
        ? [
            {
              line: check.line,
              column: check.column ?? 1,
              severity: check.severity,
              message: check.message,
            },
          ]
        : [],
    ),
  ];
}
