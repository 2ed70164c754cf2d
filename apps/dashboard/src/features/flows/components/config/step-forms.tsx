import { ExternalLink, Plus, X } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../../../components/ui/button';
import { TextField } from '../../../../components/ui/field';
import { Input } from '../../../../components/ui/input';
import { SegmentedControl } from '../../../../components/ui/segmented-control';
import { useSenders } from '../../../senders/api';
import { useAllTemplates } from '../../../templates/api';
import { nextId, type WaitConfig, type WaitMode } from '../../definition';
import { DurationField, EntityPicker, PropertyFilterEditor } from './fields';
import type { StepFormProps } from './form-props';
import { DateOffsetFields, TimezoneField } from './trigger-form';

const LINK = 'font-medium text-indigo-700 underline-offset-2 hover:underline';
const DEFAULT_SENDER = '__default';

export function SendEmailForm({
  config,
  onChange,
  errorAt,
  disabled,
}: StepFormProps<'send_email'>) {
  const templates = useAllTemplates();
  const senders = useSenders();
  const template = templates.data?.find((t) => t.id === config.templateId);
  return (
    <div className="space-y-4">
      <EntityPicker
        label="Template"
        value={config.templateId}
        disabled={disabled}
        isLoading={templates.isPending}
        placeholder="Choose a template"
        error={errorAt('templateId')}
        options={(templates.data ?? []).map((t) => ({
          value: t.id,
          label: t.name,
          description: t.subject,
        }))}
        emptyNote={
          <>
            No templates yet.{' '}
            <Link to="/templates/new" className={LINK}>
              Write a template
            </Link>{' '}
            and come back.
          </>
        }
        onChange={(templateId) => onChange({ ...config, templateId })}
      />
      {template && (
        <p className="-mt-2 text-xs text-slate-500">
          Subject: “{template.subject}” ·{' '}
          <Link to={`/templates/${template.id}`} target="_blank" className={LINK}>
            Open template
            <ExternalLink className="ml-0.5 inline size-3" aria-hidden />
          </Link>
        </p>
      )}
      <EntityPicker
        label="Sender"
        value={config.senderId ?? DEFAULT_SENDER}
        disabled={disabled}
        isLoading={senders.isPending}
        placeholder="Default sender"
        error={errorAt('senderId')}
        options={[
          {
            value: DEFAULT_SENDER,
            label: 'Default sender',
            description: 'The organization’s first active sender',
          },
          ...(senders.data ?? []).map((s) => ({
            value: s.id,
            label: s.name,
            description: `${s.fromName} <${s.fromEmail}>${s.status === 'active' ? '' : ` · ${s.status}`}`,
          })),
        ]}
        emptyNote="No senders."
        onChange={(id) => onChange({ ...config, senderId: id === DEFAULT_SENDER ? null : id })}
      />
      <TextField
        label="Subject override (optional)"
        value={config.subject ?? ''}
        disabled={disabled}
        placeholder={template?.subject ?? 'The template’s subject'}
        hint="Liquid works here, e.g. {{ contact.firstName }}."
        error={errorAt('subject')}
        onChange={(event) => onChange({ ...config, subject: event.target.value || null })}
      />
    </div>
  );
}

const WAIT_MODES = [
  { value: 'duration', label: 'For a time' },
  { value: 'time_of_day', label: 'Until a time' },
  { value: 'date_attribute', label: 'Until a date' },
] as const;

function switchWait(mode: WaitMode): WaitConfig {
  if (mode === 'duration') return { mode, duration: { amount: 1, unit: 'days' } };
  if (mode === 'time_of_day') return { mode, at: '09:00', timezone: 'UTC' };
  return { mode, attribute: '', offsetDays: 0, direction: 'before', at: '09:00', timezone: 'UTC' };
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function WaitForm({ config, onChange, errorAt, disabled }: StepFormProps<'wait'>) {
  return (
    <div className="space-y-4">
      <SegmentedControl
        label="Wait mode"
        value={config.mode}
        disabled={disabled}
        onValueChange={(mode) => onChange(switchWait(mode))}
        options={WAIT_MODES}
      />
      {config.mode === 'duration' && (
        <DurationField
          label="Wait for"
          value={config.duration}
          disabled={disabled}
          error={errorAt('duration.amount') ?? errorAt('duration')}
          onChange={(duration) => onChange({ ...config, duration })}
        />
      )}
      {config.mode === 'time_of_day' && (
        <>
          <TextField
            label="Until"
            type="time"
            value={config.at}
            disabled={disabled}
            hint="In the contact’s own timezone when it is known."
            error={errorAt('at')}
            onChange={(event) => onChange({ ...config, at: event.target.value })}
          />
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">On</legend>
            <div className="mt-1.5 flex flex-wrap gap-1.5">
              {WEEKDAYS.map((day, index) => {
                const iso = index + 1;
                const days = config.days ?? [];
                const isOn = days.length === 0 || days.includes(iso);
                return (
                  <button
                    key={day}
                    type="button"
                    aria-pressed={isOn}
                    disabled={disabled}
                    onClick={() => {
                      const all = days.length === 0 ? [1, 2, 3, 4, 5, 6, 7] : days;
                      const next = isOn ? all.filter((d) => d !== iso) : [...all, iso].sort();
                      if (next.length === 0) return;
                      const { days: _drop, ...rest } = config;
                      onChange(next.length === 7 ? rest : { ...rest, days: next });
                    }}
                    className={
                      isOn
                        ? 'h-7 rounded-full bg-indigo-50 px-2.5 text-xs font-medium text-indigo-700 ring-1 ring-indigo-300 ring-inset'
                        : 'h-7 rounded-full bg-white px-2.5 text-xs text-slate-600 ring-1 ring-slate-300 ring-inset'
                    }
                  >
                    {day}
                  </button>
                );
              })}
            </div>
          </fieldset>
          <TimezoneField
            label="Timezone for contacts without one"
            value={config.timezone ?? 'UTC'}
            disabled={disabled}
            error={errorAt('timezone')}
            onChange={(timezone) => onChange({ ...config, timezone })}
          />
        </>
      )}
      {config.mode === 'date_attribute' && (
        <DateOffsetFields
          config={config}
          onChange={onChange}
          errorAt={errorAt}
          disabled={disabled}
        />
      )}
    </div>
  );
}

export function WaitForEventForm({
  config,
  onChange,
  errorAt,
  disabled,
}: StepFormProps<'wait_for_event'>) {
  return (
    <div className="space-y-4">
      <TextField
        label="Event name"
        value={config.name}
        disabled={disabled}
        placeholder="Order Completed"
        error={errorAt('name')}
        onChange={(event) => onChange({ ...config, name: event.target.value })}
      />
      <div>
        <p className="mb-1.5 text-sm font-medium text-slate-800">Only when its properties</p>
        <PropertyFilterEditor
          label="Event filter"
          value={config.propertyFilter}
          disabled={disabled}
          onChange={(propertyFilter) => onChange({ ...config, propertyFilter })}
        />
      </div>
      <DurationField
        label="Give up after"
        value={config.timeout}
        disabled={disabled}
        hint="Then the run takes the “Timed out” way out."
        error={errorAt('timeout.amount') ?? errorAt('timeout')}
        onChange={(timeout) => onChange({ ...config, timeout })}
      />
    </div>
  );
}

export function RandomSplitForm({
  config,
  onChange,
  errorAt,
  disabled,
}: StepFormProps<'random_split'>) {
  const branches = config.branches ?? [];
  const total = branches.reduce((sum, b) => sum + (Number.isFinite(b.percent) ? b.percent : 0), 0);
  const set = (index: number, patch: Partial<(typeof branches)[number]>) =>
    onChange({ branches: branches.map((b, i) => (i === index ? { ...b, ...patch } : b)) });
  const letter = (n: number) => String.fromCharCode(65 + n);
  return (
    <div className="space-y-3">
      <div role="group" aria-label="Branches" className="space-y-1.5">
        {branches.map((branch, index) => (
          <div key={branch.id} className="flex items-center gap-1.5">
            <Input
              size="sm"
              aria-label={`Branch ${index + 1} name`}
              value={branch.label ?? ''}
              placeholder={branch.id}
              disabled={disabled}
              onChange={(event) => set(index, { label: event.target.value })}
            />
            <div className="relative w-24 shrink-0">
              <Input
                size="sm"
                type="number"
                min={0}
                max={100}
                aria-label={`Branch ${index + 1} percentage`}
                value={branch.percent}
                disabled={disabled}
                className="pr-7"
                onChange={(event) =>
                  set(index, {
                    percent: Math.min(100, Math.max(0, Math.round(Number(event.target.value)))),
                  })
                }
              />
              <span className="pointer-events-none absolute top-1/2 right-2.5 -translate-y-1/2 text-xs text-slate-500">
                %
              </span>
            </div>
            <Button
              variant="ghost"
              size="icon"
              aria-label={`Remove branch ${index + 1}`}
              disabled={disabled || branches.length <= 2}
              onClick={() => onChange({ branches: branches.filter((_, i) => i !== index) })}
            >
              <X className="size-4" aria-hidden />
            </Button>
          </div>
        ))}
      </div>
      <p
        className={total === 100 ? 'text-xs text-slate-500' : 'text-xs font-medium text-red-700'}
        role="status"
      >
        Total {total} %{total === 100 ? '' : ' — the shares must add up to 100 %'}
        {errorAt('branches') && total === 100 ? ` · ${errorAt('branches')}` : ''}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          disabled={disabled || branches.length >= 10}
          onClick={() => {
            const id = nextId(
              'branch',
              branches.map((b) => b.id),
            );
            onChange({
              branches: [...branches, { id, label: letter(branches.length), percent: 0 }],
            });
          }}
        >
          <Plus className="size-3.5" aria-hidden />
          Add branch
        </Button>
        <Button
          variant="ghost"
          size="sm"
          disabled={disabled || branches.length === 0}
          onClick={() => {
            const share = Math.floor(100 / branches.length);
            onChange({
              branches: branches.map((b, i) => ({
                ...b,
                percent: share + (i < 100 - share * branches.length ? 1 : 0),
              })),
            });
          }}
        >
          Split evenly
        </Button>
      </div>
    </div>
  );
}
