import clsx from 'clsx';
import { Check, Mail, X } from 'lucide-react';
import { formatDateTime } from '../../../lib/format';
import type { StepType } from '../definition';
import { STEP_INFO } from '../step-catalog';

export interface PathStep {
  stepId: string;
  type: string;
  label: string | null;
  at: string;
  outcome: string | null;
  /** A run's step status; null for a simulation. */
  status: string | null;
  reason?: string | undefined;
  email?: { subject: string; from: string | null; wouldSend: boolean } | undefined;
  webhook?: { method: string; url: string; body: string | null } | undefined;
  changes?: string[] | undefined;
  conditions?: { index: number; type: string; result: boolean; reason: string }[] | undefined;
  detail?: Record<string, unknown> | undefined;
}

const UNITS: [string, number][] = [
  ['week', 604_800_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "+2 days", "+3 hours": how far into the run a step came. */
export function offsetText(fromIso: string, toIso: string): string {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 1_000) return 'at once';
  for (const [unit, size] of UNITS) {
    if (ms >= size) {
      const n = Math.round((ms / size) * 10) / 10;
      return `+${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return 'at once';
}

const isStepType = (type: string): type is StepType => type in STEP_INFO;

function detailLines(detail: Record<string, unknown> | undefined): [string, string][] {
  if (!detail) return [];
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .slice(0, 6)
    .map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
}

/** A path through the flow, step by step; a step's number focuses it on the canvas. */
export function PathSteps({
  steps,
  startedAt,
  onFocusStep,
}: {
  steps: PathStep[];
  startedAt: string;
  onFocusStep?: (stepId: string) => void;
}) {
  return (
    <ol className="space-y-2" aria-label="Path">
      {steps.map((step, index) => {
        const info = isStepType(step.type) ? STEP_INFO[step.type] : null;
        const Icon = info?.icon;
        const isFailed = step.status === 'failed';
        return (
          <li
            key={`${step.stepId}-${index}`}
            className={clsx(
              'rounded-lg border bg-white px-3 py-2.5 text-sm',
              isFailed ? 'border-red-200' : 'border-slate-200',
            )}
          >
            <div className="flex items-start gap-2">
              <span className="mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-[11px] font-semibold text-white">
                {index + 1}
              </span>
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-baseline gap-x-2">
                  {onFocusStep ? (
                    <button
                      type="button"
                      onClick={() => onFocusStep(step.stepId)}
                      className="inline-flex items-center gap-1.5 rounded font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                    >
                      {Icon && <Icon className="size-3.5 text-slate-500" aria-hidden />}
                      {step.label || info?.title || step.type}
                    </button>
                  ) : (
                    <span className="font-medium text-slate-900">
                      {step.label || info?.title || step.type}
                    </span>
                  )}
                  <span className="font-mono text-[11px] text-slate-400">{step.stepId}</span>
                  <span className="ml-auto text-xs text-slate-500" title={formatDateTime(step.at)}>
                    {offsetText(startedAt, step.at)}
                  </span>
                </p>
                {(step.status || step.outcome) && (
                  <p className="mt-0.5 text-xs text-slate-600">
                    {step.status && (
                      <span className={isFailed ? 'font-medium text-red-700' : undefined}>
                        {step.status}
                      </span>
                    )}
                    {step.status && step.outcome && ' · '}
                    {step.outcome && (
                      <>
                        outcome <strong className="font-medium">{step.outcome}</strong>
                      </>
                    )}
                  </p>
                )}
                {step.reason && <p className="mt-0.5 text-xs text-slate-600">{step.reason}</p>}
                {step.email && (
                  <div className="mt-1.5 rounded-md bg-slate-50 px-2.5 py-1.5 text-xs ring-1 ring-slate-200">
                    <p className="flex items-center gap-1.5 font-medium text-slate-800">
                      <Mail className="size-3.5 text-indigo-500" aria-hidden />“{step.email.subject}
                      ”
                    </p>
                    {step.email.from && <p className="text-slate-500">From {step.email.from}</p>}
                    <p className={step.email.wouldSend ? 'text-emerald-700' : 'text-amber-700'}>
                      {step.email.wouldSend
                        ? 'Would be sent'
                        : 'Would not be sent (unsubscribed or suppressed)'}
                    </p>
                  </div>
                )}
                {step.webhook && (
                  <p className="mt-1.5 truncate font-mono text-[11px] text-slate-600">
                    {step.webhook.method} {step.webhook.url}
                  </p>
                )}
                {step.changes && step.changes.length > 0 && (
                  <ul className="mt-1 list-disc pl-4 text-xs text-slate-600">
                    {step.changes.map((change) => (
                      <li key={change}>{change}</li>
                    ))}
                  </ul>
                )}
                {step.conditions && step.conditions.length > 0 && (
                  <ul className="mt-1 space-y-0.5 text-xs text-slate-600">
                    {step.conditions.map((c) => (
                      <li key={c.index} className="flex gap-1.5">
                        {c.result ? (
                          <Check
                            className="mt-px size-3.5 shrink-0 text-emerald-600"
                            aria-label="true"
                          />
                        ) : (
                          <X
                            className="mt-px size-3.5 shrink-0 text-slate-400"
                            aria-label="false"
                          />
                        )}
                        {c.reason}
                      </li>
                    ))}
                  </ul>
                )}
                {detailLines(step.detail).length > 0 && (
                  <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-[11px] text-slate-500">
                    {detailLines(step.detail).map(([k, v]) => (
                      <div key={k} className="contents">
                        <dt>{k}</dt>
                        <dd className="truncate text-slate-700" title={v}>
                          {v}
                        </dd>
                      </div>
                    ))}
                  </dl>
                )}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
