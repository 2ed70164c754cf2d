import clsx from 'clsx';
import { Tooltip } from '../../../components/ui/tooltip';

/** Negates a rule or group: pressed, it matches the contacts the rule would leave out. */
export function NotToggle({
  isOn,
  label,
  disabled,
  onChange,
}: {
  isOn: boolean;
  label: string;
  disabled: boolean;
  onChange: (isOn: boolean) => void;
}) {
  return (
    <Tooltip content={isOn ? 'Negated: matches contacts for whom this is not true' : 'Negate'}>
      <button
        type="button"
        aria-pressed={isOn}
        aria-label={label}
        disabled={disabled}
        onClick={() => onChange(!isOn)}
        className={clsx(
          'h-8 rounded-md px-2 text-xs font-semibold tracking-wide uppercase ring-1 ring-inset',
          isOn
            ? 'bg-red-50 text-red-700 ring-red-300'
            : 'text-slate-400 ring-slate-200 hover:bg-slate-50 hover:text-slate-600',
        )}
      >
        Not
      </button>
    </Tooltip>
  );
}
