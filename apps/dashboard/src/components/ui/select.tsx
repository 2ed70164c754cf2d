import * as SelectPrimitive from '@radix-ui/react-select';
import clsx from 'clsx';
import { Check, ChevronDown } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { describedBy, FieldShell } from './field';

export interface SelectOption<V extends string> {
  value: V;
  label: string;
  description?: string | undefined;
}

interface SelectProps<V extends string> {
  value: V;
  onValueChange: (value: V) => void;
  options: readonly SelectOption<V>[];
  id?: string | undefined;
  disabled?: boolean | undefined;
  className?: string | undefined;
  /** Accessible name when there is no visible label. */
  'aria-label'?: string | undefined;
  'aria-describedby'?: string | undefined;
  'aria-invalid'?: boolean | undefined;
  size?: 'sm' | 'md';
  /** Shown while no option is chosen (value ""). */
  placeholder?: string | undefined;
}

export function Select<V extends string>({
  value,
  onValueChange,
  options,
  id,
  disabled,
  className,
  size = 'md',
  placeholder,
  ...aria
}: SelectProps<V>) {
  const selected = options.find((option) => option.value === value);
  return (
    <SelectPrimitive.Root
      value={value}
      onValueChange={(next) => onValueChange(next as V)}
      disabled={disabled}
    >
      <SelectPrimitive.Trigger
        id={id}
        className={clsx(
          'inline-flex items-center justify-between gap-2 rounded-md border border-slate-300 bg-white px-3 text-left text-sm text-slate-900 shadow-xs',
          'focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 focus:outline-hidden',
          'aria-invalid:border-red-500 data-placeholder:text-slate-400',
          'data-disabled:cursor-not-allowed data-disabled:bg-slate-50 data-disabled:text-slate-500',
          size === 'sm' ? 'h-8' : 'h-9',
          // Full width unless the caller sizes it; both at once would be a class conflict.
          className ?? 'w-full',
        )}
        {...aria}
      >
        <span className="min-w-0 truncate">
          <SelectPrimitive.Value placeholder={placeholder}>{selected?.label}</SelectPrimitive.Value>
        </span>
        <SelectPrimitive.Icon>
          <ChevronDown className="size-4 text-slate-500" aria-hidden />
        </SelectPrimitive.Icon>
      </SelectPrimitive.Trigger>
      <SelectPrimitive.Portal>
        <SelectPrimitive.Content
          position="popper"
          sideOffset={4}
          className="z-50 max-h-(--radix-select-content-available-height) min-w-(--radix-select-trigger-width) overflow-hidden rounded-md border border-slate-200 bg-white shadow-lg data-[state=open]:animate-fade-in"
        >
          <SelectPrimitive.Viewport className="p-1">
            {options.map((option) => (
              <SelectPrimitive.Item
                key={option.value}
                value={option.value}
                className="relative flex cursor-default flex-col rounded px-2 py-1.5 pr-8 text-sm text-slate-800 outline-hidden select-none data-highlighted:bg-indigo-50 data-highlighted:text-indigo-900"
              >
                <SelectPrimitive.ItemText>{option.label}</SelectPrimitive.ItemText>
                {option.description && (
                  <span className="text-xs text-slate-500">{option.description}</span>
                )}
                <SelectPrimitive.ItemIndicator className="absolute top-2 right-2">
                  <Check className="size-4 text-indigo-600" aria-hidden />
                </SelectPrimitive.ItemIndicator>
              </SelectPrimitive.Item>
            ))}
          </SelectPrimitive.Viewport>
        </SelectPrimitive.Content>
      </SelectPrimitive.Portal>
    </SelectPrimitive.Root>
  );
}

interface SelectFieldProps<V extends string> extends Omit<SelectProps<V>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  containerClassName?: string;
}

export function SelectField<V extends string>({
  label,
  hint,
  error,
  containerClassName,
  ...props
}: SelectFieldProps<V>) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={containerClassName}>
      <Select
        id={id}
        aria-describedby={describedBy(id, error, hint)}
        aria-invalid={error ? true : undefined}
        {...props}
      />
    </FieldShell>
  );
}
