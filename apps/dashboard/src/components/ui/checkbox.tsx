import clsx from 'clsx';
import { useEffect, useId, useRef, type ComponentProps, type ReactNode } from 'react';

interface CheckboxProps extends Omit<ComponentProps<'input'>, 'type'> {
  /** Neither checked nor unchecked: some rows of a page are selected. */
  isIndeterminate?: boolean;
}

/** A native checkbox (keyboard and form behaviour for free), styled like the other controls. */
export function Checkbox({ isIndeterminate = false, className, ...props }: CheckboxProps) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = isIndeterminate;
  }, [isIndeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className={clsx(
        'size-4 shrink-0 cursor-pointer rounded border-slate-300 accent-indigo-600 disabled:cursor-not-allowed',
        className,
      )}
      {...props}
    />
  );
}

interface CheckboxFieldProps extends Omit<CheckboxProps, 'id'> {
  label: ReactNode;
  description?: ReactNode;
}

/** A checkbox with its label beside it and an optional explanation underneath. */
export function CheckboxField({ label, description, className, ...props }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className={clsx('flex gap-3', className)}>
      <Checkbox
        id={id}
        className="mt-0.5"
        aria-describedby={description ? `${id}-description` : undefined}
        {...props}
      />
      <div className="min-w-0">
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        {description && (
          <p id={`${id}-description`} className="mt-0.5 text-sm text-slate-600">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
