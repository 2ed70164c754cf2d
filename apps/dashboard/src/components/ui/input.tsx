import clsx from 'clsx';
import type { ComponentProps } from 'react';

interface InputProps extends Omit<ComponentProps<'input'>, 'size'> {
  /** Height, matching Select's sizes. Width is always the container's. */
  size?: 'sm' | 'md';
}

export function Input({ className, size = 'md', ...props }: InputProps) {
  return (
    <input
      className={clsx(
        size === 'sm' ? 'h-8' : 'h-9',
        'block w-full rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-xs placeholder:text-slate-400',
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
