import clsx from 'clsx';
import type { LucideIcon } from 'lucide-react';
import { useRef, type KeyboardEvent } from 'react';

export interface SegmentedOption<V extends string> {
  value: V;
  label: string;
  icon?: LucideIcon;
  /** Show only the icon; the label stays the accessible name. */
  isIconOnly?: boolean;
}

interface SegmentedControlProps<V extends string> {
  value: V;
  onValueChange: (value: V) => void;
  options: readonly SegmentedOption<V>[];
  /** Accessible name of the group. */
  label: string;
  disabled?: boolean;
  size?: 'sm' | 'md';
  className?: string;
}

/**
 * A small radio group drawn as joined buttons (format, width). Arrow keys move between the
 * options, as in a native radio group; only the chosen one is in the tab order.
 */
export function SegmentedControl<V extends string>({
  value,
  onValueChange,
  options,
  label,
  disabled = false,
  size = 'md',
  className,
}: SegmentedControlProps<V>) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (event: KeyboardEvent, index: number) => {
    const step =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? -1
          : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + options.length) % options.length;
    onValueChange(options[next]!.value);
    refs.current[next]?.focus();
  };
  return (
    <div
      role="radiogroup"
      aria-label={label}
      className={clsx(
        'inline-flex rounded-md bg-white p-0.5 ring-1 ring-slate-300 ring-inset',
        className,
      )}
    >
      {options.map((option, index) => {
        const isOn = option.value === value;
        const Icon = option.icon;
        return (
          <button
            key={option.value}
            ref={(element) => {
              refs.current[index] = element;
            }}
            type="button"
            role="radio"
            aria-checked={isOn}
            aria-label={option.isIconOnly ? option.label : undefined}
            title={option.isIconOnly ? option.label : undefined}
            tabIndex={isOn ? 0 : -1}
            disabled={disabled}
            onClick={() => onValueChange(option.value)}
            onKeyDown={(event) => move(event, index)}
            className={clsx(
              'inline-flex items-center gap-1.5 rounded font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed',
              size === 'sm' ? 'h-7 px-2 text-xs' : 'h-8 px-3 text-sm',
              isOn ? 'bg-indigo-600 text-white' : 'text-slate-600 hover:bg-slate-100',
            )}
          >
            {Icon && <Icon className="size-4" aria-hidden />}
            {!option.isIconOnly && option.label}
          </button>
        );
      })}
    </div>
  );
}
