import { Plus, X } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { Button } from '../../../../components/ui/button';
import { FieldShell } from '../../../../components/ui/field';
import { Input } from '../../../../components/ui/input';
import { Select, SelectField } from '../../../../components/ui/select';
import { useFields } from '../../../fields/api';
import {
  DURATION_UNITS,
  FILTER_OPS,
  type Duration,
  type FilterOp,
  type PropertyCondition,
  type Scalar,
} from '../../definition';
import { opWord } from '../../step-summary';

/** A section of a step's settings, with a small heading. */
export function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="space-y-3">
      <div>
        <h3 id={id} className="text-sm font-semibold text-slate-900">
          {title}
        </h3>
        {description && <p className="mt-0.5 text-xs text-slate-500">{description}</p>}
      </div>
      {children}
    </section>
  );
}

const UNIT_LABELS: Record<Duration['unit'], string> = {
  seconds: 'Seconds',
  minutes: 'Minutes',
  hours: 'Hours',
  days: 'Days',
  weeks: 'Weeks',
};

export function DurationField({
  label,
  value,
  onChange,
  hint,
  error,
  disabled,
}: {
  label: string;
  value: Duration | undefined;
  onChange: (value: Duration) => void;
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const id = useId();
  const duration = value ?? { amount: 1, unit: 'days' };
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <div className="flex gap-2">
        <Input
          id={id}
          type="number"
          min={1}
          step={1}
          inputMode="numeric"
          className="w-24"
          value={Number.isFinite(duration.amount) && duration.amount > 0 ? duration.amount : ''}
          aria-invalid={error ? true : undefined}
          disabled={disabled}
          onChange={(event) =>
            onChange({ ...duration, amount: Math.max(0, Math.floor(Number(event.target.value))) })
          }
        />
        <Select
          aria-label={`${label} unit`}
          className="flex-1"
          value={duration.unit}
          disabled={disabled}
          onValueChange={(unit) => onChange({ ...duration, unit })}
          options={DURATION_UNITS.map((unit) => ({ value: unit, label: UNIT_LABELS[unit] }))}
        />
      </div>
    </FieldShell>
  );
}

/** A typed value back from a text box: true/false become booleans, the rest stays text. */
export function parseScalar(text: string): Scalar {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return text;
}

const scalarText = (value: PropertyCondition['value']) =>
  Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);

const NO_VALUE = new Set<FilterOp>(['exists', 'not_exists']);

function conditionWith(condition: PropertyCondition, op: FilterOp, text: string) {
  if (NO_VALUE.has(op)) return { path: condition.path, op };
  if (op === 'in')
    return {
      path: condition.path,
      op,
      value: text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map(parseScalar),
    };
  return { path: condition.path, op, value: parseScalar(text) };
}

/**
 * Conditions on event properties (all must hold): a dotted path, an operator and a value.
 * `label` names the group for screen readers ("Trigger filter").
 */
export function PropertyFilterEditor({
  label,
  value,
  onChange,
  disabled,
  pathPlaceholder = 'plan or order.total',
}: {
  label: string;
  value: PropertyCondition[] | undefined;
  onChange: (value: PropertyCondition[]) => void;
  disabled?: boolean;
  pathPlaceholder?: string;
}) {
  const conditions = value ?? [];
  const set = (index: number, next: PropertyCondition) =>
    onChange(conditions.map((c, i) => (i === index ? next : c)));
  return (
    <div role="group" aria-label={label} className="space-y-2">
      {conditions.map((condition, index) => {
        const name = `${label} ${index + 1}`;
        return (
          <div key={index} className="rounded-lg bg-slate-50 p-2 ring-1 ring-slate-200">
            <div className="flex gap-1.5">
              <Input
                size="sm"
                aria-label={`${name}: property`}
                placeholder={pathPlaceholder}
                value={condition.path}
                disabled={disabled}
                className="font-mono text-xs"
                onChange={(event) => set(index, { ...condition, path: event.target.value })}
              />
              <Button
                variant="ghost"
                size="icon"
                aria-label={`Remove ${name}`}
                disabled={disabled}
                onClick={() => onChange(conditions.filter((_, i) => i !== index))}
              >
                <X className="size-4" aria-hidden />
              </Button>
            </div>
            <div className="mt-1.5 flex gap-1.5">
              <Select
                size="sm"
                aria-label={`${name}: operator`}
                className="w-32 shrink-0"
                value={condition.op}
                disabled={disabled}
                onValueChange={(op) =>
                  set(index, conditionWith(condition, op, scalarText(condition.value)))
                }
                options={FILTER_OPS.map((op) => ({ value: op, label: opWord(op) }))}
              />
              {!NO_VALUE.has(condition.op) && (
                <Input
                  size="sm"
                  aria-label={`${name}: value`}
                  placeholder={condition.op === 'in' ? 'a, b, c' : 'value'}
                  value={scalarText(condition.value)}
                  disabled={disabled}
                  onChange={(event) =>
                    set(index, conditionWith(condition, condition.op, event.target.value))
                  }
                />
              )}
            </div>
          </div>
        );
      })}
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled}
        onClick={() => onChange([...conditions, { path: '', op: 'eq', value: '' }])}
      >
        <Plus className="size-3.5" aria-hidden />
        Add property condition
      </Button>
    </div>
  );
}

/** Name → value pairs (webhook headers, response mapping). */
export function KeyValueEditor({
  label,
  value,
  onChange,
  keyLabel,
  valueLabel,
  keyPlaceholder,
  valuePlaceholder,
  addLabel,
  disabled,
}: {
  label: string;
  value: Record<string, string> | undefined;
  onChange: (value: Record<string, string>) => void;
  keyLabel: string;
  valueLabel: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  addLabel: string;
  disabled?: boolean;
}) {
  // One empty row at a time: two rows with no name would fold into one.
  const pairs = Object.entries(value ?? {});
  const write = (next: [string, string][]) => onChange(Object.fromEntries(next));
  return (
    <div role="group" aria-label={label} className="space-y-1.5">
      {pairs.map(([key, text], index) => (
        <div key={index} className="flex gap-1.5">
          <Input
            size="sm"
            aria-label={`${label} ${index + 1}: ${keyLabel}`}
            placeholder={keyPlaceholder}
            value={key}
            disabled={disabled}
            className="font-mono text-xs"
            onChange={(event) =>
              write(pairs.map((p, i) => (i === index ? [event.target.value, p[1]] : p)))
            }
          />
          <Input
            size="sm"
            aria-label={`${label} ${index + 1}: ${valueLabel}`}
            placeholder={valuePlaceholder}
            value={text}
            disabled={disabled}
            className="font-mono text-xs"
            onChange={(event) =>
              write(pairs.map((p, i) => (i === index ? [p[0], event.target.value] : p)))
            }
          />
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
            disabled={disabled}
            onClick={() => write(pairs.filter((_, i) => i !== index))}
          >
            <X className="size-4" aria-hidden />
          </Button>
        </div>
      ))}
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled || pairs.some(([key]) => key === '')}
        onClick={() => write([...pairs, ['', '']])}
      >
        <Plus className="size-3.5" aria-hidden />
        {addLabel}
      </Button>
    </div>
  );
}

/** A contact attribute key: the custom fields to pick from, or any key typed. */
export function AttributeField({
  label,
  value,
  onChange,
  hint,
  error,
  disabled,
  onlyDates = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
  onlyDates?: boolean;
}) {
  const id = useId();
  const fields = useFields();
  const keys = (fields.data ?? []).filter((f) => !onlyDates || f.type === 'date');
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <Input
        id={id}
        list={`${id}-keys`}
        value={value}
        disabled={disabled}
        placeholder={onlyDates ? 'birthday' : 'plan'}
        className="font-mono text-xs"
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChange(event.target.value.trim())}
      />
      <datalist id={`${id}-keys`}>
        {keys.map((field) => (
          <option key={field.key} value={field.key}>
            {field.label}
          </option>
        ))}
      </datalist>
    </FieldShell>
  );
}

/** A picker whose options come from the API, with its own loading text and an empty note. */
export function EntityPicker({
  label,
  value,
  onChange,
  options,
  isLoading,
  emptyNote,
  placeholder,
  hint,
  error,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string; description?: string }[];
  isLoading: boolean;
  emptyNote: ReactNode;
  placeholder: string;
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
}) {
  if (!isLoading && options.length === 0) {
    const id = `${label}-empty`;
    return (
      <FieldShell id={id} label={label} error={error}>
        <p className="rounded-md border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-600">
          {emptyNote}
        </p>
      </FieldShell>
    );
  }
  // A reference to something deleted still shows, so it can be seen and replaced.
  const all =
    value && !options.some((o) => o.value === value)
      ? [...options, { value, label: isLoading ? 'Loading…' : 'Deleted or unknown' }]
      : options;
  return (
    <SelectField
      label={label}
      value={value}
      onValueChange={onChange}
      options={all}
      placeholder={isLoading ? 'Loading…' : placeholder}
      hint={hint}
      error={error}
      disabled={disabled}
    />
  );
}

export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Common IANA zones for the picker's suggestions; any other valid zone can be typed. */
export const TIMEZONES =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
