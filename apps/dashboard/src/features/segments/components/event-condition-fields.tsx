import { Plus, X } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useRecentEventNames } from '../api';
import {
  EVENT_OPS,
  EVENT_OP_LABELS,
  MAX_PROPERTY_FILTERS,
  PROPERTY_OPS,
  PROPERTY_OP_LABELS,
  changeEventOp,
  findEventProblem,
  isCountOp,
  isEventDaysOp,
  newPropertyFilter,
  type EventPeriod,
  type EventProblemInput,
  type PropertyFilterDraft,
  type PropertyOp,
} from '../event-rules';
import type { ConditionDraft } from '../rules';
import { useBuilder } from './builder-context';

interface EventFieldsProps {
  draft: ConditionDraft;
  /** "Rule 2": the start of every control's accessible name. */
  name: string;
  isInvalid: boolean;
  describedBy: string | undefined;
  onChange: (next: ConditionDraft) => void;
}

/** How often or how long ago, then which of the events count: the lines under the event name. */
export function EventDetails(props: EventFieldsProps) {
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <EventWhen {...props} />
      </div>
      <PropertyFilters {...props} />
    </>
  );
}

/** The event name, with the names tracked lately as suggestions. */
export function EventName({ draft, name, isInvalid, describedBy, onChange }: EventFieldsProps) {
  const { isReadOnly } = useBuilder();
  const names = useRecentEventNames();
  const listId = `${draft.id}-event-names`;
  return (
    <div className="min-w-48 flex-1">
      <Input
        size="sm"
        disabled={isReadOnly}
        aria-invalid={isProblemAt(draft, isInvalid, 'event')}
        aria-describedby={describedBy}
        aria-label={`${name} event name`}
        placeholder="Event name, e.g. Order Completed"
        autoComplete="off"
        maxLength={200}
        list={listId}
        value={draft.event}
        onChange={(event) => onChange({ ...draft, event: event.target.value })}
      />
      <datalist id={listId}>
        {(names.data ?? []).map((eventName) => (
          <option key={eventName} value={eventName} />
        ))}
      </datalist>
    </div>
  );
}

const PHRASE = 'flex items-center gap-2';

/** Whether the rule's problem is about this input, so only the input to fix shows red. */
function isProblemAt(draft: ConditionDraft, isInvalid: boolean, input: EventProblemInput) {
  if (!isInvalid) return undefined;
  const at = findEventProblem(draft)?.input;
  const isSame =
    typeof at === 'object' && typeof input === 'object'
      ? at.filter === input.filter && at.input === input.input
      : at === input;
  return isSame || undefined;
}

/** Greater/less than compare numbers or dates; "is" also matches text and true/false. */
const PROPERTY_PLACEHOLDERS: Record<PropertyOp, string> = {
  eq: 'Value',
  neq: 'Value',
  contains: 'Text',
  gt: 'e.g. 50',
  gte: 'e.g. 50',
  lt: 'e.g. 50',
  lte: 'e.g. 50',
};

/** How often ("at least 2 times in the last 30 days") or how long ago it last happened. */
function EventWhen({ draft, name, isInvalid, describedBy, onChange }: EventFieldsProps) {
  const { isReadOnly } = useBuilder();
  const common = { disabled: isReadOnly, 'aria-describedby': describedBy };
  const number = (label: string, key: 'value' | 'withinDays', placeholder: string) => (
    <div className="w-16">
      <Input
        {...common}
        aria-invalid={isProblemAt(draft, isInvalid, key)}
        size="sm"
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        aria-label={label}
        placeholder={placeholder}
        value={draft[key]}
        onChange={(event) => onChange({ ...draft, [key]: event.target.value })}
      />
    </div>
  );

  return (
    <>
      <Select
        size="sm"
        className="w-60"
        aria-label={`${name} operator`}
        disabled={isReadOnly}
        value={draft.op}
        onValueChange={(op) => onChange(changeEventOp(draft, op))}
        options={EVENT_OPS.map((op) => ({ value: op, label: EVENT_OP_LABELS[op] }))}
      />
      {/* Each phrase wraps as a whole: "2 times", "in the last 30 days". */}
      {isCountOp(draft.op) ? (
        <>
          <span className={PHRASE}>
            {number(`${name} times`, 'value', '1')}
            {draft.value.trim() === '1' ? 'time' : 'times'}
          </span>
          <span className={PHRASE}>
            <Select<EventPeriod>
              size="sm"
              className="w-32"
              aria-label={`${name} period`}
              disabled={isReadOnly}
              value={draft.period}
              onValueChange={(period) => onChange({ ...draft, period })}
              options={[
                { value: 'ever', label: 'ever' },
                { value: 'within', label: 'in the last' },
              ]}
            />
            {draft.period === 'within' && (
              <>
                {number(`${name} days`, 'withinDays', '30')}
                days
              </>
            )}
          </span>
        </>
      ) : isEventDaysOp(draft.op) ? (
        <span className={PHRASE}>
          {number(`${name} days`, 'value', '30')}
          {draft.op === 'last_after_days' ? 'days' : 'days ago'}
        </span>
      ) : (
        <div className="w-40">
          <Input
            {...common}
            aria-invalid={isProblemAt(draft, isInvalid, 'value')}
            size="sm"
            type="date"
            aria-label={`${name} date`}
            value={draft.value}
            onChange={(event) => onChange({ ...draft, value: event.target.value })}
          />
        </div>
      )}
    </>
  );
}

/**
 * "where total is greater than 50": filters on the properties of the events counted, one line
 * each under the rule, all of which must hold.
 */
function PropertyFilters({ draft, name, isInvalid, describedBy, onChange }: EventFieldsProps) {
  const { isReadOnly } = useBuilder();
  const setFilters = (where: PropertyFilterDraft[]) => onChange({ ...draft, where });
  const setFilter = (id: string, next: Partial<PropertyFilterDraft>) =>
    setFilters(draft.where.map((f) => (f.id === id ? { ...f, ...next } : f)));
  const lowerName = name.toLowerCase();

  if (isReadOnly && draft.where.length === 0) return null;
  return (
    <div className="space-y-2">
      {draft.where.map((filter, index) => {
        const label = `${name} filter ${index + 1}`;
        return (
          <div
            key={filter.id}
            role="group"
            aria-label={label}
            className="flex flex-wrap items-center gap-2 text-sm text-slate-600"
          >
            <span className="w-11 text-right">{index === 0 ? 'where' : 'and'}</span>
            <div className="w-32">
              <Input
                size="sm"
                disabled={isReadOnly}
                aria-invalid={isProblemAt(draft, isInvalid, {
                  filter: filter.id,
                  input: 'property',
                })}
                aria-describedby={describedBy}
                aria-label={`${label} property`}
                placeholder="Property, e.g. total"
                autoComplete="off"
                value={filter.property}
                onChange={(event) => setFilter(filter.id, { property: event.target.value })}
              />
            </div>
            <Select
              size="sm"
              className="w-40"
              aria-label={`${label} operator`}
              disabled={isReadOnly}
              value={filter.op}
              onValueChange={(op) => setFilter(filter.id, { op })}
              options={PROPERTY_OPS.map((op) => ({ value: op, label: PROPERTY_OP_LABELS[op] }))}
            />
            <div className="min-w-24 flex-1">
              <Input
                size="sm"
                disabled={isReadOnly}
                aria-invalid={isProblemAt(draft, isInvalid, { filter: filter.id, input: 'value' })}
                aria-describedby={describedBy}
                aria-label={`${label} value`}
                placeholder={PROPERTY_PLACEHOLDERS[filter.op]}
                value={filter.value}
                onChange={(event) => setFilter(filter.id, { value: event.target.value })}
              />
            </div>
            {!isReadOnly && (
              <Button
                variant="ghost"
                size="icon"
                className="text-slate-400 hover:text-slate-700"
                aria-label={`Remove filter ${index + 1} from ${lowerName}`}
                onClick={() => setFilters(draft.where.filter((f) => f.id !== filter.id))}
              >
                <X className="size-4" aria-hidden />
              </Button>
            )}
          </div>
        );
      })}
      {!isReadOnly && draft.where.length < MAX_PROPERTY_FILTERS && (
        <Button
          variant="ghost"
          size="sm"
          className="text-slate-600"
          aria-label={`Add property filter to ${lowerName}`}
          onClick={() => setFilters([...draft.where, newPropertyFilter()])}
        >
          <Plus className="size-4" aria-hidden />
          {draft.where.length === 0 ? 'Add property filter' : 'Add another filter'}
        </Button>
      )}
    </div>
  );
}
