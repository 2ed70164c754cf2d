import { Link } from 'react-router';
import { CheckboxField } from '../../../../components/ui/checkbox';
import { TextField } from '../../../../components/ui/field';
import { SelectField } from '../../../../components/ui/select';
import { useAllLists } from '../../../lists/api';
import { useAllSegments } from '../../../segments/api';
import type { TriggerConfig, TriggerType } from '../../definition';
import { AttributeField, EntityPicker, PropertyFilterEditor, TIMEZONES } from './fields';
import type { StepFormProps } from './form-props';

const TRIGGER_OPTIONS: { value: TriggerType; label: string; description: string }[] = [
  { value: 'event', label: 'An event happens', description: 'Tracked through the event API' },
  {
    value: 'segment_entered',
    label: 'Contact enters a segment',
    description: 'When they start matching its rules',
  },
  { value: 'list_added', label: 'Contact is added to a list', description: '' },
  { value: 'contact_created', label: 'Contact is created', description: 'Any source' },
  {
    value: 'date_attribute',
    label: 'A date on the contact',
    description: 'Birthdays, renewals, trial ends',
  },
  { value: 'manual', label: 'Manually / API only', description: 'Enrol through the API' },
];

function switchTrigger(type: TriggerType): TriggerConfig {
  switch (type) {
    case 'event':
      return { type, name: '', propertyFilter: [] };
    case 'segment_entered':
      return { type, segmentId: '' };
    case 'list_added':
      return { type, listId: '' };
    case 'date_attribute':
      return {
        type,
        attribute: '',
        offsetDays: 0,
        direction: 'before',
        at: '09:00',
        timezone: 'UTC',
        yearly: false,
      };
    default:
      return { type } as TriggerConfig;
  }
}

export function TriggerForm({ config, onChange, errorAt, disabled }: StepFormProps<'trigger'>) {
  const segments = useAllSegments();
  const lists = useAllLists();
  return (
    <div className="space-y-4">
      <SelectField
        label="Starts when"
        value={config.type}
        disabled={disabled}
        onValueChange={(type) => onChange(switchTrigger(type))}
        options={TRIGGER_OPTIONS}
      />
      {config.type === 'event' && (
        <>
          <TextField
            label="Event name"
            value={config.name}
            disabled={disabled}
            placeholder="signed_up"
            hint="As your app sends it to the event API (track), e.g. Order Completed."
            error={errorAt('name')}
            onChange={(event) => onChange({ ...config, name: event.target.value })}
          />
          <div>
            <p className="mb-1.5 text-sm font-medium text-slate-800">Only when its properties</p>
            <PropertyFilterEditor
              label="Trigger filter"
              value={config.propertyFilter}
              disabled={disabled}
              onChange={(propertyFilter) => onChange({ ...config, propertyFilter })}
            />
          </div>
        </>
      )}
      {config.type === 'segment_entered' && (
        <EntityPicker
          label="Segment"
          value={config.segmentId}
          disabled={disabled}
          isLoading={segments.isPending}
          placeholder="Choose a segment"
          error={errorAt('segmentId')}
          options={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          emptyNote={
            <>
              No segments yet.{' '}
              <Link to="/segments/new" className="font-medium text-indigo-700 hover:underline">
                Create a segment
              </Link>{' '}
              first.
            </>
          }
          onChange={(segmentId) => onChange({ ...config, segmentId })}
        />
      )}
      {config.type === 'list_added' && (
        <EntityPicker
          label="List"
          value={config.listId}
          disabled={disabled}
          isLoading={lists.isPending}
          placeholder="Choose a list"
          error={errorAt('listId')}
          options={(lists.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
          emptyNote={
            <>
              No lists yet.{' '}
              <Link to="/contacts/lists" className="font-medium text-indigo-700 hover:underline">
                Create a list
              </Link>{' '}
              first.
            </>
          }
          onChange={(listId) => onChange({ ...config, listId })}
        />
      )}
      {config.type === 'date_attribute' && (
        <DateOffsetFields
          config={config}
          onChange={onChange}
          errorAt={errorAt}
          disabled={disabled}
        />
      )}
      {config.type === 'date_attribute' && (
        <CheckboxField
          label="Every year"
          description="On the date’s month and day each year (birthdays, anniversaries)."
          checked={config.yearly ?? false}
          disabled={disabled}
          onChange={(event) => onChange({ ...config, yearly: event.target.checked })}
        />
      )}
      {config.type === 'manual' && (
        <p className="text-sm text-slate-600">
          Nobody enters on their own. Enrol contacts with{' '}
          <code className="rounded bg-slate-100 px-1 text-xs">POST /api/v1/flows/:id/enroll</code>{' '}
          (n8n, your app) once the flow is active.
        </p>
      )}
    </div>
  );
}

interface DateOffset {
  attribute: string;
  offsetDays?: number;
  direction?: 'before' | 'after';
  at?: string;
  timezone?: string;
}

/** A date attribute ± days at a time of day: shared by the trigger and the wait step. */
export function DateOffsetFields<C extends DateOffset>({
  config,
  onChange,
  errorAt,
  disabled,
}: {
  config: C;
  onChange: (config: C) => void;
  errorAt: (path: string) => string | undefined;
  disabled: boolean;
}) {
  return (
    <>
      <AttributeField
        label="Date attribute"
        onlyDates
        value={config.attribute}
        disabled={disabled}
        hint="A contact attribute holding a date (YYYY-MM-DD)."
        error={errorAt('attribute')}
        onChange={(attribute) => onChange({ ...config, attribute })}
      />
      <div className="grid grid-cols-2 gap-2">
        <TextField
          label="Days"
          type="number"
          min={0}
          max={366}
          value={config.offsetDays ?? 0}
          disabled={disabled}
          error={errorAt('offsetDays')}
          onChange={(event) =>
            onChange({ ...config, offsetDays: Math.max(0, Math.floor(Number(event.target.value))) })
          }
        />
        <SelectField
          label="Before or after"
          value={config.direction ?? 'before'}
          disabled={disabled}
          onValueChange={(direction) => onChange({ ...config, direction })}
          options={[
            { value: 'before', label: 'Before the date' },
            { value: 'after', label: 'After the date' },
          ]}
        />
      </div>
      <div className="grid grid-cols-2 gap-2">
        <TextField
          label="At"
          type="time"
          value={config.at ?? '09:00'}
          disabled={disabled}
          error={errorAt('at')}
          onChange={(event) => onChange({ ...config, at: event.target.value })}
        />
        <TimezoneField
          value={config.timezone ?? 'UTC'}
          disabled={disabled}
          error={errorAt('timezone')}
          onChange={(timezone) => onChange({ ...config, timezone })}
        />
      </div>
    </>
  );
}

export function TimezoneField({
  value,
  onChange,
  error,
  disabled,
  label = 'Timezone',
  hint,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  disabled: boolean;
  label?: string;
  hint?: string;
}) {
  return (
    <>
      <TextField
        label={label}
        list="flow-timezones"
        value={value}
        disabled={disabled}
        error={error}
        hint={hint}
        onChange={(event) => onChange(event.target.value.trim())}
      />
      <datalist id="flow-timezones">
        {TIMEZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </>
  );
}
