import clsx from 'clsx';
import { AlertTriangle, CalendarClock, CheckCircle2, Loader2, Send, XCircle } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../../components/ui/dialog';
import { useToast } from '../../../components/ui/toast';
import { ApiError, describeError } from '../../../lib/api-error';
import { formatNumber, pluralize } from '../../../lib/format';
import { useAllLists } from '../../lists/api';
import { useAllSegments } from '../../segments/api';
import type { Sender } from '../../senders/api';
import { describeWindow } from '../../senders/sender-info';
import { useAllTemplates } from '../../templates/api';
import { useLaunchCampaign, type Campaign, type Preflight } from '../api';
import {
  launchOf,
  ROTATION_OPTIONS,
  STEP_LABELS,
  stepOf,
  UTM_KEYS,
  type FormErrors,
  type ScheduleDraft,
  type WizardDraft,
  type WizardStep,
} from '../wizard-form';

/** Problems the pre-flight already reports in its own words; shown once, not twice. */
const COVERED_BY_PREFLIGHT = new Set(['audience', 'templateId', 'content.body', 'senderIds']);

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' });

/** "Monday, March 1, 2027 at 09:00 (Europe/Paris)". */
function describeSchedule(schedule: ScheduleDraft): string {
  if (schedule.mode === 'now') return 'Right away, when you launch it';
  const day = schedule.date ? dayFormat.format(new Date(`${schedule.date}T12:00:00Z`)) : '—';
  return `${day} at ${schedule.time || '—'} (${schedule.timezone})`;
}

interface ReviewStepProps {
  draft: WizardDraft;
  schedule: ScheduleDraft;
  senders: Sender[];
  preflight: Preflight | undefined;
  preflightError: unknown;
  isChecking: boolean;
  /** The form's own checks, for every step. */
  problems: FormErrors;
  onEdit: (step: WizardStep) => void;
  /** Saves whatever is not saved yet; the launched campaign must be the one on screen. */
  flush: () => Promise<Campaign | null>;
  /** The launch was refused: the pre-flight on screen may be out of date. */
  onRefused: () => void;
}

/** Everything at a glance, what the pre-flight found, and the launch. */
export function ReviewStep({
  draft,
  schedule,
  senders,
  preflight,
  preflightError,
  isChecking,
  problems,
  onEdit,
  flush,
  onRefused,
}: ReviewStepProps) {
  const lists = useAllLists();
  const segments = useAllSegments();
  const templates = useAllTemplates();
  const launch = useLaunchCampaign();
  const navigate = useNavigate();
  const notify = useToast();
  const [isConfirming, setIsConfirming] = useState(false);
  const [launchError, setLaunchError] = useState<unknown>(null);
  const [isSaving, setIsSaving] = useState(false);

  const nameOf = (items: { id: string; name: string }[] | undefined, id: string) =>
    items?.find((item) => item.id === id)?.name ?? 'Deleted';
  const names = (items: { id: string; name: string }[] | undefined, ids: string[]) =>
    ids.map((id) => nameOf(items, id)).join(', ');

  const todo = Object.entries(problems).filter(
    ([field]) => !(preflight && COVERED_BY_PREFLIGHT.has(field)),
  );
  const blocking = preflight?.problems.filter((p) => p.severity === 'error') ?? [];
  const warnings = preflight?.problems.filter((p) => p.severity === 'warning') ?? [];
  const count = preflight?.audienceCount ?? 0;
  const isReady = Boolean(preflight?.ok) && todo.length === 0;
  const isNow = schedule.mode === 'now';

  const start = async () => {
    setLaunchError(null);
    setIsSaving(true);
    try {
      const saved = await flush();
      if (!saved) throw new Error('Choose an audience and content first.');
      const campaign = await launch.mutateAsync({ id: saved.id, launch: launchOf(schedule) });
      notify(
        isNow
          ? `“${campaign.name}” is on its way.`
          : `“${campaign.name}” is scheduled: ${describeSchedule(schedule)}.`,
      );
      void navigate(`/campaigns/${campaign.id}`);
    } catch (error) {
      setLaunchError(error);
      setIsConfirming(false);
      onRefused();
    } finally {
      setIsSaving(false);
    }
  };

  const refused = launchError instanceof ApiError && launchError.status === 422;
  // The refusal lists the blocking problems; those the pre-flight already shows aren't repeated.
  const refusedOnly = refused
    ? launchError.fieldErrors.filter(
        (problem) => !blocking.some((shown) => shown.message === problem.message),
      )
    : [];
  const template = templates.data?.find((t) => t.id === draft.templateId);
  const rotation = ROTATION_OPTIONS.find((o) => o.value === draft.rotation)?.label;
  const utm = UTM_KEYS.filter((key) => draft.utm[key].trim()).map(
    (key) => `utm_${key}=${draft.utm[key].trim()}`,
  );

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <Card aria-labelledby="summary-heading" className="min-w-0">
        <CardHeader id="summary-heading" title="Summary" />
        <dl className="divide-y divide-slate-100">
          <Row label="Name" step="audience" onEdit={onEdit}>
            {draft.name.trim() || <Missing>No name yet</Missing>}
          </Row>
          <Row label="Send to" step="audience" onEdit={onEdit}>
            {draft.followUp ? (
              'The first campaign’s recipients (follow-up)'
            ) : draft.listIds.length + draft.segmentIds.length === 0 ? (
              <Missing>Nobody chosen</Missing>
            ) : (
              [names(lists.data, draft.listIds), names(segments.data, draft.segmentIds)]
                .filter(Boolean)
                .join(', ')
            )}
          </Row>
          {draft.excludeListIds.length + draft.excludeSegmentIds.length > 0 && (
            <Row label="Leave out" step="audience" onEdit={onEdit}>
              {[
                names(lists.data, draft.excludeListIds),
                names(segments.data, draft.excludeSegmentIds),
              ]
                .filter(Boolean)
                .join(', ')}
            </Row>
          )}
          <Row label="Content" step="content" onEdit={onEdit}>
            {draft.contentMode === 'template' ? (
              template ? (
                <>
                  Template “{template.name}”
                  <span className="block text-slate-500">Subject: {template.subject}</span>
                </>
              ) : (
                <Missing>No template chosen</Missing>
              )
            ) : (
              <>
                Written for this campaign
                <span className="block text-slate-500">
                  Subject: {draft.subject || <Missing>none</Missing>}
                </span>
              </>
            )}
          </Row>
          <Row label="Senders" step="senders" onEdit={onEdit}>
            {draft.senderIds.length === 0 ? (
              <Missing>None chosen</Missing>
            ) : (
              <>
                {names(senders, draft.senderIds)}
                {draft.senderIds.length > 1 && (
                  <span className="block text-slate-500">Sharing: {rotation}</span>
                )}
              </>
            )}
          </Row>
          <Row label="From" step="senders" onEdit={onEdit}>
            {draft.fromName.trim() || 'Each sender’s own name'}
            <span className="block text-slate-500">
              Replies to {draft.replyTo.trim() || 'the sender’s address'}
            </span>
          </Row>
          <Row label="When" step="schedule" onEdit={onEdit}>
            {describeSchedule(schedule)}
            <span className="block text-slate-500">
              {draft.hasWindow
                ? `Only ${describeWindow(draft.window)} (${draft.useContactTimezone ? 'each contact’s time zone, else ' : ''}${draft.window.timezone})`
                : 'At any time of day'}
            </span>
          </Row>
          <Row label="Tracking" step="schedule" onEdit={onEdit}>
            {draft.trackOpens && draft.trackClicks
              ? 'Opens and clicks'
              : draft.trackOpens
                ? 'Opens only'
                : draft.trackClicks
                  ? 'Clicks only'
                  : 'Nothing tracked'}
            {draft.trackClicks && utm.length > 0 && (
              <span className="block break-all text-slate-500">{utm.join('&')}</span>
            )}
          </Row>
        </dl>
      </Card>

      <Card aria-labelledby="preflight-heading" className="lg:sticky lg:top-20">
        <CardHeader
          id="preflight-heading"
          title="Pre-flight check"
          description="What Herald checks before anything is sent."
        />
        <CardBody className="space-y-4">
          <div
            role="status"
            aria-label="Recipients"
            aria-busy={isChecking}
            className={clsx('flex items-baseline gap-2', isChecking && 'opacity-60')}
          >
            <span className="text-3xl font-semibold tracking-tight text-slate-900 tabular-nums">
              {preflight ? formatNumber(count) : '–'}
            </span>
            <span className="text-sm text-slate-600">
              {count === 1 ? 'recipient' : 'recipients'}
            </span>
            {isChecking && <Loader2 className="size-4 animate-spin text-slate-400" aria-hidden />}
          </div>
          {preflightError ? (
            <Alert variant="error" title="Couldn’t run the check">
              {describeError(preflightError)}
            </Alert>
          ) : null}
          {refused && (
            <Alert variant="error" title="The campaign can’t start yet">
              {refusedOnly.length > 0 && (
                <ul className="mb-1.5 list-disc space-y-0.5 pl-4">
                  {refusedOnly.map((problem) => (
                    <li key={problem.path}>{problem.message}</li>
                  ))}
                </ul>
              )}
              <p>
                Nothing was sent; the campaign is still a draft.
                {refusedOnly.length < launchError.fieldErrors.length &&
                  ' Fix the problems marked below, then launch again.'}
              </p>
            </Alert>
          )}
          {launchError && !refused ? (
            <Alert variant="error" title="Didn’t launch">
              {describeError(launchError)}
            </Alert>
          ) : null}
          {(todo.length > 0 || blocking.length > 0 || warnings.length > 0) && (
            <ul aria-label="Pre-flight problems" className="space-y-2 text-sm">
              {todo.map(([field, message]) => (
                <Problem key={field} severity="error">
                  {message}{' '}
                  <button
                    type="button"
                    className="font-medium text-indigo-700 hover:underline"
                    onClick={() => onEdit(stepOf(field))}
                  >
                    Go to {STEP_LABELS[stepOf(field)].toLowerCase()}
                  </button>
                </Problem>
              ))}
              {blocking.map((problem) => (
                <Problem key={`${problem.code}:${problem.message}`} severity="error">
                  {problem.message}
                </Problem>
              ))}
              {warnings.map((problem) => (
                <Problem key={`${problem.code}:${problem.message}`} severity="warning">
                  {problem.message}
                </Problem>
              ))}
            </ul>
          )}
          {preflight && isReady && (
            <p className="flex items-center gap-2 text-sm font-medium text-emerald-800">
              <CheckCircle2 className="size-4 text-emerald-600" aria-hidden />
              {warnings.length > 0 ? 'Ready to launch, with warnings' : 'Ready to launch'}
            </p>
          )}
          <Button
            size="lg"
            className="w-full"
            isLoading={isSaving && !isConfirming}
            onClick={() => setIsConfirming(true)}
            disabled={todo.length > 0}
          >
            {isNow ? (
              <Send className="size-4" aria-hidden />
            ) : (
              <CalendarClock className="size-4" aria-hidden />
            )}
            {isNow ? 'Send now' : 'Schedule'}
          </Button>
          <p className="text-xs text-slate-500">
            {isNow
              ? 'You can pause or cancel while it sends.'
              : 'You can edit or cancel it until it starts.'}
          </p>
        </CardBody>
      </Card>

      <Dialog open={isConfirming} onOpenChange={setIsConfirming}>
        <DialogContent
          title={isNow ? `Send “${draft.name.trim()}” now?` : `Schedule “${draft.name.trim()}”?`}
          description={
            isNow
              ? `It goes to ${pluralize(count, 'contact')} right away.`
              : `It goes to the contacts in its audience then: ${describeSchedule(schedule)}.`
          }
        >
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Not yet</Button>
            </DialogClose>
            <Button isLoading={isSaving} onClick={() => void start()}>
              {isNow ? 'Send now' : 'Schedule'}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}

function Row({
  label,
  step,
  onEdit,
  children,
}: {
  label: string;
  step: WizardStep;
  onEdit: (step: WizardStep) => void;
  children: ReactNode;
}) {
  return (
    <div className="grid gap-1 px-5 py-3 sm:grid-cols-[8rem_minmax(0,1fr)_auto] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 text-sm break-words text-slate-900">{children}</dd>
      <dd>
        <button
          type="button"
          className="rounded text-sm font-medium text-indigo-700 hover:underline"
          onClick={() => onEdit(step)}
          aria-label={`Edit ${label.toLowerCase()}`}
        >
          Edit
        </button>
      </dd>
    </div>
  );
}

const Missing = ({ children }: { children: ReactNode }) => (
  <span className="text-red-700">{children}</span>
);

function Problem({ severity, children }: { severity: 'error' | 'warning'; children: ReactNode }) {
  const Icon = severity === 'error' ? XCircle : AlertTriangle;
  return (
    <li className="flex gap-2">
      <Icon
        className={clsx(
          'mt-0.5 size-4 shrink-0',
          severity === 'error' ? 'text-red-500' : 'text-amber-500',
        )}
        aria-hidden
      />
      <span className="min-w-0 text-slate-800">
        <span className="sr-only">{severity === 'error' ? 'Must fix: ' : 'Warning: '}</span>
        {children}
      </span>
    </li>
  );
}
