import clsx from 'clsx';
import { Check } from 'lucide-react';

export const IMPORT_STEPS = ['Upload', 'Map columns', 'Options', 'Import', 'Result'] as const;

/** Where the import wizard is: finished steps ticked, the current one marked for screen readers. */
export function WizardSteps({ current }: { current: number }) {
  return (
    <ol aria-label="Import steps" className="mb-6 flex flex-wrap items-center gap-x-2 gap-y-2">
      {IMPORT_STEPS.map((label, index) => {
        const isDone = index < current;
        const isCurrent = index === current;
        return (
          <li
            key={label}
            aria-current={isCurrent ? 'step' : undefined}
            className="flex items-center gap-2 text-sm"
          >
            <span
              className={clsx(
                'flex size-6 items-center justify-center rounded-full text-xs font-semibold',
                isDone && 'bg-indigo-600 text-white',
                isCurrent && 'bg-indigo-50 text-indigo-700 ring-2 ring-indigo-600',
                !isDone && !isCurrent && 'bg-slate-100 text-slate-500',
              )}
            >
              {isDone ? <Check className="size-3.5" aria-label="Done" /> : index + 1}
            </span>
            <span
              className={clsx(
                'font-medium',
                isCurrent ? 'text-slate-900' : isDone ? 'text-slate-700' : 'text-slate-500',
              )}
            >
              {label}
            </span>
            {index < IMPORT_STEPS.length - 1 && (
              <span className="mx-1 h-px w-6 bg-slate-300 sm:w-10" aria-hidden />
            )}
          </li>
        );
      })}
    </ol>
  );
}
