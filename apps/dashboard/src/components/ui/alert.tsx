import clsx from 'clsx';
import { AlertTriangle, CheckCircle2, Info, XCircle } from 'lucide-react';
import type { ReactNode } from 'react';

const VARIANTS = {
  error: { box: 'border-red-200 bg-red-50 text-red-800', Icon: XCircle, icon: 'text-red-500' },
  warning: {
    box: 'border-amber-200 bg-amber-50 text-amber-900',
    Icon: AlertTriangle,
    icon: 'text-amber-500',
  },
  success: {
    box: 'border-emerald-200 bg-emerald-50 text-emerald-900',
    Icon: CheckCircle2,
    icon: 'text-emerald-600',
  },
  info: {
    box: 'border-indigo-200 bg-indigo-50 text-indigo-900',
    Icon: Info,
    icon: 'text-indigo-500',
  },
} as const;

interface AlertProps {
  variant?: keyof typeof VARIANTS;
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
}

/** Errors are announced to screen readers as they appear (role="alert"). */
export function Alert({ variant = 'info', title, children, className }: AlertProps) {
  const { box, Icon, icon } = VARIANTS[variant];
  return (
    <div
      role={variant === 'error' ? 'alert' : 'status'}
      className={clsx('flex gap-3 rounded-lg border px-3.5 py-3 text-sm', box, className)}
    >
      <Icon className={clsx('mt-0.5 size-4 shrink-0', icon)} aria-hidden />
      <div className="min-w-0 space-y-1">
        {title && <p className="font-medium">{title}</p>}
        {children && <div>{children}</div>}
      </div>
    </div>
  );
}
