import { TextField } from '../../../../components/ui/field';
import { SelectField } from '../../../../components/ui/select';
import { WEBHOOK_METHODS } from '../../definition';
import { KeyValueEditor } from './fields';
import type { StepFormProps } from './form-props';

export function WebhookForm({ config, onChange, errorAt, disabled }: StepFormProps<'webhook'>) {
  const method = config.method ?? 'POST';
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-[7rem_1fr] gap-2">
        <SelectField
          label="Method"
          value={method}
          disabled={disabled}
          onValueChange={(next) => onChange({ ...config, method: next })}
          options={WEBHOOK_METHODS.map((m) => ({ value: m, label: m }))}
        />
        <TextField
          label="URL"
          type="url"
          value={config.url}
          disabled={disabled}
          placeholder="https://n8n.example.com/webhook/…"
          error={errorAt('url')}
          onChange={(event) => onChange({ ...config, url: event.target.value })}
        />
      </div>
      <div>
        <p className="mb-1.5 text-sm font-medium text-slate-800">Headers</p>
        <KeyValueEditor
          label="Header"
          keyLabel="name"
          valueLabel="value"
          keyPlaceholder="Authorization"
          valuePlaceholder="Bearer …"
          addLabel="Add header"
          value={config.headers}
          disabled={disabled}
          onChange={(headers) => onChange({ ...config, headers })}
        />
        {errorAt('headers') && <p className="mt-1 text-sm text-red-700">{errorAt('headers')}</p>}
      </div>
      {method !== 'GET' && method !== 'DELETE' && (
        <div>
          <label htmlFor="webhook-body" className="text-sm font-medium text-slate-800">
            Body
          </label>
          <textarea
            id="webhook-body"
            rows={6}
            value={config.body ?? ''}
            disabled={disabled}
            spellCheck={false}
            placeholder={
              '{ "email": {{ contact.email | json }}, "plan": {{ trigger.properties.plan | json }} }'
            }
            aria-invalid={errorAt('body') ? true : undefined}
            aria-describedby="webhook-body-hint"
            onChange={(event) => onChange({ ...config, body: event.target.value || null })}
            className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 focus:outline-hidden aria-invalid:border-red-500"
          />
          <p
            id="webhook-body-hint"
            className={
              errorAt('body') ? 'mt-1.5 text-sm text-red-700' : 'mt-1.5 text-xs text-slate-500'
            }
          >
            {errorAt('body') ??
              'Liquid with contact, trigger, flow and run in scope; use | json for JSON values.'}
          </p>
        </div>
      )}
      <div>
        <p className="text-sm font-medium text-slate-800">Keep from the response</p>
        <p className="mb-1.5 text-xs text-slate-500">
          Contact attribute ← dotted path in the JSON answer (data.plan, items.0.id).
        </p>
        <KeyValueEditor
          label="Mapping"
          keyLabel="attribute"
          valueLabel="response path"
          keyPlaceholder="plan"
          valuePlaceholder="data.plan"
          addLabel="Add mapping"
          value={config.responseMapping}
          disabled={disabled}
          onChange={(responseMapping) => onChange({ ...config, responseMapping })}
        />
      </div>
      <SelectField
        label="If it keeps failing"
        value={config.onFailure ?? 'continue'}
        disabled={disabled}
        onValueChange={(onFailure) => onChange({ ...config, onFailure })}
        options={[
          { value: 'continue', label: 'Carry on to the next step' },
          { value: 'fail', label: 'Stop the run as failed' },
        ]}
      />
    </div>
  );
}
