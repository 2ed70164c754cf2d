import clsx from 'clsx';
import { AlertTriangle, CheckCircle2, XCircle } from 'lucide-react';
import { Card, CardHeader } from '../../../components/ui/card';
import { pluralize } from '../../../lib/format';
import type { TemplateCheck, TemplateField, TemplateIssue, TemplatePreview } from '../api';
import { describeLocation } from '../issues';

export type JumpTo = (field: TemplateField, line: number, column: number) => void;

interface Problem {
  severity: 'error' | 'warning';
  message: string;
  field?: TemplateField | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

const ICONS = {
  error: { Icon: XCircle, className: 'text-red-500' },
  warning: { Icon: AlertTriangle, className: 'text-amber-500' },
} as const;

/** A list of problems; each one with a place in the source is a button that goes there. */
export function ProblemList({
  problems,
  onJump,
  label,
}: {
  problems: readonly Problem[];
  onJump: JumpTo;
  label: string;
}) {
  return (
    <ul aria-label={label} className="divide-y divide-slate-100">
      {problems.map((problem, index) => {
        const { Icon, className } = ICONS[problem.severity];
        const where = describeLocation(problem);
        const { field, line } = problem;
        return (
          <li key={index} className="flex gap-2.5 px-5 py-2.5 text-sm">
            <Icon className={clsx('mt-0.5 size-4 shrink-0', className)} aria-hidden />
            <div className="min-w-0 flex-1">
              <p className="break-words text-slate-800">
                <span className="sr-only">
                  {problem.severity === 'error' ? 'Error: ' : 'Warning: '}
                </span>
                {problem.message}
              </p>
              {where && field && (
                <button
                  type="button"
                  className="mt-0.5 rounded text-xs font-medium text-slate-500 hover:text-indigo-700 hover:underline"
                  onClick={() => onJump(field, line ?? 1, problem.column ?? 1)}
                >
                  {where}
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

const checksOf = (
  checks: readonly TemplateCheck[],
  warnings: readonly TemplateIssue[],
): Problem[] => [
  ...checks.filter((c) => c.severity === 'error'),
  ...warnings.map((w) => ({ ...w, severity: 'warning' as const })),
  ...checks.filter((c) => c.severity === 'warning'),
];

/** The pre-send checks of the latest render: errors (which block a campaign) first. */
export function TemplateChecks({
  preview,
  onJump,
}: {
  preview: TemplatePreview | undefined;
  onJump: JumpTo;
}) {
  const problems = preview ? checksOf(preview.checks, preview.warnings) : [];
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const doesCompile = preview !== undefined && preview.errors.length === 0;
  return (
    <Card aria-labelledby="checks-heading">
      <CardHeader
        id="checks-heading"
        title="Pre-send checks"
        description="Errors stop a campaign from going out; warnings are worth a look."
      />
      {!preview ? (
        <p className="px-5 py-4 text-sm text-slate-500">Checking…</p>
      ) : !doesCompile ? (
        <p className="px-5 py-4 text-sm text-slate-500">
          The checks run once the template compiles.
        </p>
      ) : problems.length === 0 ? (
        <p role="status" className="flex items-center gap-2 px-5 py-4 text-sm text-emerald-800">
          <CheckCircle2 className="size-4 text-emerald-600" aria-hidden />
          All good: nothing to fix before sending.
        </p>
      ) : (
        <>
          <p
            role="status"
            className={clsx(
              'flex items-center gap-2 border-b border-slate-100 px-5 py-2.5 text-sm font-medium',
              errors > 0 ? 'text-red-800' : 'text-emerald-800',
            )}
          >
            {errors > 0 ? (
              <>
                <XCircle className="size-4 text-red-500" aria-hidden />
                {pluralize(errors, 'error')} to fix before sending
                {warnings > 0 && `, ${pluralize(warnings, 'warning')}`}
              </>
            ) : (
              <>
                <CheckCircle2 className="size-4 text-emerald-600" aria-hidden />
                Ready to send · {pluralize(warnings, 'warning')} to review
              </>
            )}
          </p>
          <ProblemList problems={problems} onJump={onJump} label="Pre-send checks" />
        </>
      )}
    </Card>
  );
}
