import { Plus, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../../components/ui/button';
import { TextField } from '../../../../components/ui/field';
import { SegmentedControl } from '../../../../components/ui/segmented-control';
import { SelectField } from '../../../../components/ui/select';
import { useFields } from '../../../fields/api';
import { useAllLists } from '../../../lists/api';
import { useAllSegments } from '../../../segments/api';
import {
  BuilderContext,
  type BuilderContextValue,
} from '../../../segments/components/builder-context';
import { GroupEditor } from '../../../segments/components/group-editor';
import {
  labelRules,
  parseDefinition,
  serialize,
  updateDraft,
  type GroupDraft,
  type ValueType,
} from '../../../segments/rules';
import {
  FILTER_OPS,
  type BranchCondition,
  type BranchConditionType,
  type FilterOp,
} from '../../definition';
import { opWord } from '../../step-summary';
import { EntityPicker, parseScalar } from './fields';
import type { StepFormProps } from './form-props';

const CONDITION_TYPES: { value: BranchConditionType; label: string; description: string }[] = [
  { value: 'email', label: 'Email engagement', description: 'Opened or clicked an email' },
  { value: 'segment', label: 'In a segment', description: 'Matches a saved segment now' },
  { value: 'rules', label: 'Contact rules', description: 'Fields, attributes, tags, lists' },
  { value: 'trigger', label: 'Trigger data', description: 'A property of the starting event' },
];

function switchCondition(type: BranchConditionType): BranchCondition {
  switch (type) {
    case 'email':
      return { type, action: 'opened', op: 'has' };
    case 'segment':
      return { type, segmentId: '', op: 'in' };
    case 'rules':
      return { type, rules: { all: [] } };
    case 'trigger':
      return { type, path: '', op: 'eq', value: '' };
  }
}

const LATEST = '__latest';

export function BranchForm({
  config,
  onChange,
  errorAt,
  disabled,
  steps,
}: StepFormProps<'branch'>) {
  const conditions = config.conditions ?? [];
  const set = (index: number, next: BranchCondition) =>
    onChange({ ...config, conditions: conditions.map((c, i) => (i === index ? next : c)) });
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Contacts that match go out through <strong>Yes</strong>, everyone else through{' '}
        <strong>No</strong>.
      </p>
      {conditions.length > 1 && (
        <SegmentedControl
          label="Match"
          value={config.match ?? 'all'}
          disabled={disabled}
          onValueChange={(match) => onChange({ ...config, match })}
          options={[
            { value: 'all', label: 'All conditions' },
            { value: 'any', label: 'Any condition' },
          ]}
        />
      )}
      {conditions.map((condition, index) => (
        <div
          key={`${index}-${condition.type}`}
          role="group"
          aria-label={`Condition ${index + 1}`}
          className="space-y-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200"
        >
          <div className="flex items-end gap-2">
            <SelectField
              label={`Condition ${index + 1}`}
              containerClassName="flex-1"
              value={condition.type}
              disabled={disabled}
              onValueChange={(type) => set(index, switchCondition(type))}
              options={CONDITION_TYPES}
            />
            <Button
              variant="ghost"
              size="icon"
              aria-label={`Remove condition ${index + 1}`}
              disabled={disabled || conditions.length <= 1}
              onClick={() =>
                onChange({ ...config, conditions: conditions.filter((_, i) => i !== index) })
              }
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </div>
          <ConditionFields
            condition={condition}
            onChange={(next) => set(index, next)}
            errorAt={(path) => errorAt(`conditions.${index}.${path}`)}
            disabled={disabled}
            emailSteps={steps.filter((s) => s.type === 'send_email').map((s) => s.id)}
          />
        </div>
      ))}
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled || conditions.length >= 20}
        onClick={() =>
          onChange({ ...config, conditions: [...conditions, switchCondition('email')] })
        }
      >
        <Plus className="size-3.5" aria-hidden />
        Add condition
      </Button>
    </div>
  );
}

function ConditionFields({
  condition,
  onChange,
  errorAt,
  disabled,
  emailSteps,
}: {
  condition: BranchCondition;
  onChange: (condition: BranchCondition) => void;
  errorAt: (path: string) => string | undefined;
  disabled: boolean;
  emailSteps: string[];
}) {
  const segments = useAllSegments();
  switch (condition.type) {
    case 'email':
      return (
        <div className="grid grid-cols-2 gap-2">
          <SelectField
            label="Has or hasn’t"
            value={condition.op ?? 'has'}
            disabled={disabled}
            onValueChange={(op) => onChange({ ...condition, op })}
            options={[
              { value: 'has', label: 'Has' },
              { value: 'has_not', label: 'Has not' },
            ]}
          />
          <SelectField
            label="Action"
            value={condition.action}
            disabled={disabled}
            onValueChange={(action) => onChange({ ...condition, action })}
            options={[
              { value: 'opened', label: 'Opened' },
              { value: 'clicked', label: 'Clicked' },
            ]}
          />
          <SelectField
            label="Which email"
            containerClassName="col-span-2"
            value={condition.stepId ?? LATEST}
            disabled={disabled}
            error={errorAt('stepId')}
            onValueChange={(stepId) => {
              const { stepId: _drop, ...rest } = condition;
              onChange(stepId === LATEST ? rest : { ...rest, stepId });
            }}
            options={[
              { value: LATEST, label: 'The latest email of this run' },
              ...emailSteps.map((id) => ({ value: id, label: `Step ${id}` })),
            ]}
          />
        </div>
      );
    case 'segment':
      return (
        <div className="space-y-3">
          <SelectField
            label="Is"
            value={condition.op ?? 'in'}
            disabled={disabled}
            onValueChange={(op) => onChange({ ...condition, op })}
            options={[
              { value: 'in', label: 'In the segment' },
              { value: 'not_in', label: 'Not in the segment' },
            ]}
          />
          <EntityPicker
            label="Segment"
            value={condition.segmentId}
            disabled={disabled}
            isLoading={segments.isPending}
            placeholder="Choose a segment"
            error={errorAt('segmentId')}
            options={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            emptyNote={
              <>
                No segments yet.{' '}
                <Link to="/segments/new" className="font-medium text-indigo-700 hover:underline">
                  Create one
                </Link>
                .
              </>
            }
            onChange={(segmentId) => onChange({ ...condition, segmentId })}
          />
        </div>
      );
    case 'trigger': {
      const noValue = condition.op === 'exists' || condition.op === 'not_exists';
      return (
        <div className="space-y-3">
          <TextField
            label="Trigger property"
            value={condition.path}
            disabled={disabled}
            placeholder="properties.plan"
            className="font-mono text-xs"
            hint="A dotted path in the data that started the run."
            error={errorAt('path')}
            onChange={(event) => onChange({ ...condition, path: event.target.value })}
          />
          <div className="grid grid-cols-2 gap-2">
            <SelectField
              label="Operator"
              value={condition.op}
              disabled={disabled}
              onValueChange={(op: FilterOp) => {
                const { value, ...rest } = condition;
                onChange(
                  op === 'exists' || op === 'not_exists' ? { ...rest, op } : { ...rest, op, value },
                );
              }}
              options={FILTER_OPS.map((op) => ({ value: op, label: opWord(op) }))}
            />
            {!noValue && (
              <TextField
                label="Value"
                value={
                  Array.isArray(condition.value)
                    ? condition.value.join(', ')
                    : String(condition.value ?? '')
                }
                disabled={disabled}
                error={errorAt('value')}
                onChange={(event) =>
                  onChange({
                    ...condition,
                    value:
                      condition.op === 'in'
                        ? event.target.value
                            .split(',')
                            .map((v) => v.trim())
                            .filter(Boolean)
                            .map(parseScalar)
                        : parseScalar(event.target.value),
                  })
                }
              />
            )}
          </div>
        </div>
      );
    }
    case 'rules':
      return (
        <RulesEditor
          rules={condition.rules}
          disabled={disabled}
          error={errorAt('rules')}
          onChange={(rules) => onChange({ ...condition, rules })}
        />
      );
  }
}

/**
 * The segment builder's rule editor, for a branch on contact data. The rules are kept as drafts
 * while they are edited (an unfinished rule is left out of what is saved, not lost).
 */
function RulesEditor({
  rules,
  onChange,
  disabled,
  error,
}: {
  rules: Record<string, unknown>;
  onChange: (rules: Record<string, unknown>) => void;
  disabled: boolean;
  error: string | undefined;
}) {
  const fields = useFields();
  const lists = useAllLists();
  const segments = useAllSegments();
  const fieldTypes = useMemo(
    () => new Map<string, ValueType>((fields.data ?? []).map((f) => [f.key, f.type as ValueType])),
    [fields.data],
  );
  const [root, setRoot] = useState<GroupDraft>(() => parseDefinition(rules, fieldTypes));
  const serialized = serialize(root, fieldTypes);

  const context: BuilderContextValue = {
    fields: fields.data ?? [],
    fieldTypes,
    lists: lists.data ?? [],
    segments: segments.data ?? [],
    labels: labelRules(root),
    errors: new Map(),
    problems: serialized.problems,
    showProblems: true,
    isReadOnly: disabled,
    update: (id, next) => {
      const updated = updateDraft(root, id, next);
      setRoot(updated);
      const definition = serialize(updated, fieldTypes).definition;
      onChange((definition as Record<string, unknown> | null) ?? { all: [] });
    },
  };
  return (
    <div>
      <BuilderContext.Provider value={context}>
        <GroupEditor group={root} />
      </BuilderContext.Provider>
      {error && <p className="mt-1.5 text-sm text-red-700">{error}</p>}
    </div>
  );
}
