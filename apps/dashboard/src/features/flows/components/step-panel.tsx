import { AlertCircle, Trash2, X } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/field';
import { Select } from '../../../components/ui/select';
import type { Edge } from '@xyflow/react';
import type { FlowProblem } from '../api';
import { handleLabel, handlesOf, type Step, type StepType } from '../definition';
import { fieldMessage, problemText } from '../problem-text';
import { STEP_INFO } from '../step-catalog';
import { BranchForm } from './config/branch-form';
import type { StepFormProps } from './config/form-props';
import { RandomSplitForm, SendEmailForm, WaitForEventForm, WaitForm } from './config/step-forms';
import { TriggerForm } from './config/trigger-form';
import { UpdateContactForm } from './config/update-contact-form';
import { WebhookForm } from './config/webhook-form';

const NOWHERE = '__none';

function StepForm(props: StepFormProps<StepType> & { type: StepType }) {
  const { type, ...rest } = props;
  const as = <T extends StepType>() => rest as unknown as StepFormProps<T>;
  switch (type) {
    case 'trigger':
      return <TriggerForm {...as<'trigger'>()} />;
    case 'send_email':
      return <SendEmailForm {...as<'send_email'>()} />;
    case 'wait':
      return <WaitForm {...as<'wait'>()} />;
    case 'wait_for_event':
      return <WaitForEventForm {...as<'wait_for_event'>()} />;
    case 'branch':
      return <BranchForm {...as<'branch'>()} />;
    case 'random_split':
      return <RandomSplitForm {...as<'random_split'>()} />;
    case 'update_contact':
      return <UpdateContactForm {...as<'update_contact'>()} />;
    case 'webhook':
      return <WebhookForm {...as<'webhook'>()} />;
    case 'exit':
      return (
        <p className="text-sm text-slate-600">
          A run that reaches this step ends as <strong>completed</strong>. A way out left
          unconnected ends the run there too; an exit step just makes it visible.
        </p>
      );
  }
}

/** The side panel's frame: a title row with a close button, and scrolling content. */
export function PanelFrame({
  title,
  subtitle,
  icon,
  onClose,
  children,
  footer,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  icon?: ReactNode;
  onClose?: () => void;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-start gap-2.5 border-b border-slate-200 px-4 py-3">
        {icon}
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-base font-semibold text-slate-900">{title}</h2>
          {subtitle && <p className="text-xs text-slate-500">{subtitle}</p>}
        </div>
        {onClose && (
          <Button variant="ghost" size="icon" aria-label="Close panel" onClick={onClose}>
            <X className="size-4" aria-hidden />
          </Button>
        )}
      </div>
      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto px-4 py-4">{children}</div>
      {footer && <div className="border-t border-slate-200 px-4 py-3">{footer}</div>}
    </div>
  );
}

interface StepPanelProps {
  step: Step;
  steps: readonly Step[];
  edges: readonly Edge[];
  problems: readonly FlowProblem[];
  isReadOnly: boolean;
  onChange: (step: Step) => void;
  onSetTarget: (handle: string | null, target: string | null) => void;
  onRemove: () => void;
  onClose: () => void;
}

/** The selected step's settings, where its ways out lead, and what stops it from publishing. */
export function StepPanel({
  step,
  steps,
  edges,
  problems,
  isReadOnly,
  onChange,
  onSetTarget,
  onRemove,
  onClose,
}: StepPanelProps) {
  const info = STEP_INFO[step.type];
  const Icon = info.icon;
  const prefix = `nodes.${step.id}.config.`;
  const errorAt = (path: string) => {
    const problem = problems.find((p) => p.path === `${prefix}${path}`);
    return problem ? fieldMessage(problem.message) : undefined;
  };
  const handles = handlesOf(step);
  const targets = steps.filter((s) => s.id !== step.id && s.type !== 'trigger');

  return (
    <PanelFrame
      title={step.label || info.title}
      subtitle={`${info.title} · ${step.id}`}
      icon={
        <span
          className={`flex size-8 shrink-0 items-center justify-center rounded-lg ${info.tone}`}
        >
          <Icon className="size-4" aria-hidden />
        </span>
      }
      onClose={onClose}
      footer={
        step.type !== 'trigger' && !isReadOnly ? (
          <Button variant="danger-ghost" size="sm" onClick={onRemove}>
            <Trash2 className="size-4" aria-hidden />
            Delete step
          </Button>
        ) : undefined
      }
    >
      {problems.length > 0 && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2.5">
          <p className="flex items-center gap-1.5 text-sm font-medium text-red-800">
            <AlertCircle className="size-4 text-red-500" aria-hidden />
            Fix before publishing
          </p>
          <ul className="mt-1 list-disc space-y-0.5 pl-6 text-sm text-red-800">
            {problems.map((p, i) => (
              <li key={i}>{problemText(p)}</li>
            ))}
          </ul>
        </div>
      )}
      <p className="text-sm text-slate-600">{info.description}</p>
      <TextField
        label="Name on the canvas (optional)"
        value={step.label ?? ''}
        placeholder={info.title}
        disabled={isReadOnly}
        maxLength={200}
        onChange={(event) => onChange({ ...step, label: event.target.value || undefined })}
      />
      <StepForm
        type={step.type}
        config={step.config}
        onChange={(config) => onChange({ ...step, config } as Step)}
        errorAt={errorAt}
        disabled={isReadOnly}
        steps={steps}
      />
      {handles.length > 0 && (
        <section aria-labelledby={`ways-out-${step.id}`} className="space-y-2">
          <div>
            <h3 id={`ways-out-${step.id}`} className="text-sm font-semibold text-slate-900">
              {handles.length === 1 ? 'Then' : 'Ways out'}
            </h3>
            <p className="text-xs text-slate-500">
              Or drag from a dot under the step to another step. Left empty, the run ends there.
            </p>
          </div>
          {handles.map((handle) => {
            const edge = edges.find(
              (e) => e.source === step.id && (e.sourceHandle ?? null) === handle,
            );
            const name = handleLabel(step, handle);
            return (
              <div key={handle ?? ''} className="flex items-center gap-2">
                <span className="w-28 shrink-0 truncate text-sm text-slate-700" title={name}>
                  {name}
                </span>
                <Select
                  aria-label={`${name}: goes to`}
                  size="sm"
                  value={edge?.target ?? NOWHERE}
                  disabled={isReadOnly}
                  onValueChange={(target) =>
                    onSetTarget(handle, target === NOWHERE ? null : target)
                  }
                  options={[
                    { value: NOWHERE, label: 'Nothing: the run ends' },
                    ...targets.map((s) => ({
                      value: s.id,
                      label: `${s.label || STEP_INFO[s.type].title} (${s.id})`,
                    })),
                  ]}
                />
              </div>
            );
          })}
        </section>
      )}
    </PanelFrame>
  );
}
