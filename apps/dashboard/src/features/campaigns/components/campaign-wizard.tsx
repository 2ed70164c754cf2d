import clsx from 'clsx';
import { AlertCircle, ArrowLeft, ArrowRight, Check, CheckCircle2, Loader2 } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { PageHeader } from '../../../components/ui/page-header';
import { describeError } from '../../../lib/api-error';
import { useSession } from '../../auth/session-hooks';
import { useSenders } from '../../senders/api';
import { usePreflight, type Campaign } from '../api';
import { useCampaignAutosave, type SaveState } from '../use-campaign-autosave';
import {
  check,
  draftOf,
  isBlank,
  scheduleOf,
  serverErrors,
  stepOf,
  stepOfProblem,
  STEP_LABELS,
  WIZARD_STEPS,
  type FormErrors,
  type ScheduleDraft,
  type WizardDraft,
  type WizardStep,
} from '../wizard-form';
import { AudienceStep } from './audience-step';
import { ContentStep } from './content-step';
import { ReviewStep } from './review-step';
import { ScheduleStep } from './schedule-step';
import { SendersStep } from './senders-step';

const stepFrom = (value: string | null): WizardStep =>
  WIZARD_STEPS.find((step) => step === value) ?? 'audience';

interface CampaignWizardProps {
  campaign: Campaign | undefined;
  onCreated: (campaign: Campaign) => void;
}

/**
 * Audience → content → senders → schedule → review. The draft saves itself as it changes, so
 * steps can be visited in any order and the wizard left and picked up again; a step's own
 * checks run when moving on from it, and all of them before the launch.
 */
export function CampaignWizard({ campaign, onCreated }: CampaignWizardProps) {
  const [params, setParams] = useSearchParams();
  const step = stepFrom(params.get('step'));
  const [draft, setDraft] = useState<WizardDraft>(() => draftOf(campaign));
  const [schedule, setSchedule] = useState<ScheduleDraft>(() => scheduleOf(campaign));
  // Steps moved on from (or tried to): their problems are shown from then on.
  const [checked, setChecked] = useState<ReadonlySet<WizardStep>>(() => new Set());
  // Steps seen: only those can be ticked off as done.
  const [visited, setVisited] = useState<ReadonlySet<WizardStep>>(() => new Set([step]));
  useEffect(() => {
    setVisited((current) => (current.has(step) ? current : new Set(current).add(step)));
  }, [step]);
  const autosave = useCampaignAutosave(campaign, draft, onCreated);
  const preflight = usePreflight(
    autosave.id ?? undefined,
    step === 'audience' || step === 'review',
  );
  const senders = useSenders();
  const session = useSession();
  const body = useRef<HTMLDivElement>(null);

  const change = (patch: Partial<WizardDraft>) => setDraft((current) => ({ ...current, ...patch }));

  // A single working sender is the obvious choice: take it as soon as the draft is under way.
  const only = senders.data?.length === 1 ? senders.data[0] : undefined;
  const shouldTakeOnly =
    only?.status === 'active' && draft.senderIds.length === 0 && !isBlank(draft);
  useEffect(() => {
    if (shouldTakeOnly && only) change({ senderIds: [only.id] });
  }, [shouldTakeOnly]);

  const local = check(draft, schedule);
  const remote = autosave.state.status === 'failed' ? serverErrors(autosave.state.error) : {};
  const on = (errors: FormErrors, of: WizardStep) =>
    Object.fromEntries(Object.entries(errors).filter(([field]) => stepOf(field) === of));
  // The form's own message wins over the server's for the same field: it says what to do.
  const errorsOn = (of: WizardStep): FormErrors => ({
    ...on(remote, of),
    ...(checked.has(of) ? on(local, of) : {}),
  });

  const goTo = (next: WizardStep) => {
    setParams(next === 'audience' ? {} : { step: next });
    window.scrollTo({ top: 0 });
  };
  const index = WIZARD_STEPS.indexOf(step);
  const moveOn = () => {
    setChecked((current) => new Set(current).add(step));
    const problems = Object.keys(local).filter((field) => stepOf(field) === step);
    if (problems.length > 0) {
      // Once the messages are on screen: to the first one, focusing its field if it has one.
      setTimeout(() => {
        const target = body.current?.querySelector<HTMLElement>(
          '[aria-invalid="true"], [role="alert"]',
        );
        target?.scrollIntoView({ block: 'center' });
        if (target?.getAttribute('aria-invalid') === 'true') target.focus();
      });
      return;
    }
    goTo(WIZARD_STEPS[index + 1]!);
  };

  // What the pre-flight blocks on points at the step that fixes it.
  const blockedSteps = new Set(
    (autosave.id ? (preflight.data?.problems ?? []) : [])
      .filter((problem) => problem.severity === 'error')
      .map((problem) => stepOfProblem(problem.code)),
  );

  const chosenSender = senders.data?.find((sender) => sender.id === draft.senderIds[0]);
  const fromName =
    draft.fromName.trim() ||
    chosenSender?.fromName ||
    session?.organization.name ||
    'Your organization';
  const isCounting = autosave.isDirty || autosave.state.status === 'saving' || preflight.isFetching;

  return (
    <>
      <PageHeader
        title={<span className="break-words">{draft.name.trim() || 'New campaign'}</span>}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>
              {campaign?.status === 'scheduled'
                ? 'Scheduled. Changes apply when it starts.'
                : 'A draft until you launch it. Changes are saved as you go.'}
            </span>
            <SaveIndicator
              state={autosave.state}
              isDirty={autosave.isDirty}
              hasDraft={autosave.id !== null}
              hasFieldErrors={Object.keys(remote).length > 0}
              onRetry={() => void autosave.flush().catch(() => undefined)}
            />
          </span>
        }
      />
      <nav aria-label="Campaign steps" className="mb-6">
        <ol className="flex flex-wrap items-center gap-x-2 gap-y-2">
          {WIZARD_STEPS.map((item, position) => {
            const isCurrent = item === step;
            const hasProblems =
              item !== 'review' &&
              (Object.keys(errorsOn(item)).length > 0 ||
                (visited.has('review') && blockedSteps.has(item)));
            const isDone =
              item !== 'review' &&
              !isCurrent &&
              visited.has(item) &&
              !Object.keys(local).some((field) => stepOf(field) === item);
            return (
              <li key={item} className="flex items-center gap-2">
                <button
                  type="button"
                  aria-current={isCurrent ? 'step' : undefined}
                  onClick={() => goTo(item)}
                  className="group flex items-center gap-2 rounded-md py-1 pr-1.5 text-sm"
                >
                  <span
                    className={clsx(
                      'flex size-6 items-center justify-center rounded-full text-xs font-semibold',
                      isCurrent && 'bg-indigo-50 text-indigo-700 ring-2 ring-indigo-600',
                      !isCurrent && hasProblems && 'bg-red-50 text-red-700 ring-1 ring-red-300',
                      !isCurrent && !hasProblems && isDone && 'bg-indigo-600 text-white',
                      !isCurrent && !hasProblems && !isDone && 'bg-slate-100 text-slate-500',
                    )}
                  >
                    {hasProblems && !isCurrent ? (
                      <AlertCircle className="size-3.5" aria-label="Needs attention" />
                    ) : isDone ? (
                      <Check className="size-3.5" aria-label="Done" />
                    ) : (
                      position + 1
                    )}
                  </span>
                  <span
                    className={clsx(
                      'font-medium group-hover:text-indigo-700',
                      isCurrent ? 'text-slate-900' : 'text-slate-600',
                    )}
                  >
                    {STEP_LABELS[item]}
                  </span>
                </button>
                {position < WIZARD_STEPS.length - 1 && (
                  <span className="h-px w-4 bg-slate-300 sm:w-8" aria-hidden />
                )}
              </li>
            );
          })}
        </ol>
      </nav>

      {autosave.state.status === 'failed' && Object.keys(remote).length === 0 && (
        <Alert variant="error" title="Your latest changes aren’t saved" className="mb-6">
          {describeError(autosave.state.error)}
        </Alert>
      )}

      <div ref={body}>
        {step === 'audience' && (
          <AudienceStep
            draft={draft}
            onChange={change}
            errors={errorsOn('audience')}
            preflight={preflight.data}
            preflightError={preflight.error}
            isCounting={isCounting}
          />
        )}
        {step === 'content' && (
          <ContentStep
            draft={draft}
            onChange={change}
            errors={errorsOn('content')}
            fromName={fromName}
          />
        )}
        {step === 'senders' && (
          <SendersStep
            draft={draft}
            onChange={change}
            errors={errorsOn('senders')}
            senders={senders}
          />
        )}
        {step === 'schedule' && (
          <ScheduleStep
            draft={draft}
            onChange={change}
            schedule={schedule}
            onScheduleChange={(patch) => setSchedule((current) => ({ ...current, ...patch }))}
            errors={errorsOn('schedule')}
          />
        )}
        {step === 'review' && (
          <ReviewStep
            draft={draft}
            schedule={schedule}
            senders={senders.data ?? []}
            preflight={autosave.id ? preflight.data : undefined}
            preflightError={preflight.error}
            isChecking={isCounting}
            problems={local}
            onEdit={(target) => {
              setChecked(new Set(WIZARD_STEPS));
              goTo(target);
            }}
            flush={autosave.flush}
            onRefused={() => void preflight.refetch()}
          />
        )}
      </div>

      <div className="mt-6 flex items-center justify-between gap-3 border-t border-slate-200 pt-5">
        {index > 0 ? (
          <Button variant="secondary" onClick={() => goTo(WIZARD_STEPS[index - 1]!)}>
            <ArrowLeft className="size-4" aria-hidden />
            Back
          </Button>
        ) : (
          <span />
        )}
        {step !== 'review' && (
          <Button onClick={moveOn}>
            Next: {STEP_LABELS[WIZARD_STEPS[index + 1]!]}
            <ArrowRight className="size-4" aria-hidden />
          </Button>
        )}
      </div>
    </>
  );
}

function SaveIndicator({
  state,
  isDirty,
  hasDraft,
  hasFieldErrors,
  onRetry,
}: {
  state: SaveState;
  isDirty: boolean;
  hasDraft: boolean;
  hasFieldErrors: boolean;
  onRetry: () => void;
}) {
  return (
    <span aria-live="polite" className="inline-flex items-center gap-1.5 text-sm">
      {state.status === 'saving' || (isDirty && state.status !== 'failed') ? (
        <>
          <Loader2 className="size-3.5 animate-spin text-slate-400" aria-hidden />
          <span className="text-slate-500">Saving…</span>
        </>
      ) : state.status === 'failed' ? (
        <>
          <span className="font-medium text-red-700">
            {hasFieldErrors ? 'Not saved: fix the fields marked in red' : 'Not saved'}
          </span>
          <button
            type="button"
            className="font-medium text-indigo-700 hover:underline"
            onClick={onRetry}
          >
            Try again
          </button>
        </>
      ) : state.status === 'saved' || hasDraft ? (
        <>
          <CheckCircle2 className="size-3.5 text-emerald-600" aria-hidden />
          <span className="text-slate-600">Draft saved</span>
        </>
      ) : null}
    </span>
  );
}
