import clsx from 'clsx';
import type { ComponentProps } from 'react';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return (
    <input
      className={clsx(
        'block h-9 w-full rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-xs placeholder:text-slate-400',
        'focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 focus:outline-hidden',
        'aria-invalid:border-red-500 aria-invalid:focus:ring-red-500/20',
        'disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500',
        'read-only:bg-slate-50',
        className,
      )}
      {...props}
    />
  );
}
