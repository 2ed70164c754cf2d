import clsx from 'clsx';
import type { ReactNode } from 'react';

interface ProgressBarProps {
  /** 0–100. */
  value: number;
  /** Accessible name, also shown above the bar. */
  label: ReactNode;
  /** What the figure means, e.g. "45 % · 1,200 rows"; shown on the right and read out. */
  valueText: string;
  tone?: 'brand' | 'success' | 'danger';
  className?: string;
}

const TONES = { brand: 'bg-indigo-600', success: 'bg-emerald-600', danger: 'bg-red-600' } as const;

export function ProgressBar({
  value,
  label,
  valueText,
  tone = 'brand',
  className,
}: ProgressBarProps) {
  const clamped = Math.max(0, Math.min(100, value));
  return (
    <div className={className}>
      <div className="mb-1.5 flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        <span className="text-slate-600 tabular-nums">{valueText}</span>
      </div>
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped)}
        aria-valuetext={valueText}
        aria-label={typeof label === 'string' ? label : undefined}
        className="h-2.5 overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={clsx('h-full rounded-full transition-[width] duration-300', TONES[tone])}
          style={{ width: `${clamped}%` }}
        />
      </div>
    </div>
  );
}
