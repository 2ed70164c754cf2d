import clsx from 'clsx';
import { useId } from 'react';
import { TextField } from '../../../components/ui/field';
import type { WindowDraft } from '../sender-form';
import { timeZones, WEEKDAY_LONG, WEEKDAY_SHORT, WEEKDAYS } from '../sender-info';

interface WindowEditorProps {
  value: WindowDraft;
  onChange: (next: WindowDraft) => void;
  /** Errors by part: days, start, end, timezone. */
  errors: Partial<Record<keyof WindowDraft, string>>;
}

const ZONES = timeZones();

/** Which days and hours a sender may send, in one time zone. */
export function WindowEditor({ value, onChange, errors }: WindowEditorProps) {
  const zonesId = useId();
  const daysId = useId();
  return (
    <div className="space-y-4">
      <fieldset aria-describedby={errors.days ? `${daysId}-error` : undefined}>
        <legend className="text-sm font-medium text-slate-800">Days</legend>
        <div className="mt-1.5 flex flex-wrap gap-1.5">
          {WEEKDAYS.map((day) => {
            const isOn = value.days.includes(day);
            return (
              <button
                key={day}
                type="button"
                aria-pressed={isOn}
                aria-label={WEEKDAY_LONG[day]}
                onClick={() =>
                  onChange({
                    ...value,
                    days: isOn
                      ? value.days.filter((d) => d !== day)
                      : [...value.days, day].sort((a, b) => a - b),
                  })
                }
                className={clsx(
                  'h-8 min-w-12 rounded-md px-2.5 text-sm ring-1 ring-inset transition-colors',
                  isOn
                    ? 'bg-indigo-50 font-medium text-indigo-700 ring-indigo-300'
                    : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
                  errors.days && 'ring-red-400',
                )}
              >
                {WEEKDAY_SHORT[day]}
              </button>
            );
          })}
        </div>
        {errors.days && (
          <p id={`${daysId}-error`} className="mt-1.5 text-sm text-red-700">
            {errors.days}
          </p>
        )}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-[9rem_9rem_minmax(0,1fr)]">
        <TextField
          label="From"
          type="time"
          value={value.start}
          onChange={(event) => onChange({ ...value, start: event.target.value })}
          error={errors.start}
        />
        <TextField
          label="Until"
          type="time"
          value={value.end}
          onChange={(event) => onChange({ ...value, end: event.target.value })}
          error={errors.end}
          hint={value.end && value.end < value.start ? 'Ends the next morning.' : undefined}
        />
        <TextField
          label="Time zone"
          list={zonesId}
          autoComplete="off"
          spellCheck={false}
          value={value.timezone}
          onChange={(event) => onChange({ ...value, timezone: event.target.value })}
          error={errors.timezone}
        />
        <datalist id={zonesId}>
          {ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </div>
    </div>
  );
}
