import { Plus, Settings2, Trash2 } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/field';
import { SelectField } from '../../../components/ui/select';
import type { FlowProblem } from '../api';
import type { ExitCondition, ReEntry, Step } from '../definition';
import { fieldMessage, problemText } from '../problem-text';
import { PropertyFilterEditor } from './config/fields';
import { TriggerForm } from './config/trigger-form';
import { PanelFrame } from './step-panel';

const RE_ENTRY_OPTIONS: { value: ReEntry; label: string; description: string }[] = [
  {
    value: 'once',
    label: 'Only once',
    description: 'A contact goes through this flow one time, ever',
  },
  {
    value: 'once_at_a_time',
    label: 'Again after finishing',
    description: 'Re-enters only when their previous run has ended',
  },
  {
    value: 'every_time',
    label: 'Every time',
    description: 'Each trigger starts a new run, even alongside one in progress',
  },
];

interface FlowSettingsPanelProps {
  name: string;
  reEntry: ReEntry;
  exitConditions: ExitCondition[];
  trigger: Step | undefined;
  problems: readonly FlowProblem[];
  isReadOnly: boolean;
  onName: (name: string) => void;
  onReEntry: (reEntry: ReEntry) => void;
  onExitConditions: (conditions: ExitCondition[]) => void;
  onTrigger: (step: Step) => void;
}

/** What applies to the whole flow: its name, trigger, re-entry policy and exit conditions. */
export function FlowSettingsPanel({
  name,
  reEntry,
  exitConditions,
  trigger,
  problems,
  isReadOnly,
  onName,
  onReEntry,
  onExitConditions,
  onTrigger,
}: FlowSettingsPanelProps) {
  const flowProblems = problems.filter(
    (p) => p.path.startsWith('reEntry') || p.path.startsWith('exitConditions'),
  );
  const triggerPrefix = trigger ? `nodes.${trigger.id}.config.` : '\u0000';
  const setCondition = (index: number, next: ExitCondition) =>
    onExitConditions(exitConditions.map((c, i) => (i === index ? next : c)));

  return (
    <PanelFrame
      title="Flow settings"
      subtitle="Select a step on the canvas to edit it"
      icon={
        <span className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-600">
          <Settings2 className="size-4" aria-hidden />
        </span>
      }
    >
      <TextField
        label="Flow name"
        value={name}
        disabled={isReadOnly}
        maxLength={200}
        error={name.trim() ? undefined : 'Give the flow a name'}
        onChange={(event) => onName(event.target.value)}
      />
      {trigger && trigger.type === 'trigger' && (
        <section aria-label="Trigger" className="space-y-2">
          <h3 className="text-sm font-semibold text-slate-900">Trigger</h3>
          <TriggerForm
            config={trigger.config}
            disabled={isReadOnly}
            steps={[]}
            errorAt={(path) => {
              const problem = problems.find((p) => p.path === `${triggerPrefix}${path}`);
              return problem ? fieldMessage(problem.message) : undefined;
            }}
            onChange={(config) => onTrigger({ ...trigger, config })}
          />
        </section>
      )}
      <SelectField
        label="Can a contact go through it again?"
        value={reEntry}
        disabled={isReadOnly}
        onValueChange={onReEntry}
        options={RE_ENTRY_OPTIONS}
        hint={RE_ENTRY_OPTIONS.find((o) => o.value === reEntry)?.description}
      />
      <section aria-labelledby="exit-conditions" className="space-y-2">
        <div>
          <h3 id="exit-conditions" className="text-sm font-semibold text-slate-900">
            Exit conditions
          </h3>
          <p className="text-xs text-slate-500">
            When the contact does one of these, their run stops wherever it is (e.g. “Order
            Completed” ends a cart reminder).
          </p>
        </div>
        {exitConditions.map((condition, index) => (
          <div
            key={index}
            role="group"
            aria-label={`Exit condition ${index + 1}`}
            className="space-y-2 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200"
          >
            <div className="flex items-end gap-2">
              <TextField
                label={`Exit event ${index + 1}`}
                containerClassName="flex-1"
                value={condition.name}
                placeholder="Order Completed"
                disabled={isReadOnly}
                onChange={(event) =>
                  setCondition(index, { ...condition, name: event.target.value })
                }
              />
              <Button
                variant="ghost"
                size="icon"
                aria-label={`Remove exit condition ${index + 1}`}
                disabled={isReadOnly}
                onClick={() => onExitConditions(exitConditions.filter((_, i) => i !== index))}
              >
                <Trash2 className="size-4" aria-hidden />
              </Button>
            </div>
            <PropertyFilterEditor
              label={`Exit filter ${index + 1}`}
              value={condition.propertyFilter}
              disabled={isReadOnly}
              onChange={(propertyFilter) => setCondition(index, { ...condition, propertyFilter })}
            />
          </div>
        ))}
        <Button
          variant="secondary"
          size="sm"
          disabled={isReadOnly || exitConditions.length >= 10}
          onClick={() =>
            onExitConditions([...exitConditions, { type: 'event', name: '', propertyFilter: [] }])
          }
        >
          <Plus className="size-3.5" aria-hidden />
          Add exit condition
        </Button>
        {flowProblems.length > 0 && (
          <ul className="space-y-0.5 text-sm text-red-700">
            {flowProblems.map((p, i) => (
              <li key={i}>{problemText(p)}</li>
            ))}
          </ul>
        )}
      </section>
    </PanelFrame>
  );
}
