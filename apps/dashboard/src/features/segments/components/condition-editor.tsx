import clsx from 'clsx';
import { X } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { Input } from '../../../components/ui/input';
import { Select, type SelectOption } from '../../../components/ui/select';
import type { ContactStatus } from '../../contacts/api';
import { CONTACT_STATUSES, STATUS_INFO } from '../../contacts/contact-status';
import { FIELD_TYPE_LABELS } from '../../fields/api';
import {
  CONTACT_FIELDS,
  DAYS_OPS,
  NO_VALUE_OPS,
  OPS_BY_TYPE,
  changeOp,
  conditionType,
  opLabel,
  resetForType,
  type ConditionDraft,
  type ConditionType,
} from '../rules';
import { findEngagementProblem } from '../engagement-rules';
import { findEventProblem } from '../event-rules';
import { useBuilder } from './builder-context';
import { EngagementDetails, EngagementVerb } from './engagement-condition-fields';
import { EventDetails, EventName } from './event-condition-fields';
import { NotToggle } from './not-toggle';

const OTHER_ATTRIBUTE = 'attr:*';

/** The subject select's value for a draft: `field:email`, `attr:plan`, `attr:*`, `tag`… */
function subjectValue(draft: ConditionDraft, customKeys: ReadonlySet<string>): string {
  if (draft.subject === 'field') return `field:${draft.field}`;
  if (draft.subject === 'attribute')
    return customKeys.has(draft.attribute) ? `attr:${draft.attribute}` : OTHER_ATTRIBUTE;
  return draft.subject;
}

export function ConditionEditor({ draft }: { draft: ConditionDraft }) {
  const { fields, fieldTypes, labels, errors, problems, showProblems, isReadOnly, update } =
    useBuilder();
  const type = conditionType(draft, fieldTypes);
  const customKeys = new Set(fields.map((f) => f.key));
  const name = labels.get(draft.id) ?? 'Rule';
  const error = errors.get(draft.id);
  // Unfinished rules are pointed out on save; a wrong number typed into an event or engagement
  // rule at once.
  const isMistake =
    (type === 'event' && findEventProblem(draft)?.isMistake === true) ||
    (type === 'engagement' && findEngagementProblem(draft)?.isMistake === true);
  const problem = showProblems || isMistake ? problems.get(draft.id) : undefined;
  const set = (next: ConditionDraft) => update(draft.id, () => next);

  const subjectOptions: SelectOption<string>[] = [
    ...CONTACT_FIELDS.map((f) => ({ value: `field:${f.field}`, label: f.label })),
    ...fields.map((f) => ({
      value: `attr:${f.key}`,
      label: f.label,
      description: `Custom field · ${FIELD_TYPE_LABELS[f.type]}`,
    })),
    { value: OTHER_ATTRIBUTE, label: 'Other attribute…', description: 'Any attribute, by name' },
    { value: 'tag', label: 'Tag' },
    { value: 'list', label: 'List' },
    { value: 'segment', label: 'Another segment' },
    {
      value: 'event',
      label: 'Event',
      description: 'Something the contact did, from the event API',
    },
    {
      value: 'engagement',
      label: 'Engagement',
      description: 'Received, opened or clicked a campaign',
    },
    // Only the rule that holds one can show it: there is nothing to build from scratch.
    ...(draft.subject === 'advanced'
      ? [{ value: 'advanced', label: 'Advanced', description: 'A condition made through the API' }]
      : []),
  ];

  const changeSubject = (value: string) => {
    let next: ConditionDraft;
    if (value.startsWith('field:')) next = { ...draft, subject: 'field', field: value.slice(6) };
    else if (value === OTHER_ATTRIBUTE)
      next = {
        ...draft,
        subject: 'attribute',
        attribute: customKeys.has(draft.attribute) ? '' : draft.attribute,
      };
    else if (value.startsWith('attr:'))
      next = { ...draft, subject: 'attribute', attribute: value.slice(5) };
    else next = { ...draft, subject: value as 'tag' | 'list' | 'segment' | 'event' | 'engagement' };
    set(resetForType(next, conditionType(next, fieldTypes)));
  };

  const message = error ?? problem;
  const messageId = message ? `${draft.id}-message` : undefined;
  const valueProps = {
    draft,
    name,
    isInvalid: Boolean(message),
    describedBy: messageId,
    onChange: set,
  };

  return (
    <div
      role="group"
      aria-label={name}
      aria-invalid={error ? true : undefined}
      className={clsx(
        'rounded-lg bg-white p-2.5 ring-1 transition-shadow',
        error ? 'ring-2 ring-red-400' : problem ? 'ring-amber-300' : 'ring-slate-200',
      )}
    >
      <div className="flex items-start gap-2">
        <NotToggle
          isOn={draft.negate}
          label={`Not: exclude contacts matching ${name.toLowerCase()}`}
          disabled={isReadOnly}
          onChange={(negate) => set({ ...draft, negate })}
        />
        {/* The subject select keeps its place whatever the kind, so focus stays on it. */}
        <div className="flex min-w-0 flex-1 flex-col gap-2">
          <div className="flex flex-wrap items-center gap-2">
            <Select
              size="sm"
              className="w-44"
              aria-label={`${name} subject`}
              disabled={isReadOnly}
              value={subjectValue(draft, customKeys)}
              onValueChange={changeSubject}
              options={subjectOptions}
            />
            {draft.subject === 'attribute' && !customKeys.has(draft.attribute) && (
              <div className="w-32">
                <Input
                  size="sm"
                  aria-label={`${name} attribute name`}
                  placeholder="Attribute, e.g. plan"
                  disabled={isReadOnly}
                  value={draft.attribute}
                  onChange={(event) => set({ ...draft, attribute: event.target.value })}
                />
              </div>
            )}
            {type === 'event' ? (
              <EventName {...valueProps} />
            ) : type === 'engagement' ? (
              <EngagementVerb {...valueProps} />
            ) : type === 'advanced' ? null : (
              <>
                <Select
                  size="sm"
                  className="w-40"
                  aria-label={`${name} operator`}
                  disabled={isReadOnly}
                  value={draft.op}
                  onValueChange={(op) => set(changeOp(draft, type, op))}
                  options={OPS_BY_TYPE[type].map((op) => ({ value: op, label: opLabel(type, op) }))}
                />
                <ValueEditor type={type} {...valueProps} />
              </>
            )}
          </div>
          {type === 'event' && <EventDetails {...valueProps} />}
          {type === 'engagement' && <EngagementDetails {...valueProps} />}
          {type === 'advanced' && <AdvancedCondition draft={draft} name={name} />}
        </div>
        {!isReadOnly && (
          <Button
            variant="ghost"
            size="icon"
            className="text-slate-400 hover:text-slate-700"
            aria-label={`Remove ${name.toLowerCase()}`}
            onClick={() => update(draft.id, () => null)}
          >
            <X className="size-4" aria-hidden />
          </Button>
        )}
      </div>
      {message && (
        <p
          id={messageId}
          className={clsx('mt-2 px-1 text-sm', error ? 'text-red-700' : 'text-amber-800')}
        >
          {message}
        </p>
      )}
    </div>
  );
}

function ValueEditor({
  draft,
  type,
  name,
  isInvalid,
  describedBy,
  onChange,
}: {
  draft: ConditionDraft;
  type: ConditionType;
  name: string;
  isInvalid: boolean;
  describedBy: string | undefined;
  onChange: (next: ConditionDraft) => void;
}) {
  const { lists, segments, isReadOnly } = useBuilder();
  const common = {
    disabled: isReadOnly,
    'aria-invalid': isInvalid || undefined,
    'aria-describedby': describedBy,
  };
  const text = (
    label: string,
    key: 'value' | 'value2',
    props: { type?: string; placeholder?: string; className?: string } = {},
  ) => (
    <div className={props.className ?? 'min-w-40 flex-1'}>
      <Input
        {...common}
        size="sm"
        aria-label={label}
        type={props.type ?? 'text'}
        step={props.type === 'number' ? 'any' : undefined}
        placeholder={props.placeholder}
        value={draft[key]}
        onChange={(event) => onChange({ ...draft, [key]: event.target.value })}
      />
    </div>
  );

  if (type === 'tag') return text(`${name} tag`, 'value', { placeholder: 'Tag, e.g. vip' });
  if (type === 'list' || type === 'segment') {
    const items = type === 'list' ? lists : segments;
    if (items.length === 0) {
      return (
        <span className="text-sm text-slate-500">
          {type === 'list' ? 'No lists yet.' : 'No other segments yet.'}
        </span>
      );
    }
    return (
      <Select
        {...common}
        size="sm"
        className="min-w-48 flex-1"
        aria-label={`${name} ${type}`}
        placeholder={type === 'list' ? 'Choose a list' : 'Choose a segment'}
        value={draft.value}
        onValueChange={(value) => onChange({ ...draft, value })}
        options={items.map((item) => ({ value: item.id, label: item.name }))}
      />
    );
  }
  if (type === 'status') {
    if (draft.op !== 'in') {
      return (
        <Select
          {...common}
          size="sm"
          className="w-44"
          aria-label={`${name} status`}
          value={draft.value}
          onValueChange={(value) => onChange({ ...draft, value })}
          options={CONTACT_STATUSES.map((s) => ({ value: s, label: STATUS_INFO[s].label }))}
        />
      );
    }
    return (
      <div
        role="group"
        aria-label={`${name} statuses`}
        className="flex min-w-40 flex-1 flex-wrap gap-1"
      >
        {CONTACT_STATUSES.map((status) => {
          const isOn = draft.statuses.includes(status);
          return (
            <button
              key={status}
              type="button"
              aria-pressed={isOn}
              disabled={isReadOnly}
              onClick={() =>
                onChange({
                  ...draft,
                  statuses: isOn
                    ? draft.statuses.filter((s) => s !== status)
                    : ([...draft.statuses, status] as ContactStatus[]),
                })
              }
              className={clsx(
                'h-8 rounded-md px-2.5 text-sm ring-1 ring-inset',
                isOn
                  ? 'bg-indigo-50 font-medium text-indigo-700 ring-indigo-300'
                  : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
              )}
            >
              {STATUS_INFO[status].label}
            </button>
          );
        })}
      </div>
    );
  }
  if (NO_VALUE_OPS.has(draft.op)) return null;
  if (DAYS_OPS.has(draft.op)) {
    return (
      <span className="flex items-center gap-2 text-sm text-slate-600">
        {text(`${name} days`, 'value', { type: 'number', placeholder: '30', className: 'w-20' })}
        {draft.op === 'within_last' ? 'days' : 'days ago'}
      </span>
    );
  }
  const inputType = type === 'number' ? 'number' : type === 'date' ? 'date' : 'text';
  if (draft.op === 'between') {
    return (
      <span className="flex min-w-64 flex-1 items-center gap-2 text-sm text-slate-600">
        {text(`${name} from`, 'value', { type: inputType, className: 'min-w-0 flex-1' })}
        and
        {text(`${name} to`, 'value2', { type: inputType, className: 'min-w-0 flex-1' })}
      </span>
    );
  }
  if (draft.op === 'in') {
    return text(`${name} values`, 'value', {
      placeholder: type === 'number' ? 'e.g. 1, 2, 5' : 'Values, separated by commas',
    });
  }
  if (type === 'boolean') {
    return (
      <Select
        {...common}
        size="sm"
        className="w-28"
        aria-label={`${name} value`}
        value={draft.value || 'true'}
        onValueChange={(value) => onChange({ ...draft, value })}
        options={[
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
      />
    );
  }
  return text(`${name} value`, 'value', {
    type: inputType,
    placeholder: type === 'string' ? 'Value' : type === 'number' ? 'Number' : undefined,
  });
}

/**
 * A saved condition the builder can't edit, shown as the JSON it is and saved back unchanged.
 * It can still be negated, removed, or replaced by picking another subject.
 */
function AdvancedCondition({ draft, name }: { draft: ConditionDraft; name: string }) {
  return (
    <div className="space-y-1.5">
      <pre
        aria-label={`${name} condition`}
        className="overflow-x-auto rounded-md bg-slate-50 px-3 py-2 font-mono text-xs text-slate-700 ring-1 ring-slate-200 ring-inset"
      >
        {JSON.stringify(draft.advanced, null, 2)}
      </pre>
      <p className="text-sm text-slate-500">
        This builder can’t edit this condition; it is kept and saved exactly as it is.
      </p>
    </div>
  );
}
