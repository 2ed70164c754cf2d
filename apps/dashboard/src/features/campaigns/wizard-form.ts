import { ApiError } from '../../lib/api-error';
import { checkEmail } from '../auth/validation';
import type { WindowDraft } from '../senders/sender-form';
import { localTimeZone } from '../senders/sender-info';
import type { TemplateFormat } from '../templates/api';
import type { Campaign, CampaignPatch, Launch, Rotation } from './api';

/**
 * The campaign wizard's model: a draft of what the inputs hold, the API body it saves as, the
 * checks each step makes before moving on, and the API's error paths read back onto fields.
 */

export const WIZARD_STEPS = ['audience', 'content', 'senders', 'schedule', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const STEP_LABELS: Record<WizardStep, string> = {
  audience: 'Audience',
  content: 'Content',
  senders: 'Senders',
  schedule: 'Schedule & tracking',
  review: 'Review & launch',
};

export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

export interface WizardDraft {
  name: string;
  segmentIds: string[];
  listIds: string[];
  excludeSegmentIds: string[];
  excludeListIds: string[];
  /** A follow-up's audience comes from another campaign and is not edited here. */
  followUp: Campaign['audience']['followUp'];
  contentMode: 'template' | 'inline';
  templateId: string;
  subject: string;
  preheader: string;
  format: TemplateFormat;
  body: string;
  /** The plain-text part; empty lets Herald derive it from the body. */
  text: string;
  senderIds: string[];
  rotation: Rotation;
  /** Weights by sender id, as typed. */
  weights: Record<string, string>;
  fromName: string;
  replyTo: string;
  trackOpens: boolean;
  trackClicks: boolean;
  utm: Record<UtmKey, string>;
  hasWindow: boolean;
  window: WindowDraft;
  useContactTimezone: boolean;
}

/** When to send. The API takes it at launch, so it is not part of the saved draft. */
export interface ScheduleDraft {
  mode: 'now' | 'later';
  /** "YYYY-MM-DD" and "HH:MM", as date and time inputs give them, meant in `timezone`. */
  date: string;
  time: string;
  timezone: string;
}

export function draftOf(campaign: Campaign | undefined): WizardDraft {
  const window = campaign?.window;
  return {
    name: campaign?.name ?? '',
    segmentIds: campaign?.audience.segmentIds ?? [],
    listIds: campaign?.audience.listIds ?? [],
    excludeSegmentIds: campaign?.audience.excludeSegmentIds ?? [],
    excludeListIds: campaign?.audience.excludeListIds ?? [],
    followUp: campaign?.audience.followUp ?? null,
    contentMode: !campaign?.templateId && campaign?.body != null ? 'inline' : 'template',
    templateId: campaign?.templateId ?? '',
    subject: campaign?.subject ?? '',
    preheader: campaign?.preheader ?? '',
    format: campaign?.format ?? 'html',
    body: campaign?.body ?? '',
    text: campaign?.text ?? '',
    senderIds: campaign?.senderIds ?? [],
    rotation: campaign?.rotation ?? 'round_robin',
    weights: Object.fromEntries(
      Object.entries(campaign?.senderWeights ?? {}).map(([id, weight]) => [id, String(weight)]),
    ),
    fromName: campaign?.fromName ?? '',
    replyTo: campaign?.replyTo ?? '',
    trackOpens: campaign?.trackOpens ?? true,
    trackClicks: campaign?.trackClicks ?? true,
    utm: Object.fromEntries(UTM_KEYS.map((key) => [key, campaign?.utm?.[key] ?? ''])) as Record<
      UtmKey,
      string
    >,
    hasWindow: Boolean(window),
    window: window
      ? { days: window.days, start: window.start, end: window.end, timezone: window.timezone }
      : { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', timezone: localTimeZone() },
    useContactTimezone: window?.useContactTimezone ?? false,
  };
}

/** The wall-clock date and time of `instant` in `timezone`. */
function wallClock(instant: Date, timezone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  };
}

/** A scheduled campaign's time as it was set; otherwise "now", with tomorrow 09:00 ready. */
export function scheduleOf(campaign: Campaign | undefined, now = new Date()): ScheduleDraft {
  const timezone = campaign?.timezone ?? localTimeZone();
  if (campaign?.status === 'scheduled' && campaign.sendAt) {
    return { mode: 'later', ...wallClock(new Date(campaign.sendAt), timezone), timezone };
  }
  const tomorrow = wallClock(new Date(now.getTime() + 86_400_000), timezone);
  return { mode: 'now', date: tomorrow.date, time: '09:00', timezone };
}

export function launchOf(schedule: ScheduleDraft): Launch {
  return schedule.mode === 'now'
    ? { mode: 'now' }
    : {
        mode: 'schedule',
        sendAt: `${schedule.date}T${schedule.time}`,
        timezone: schedule.timezone.trim(),
      };
}

const isWeight = (text: string) => text.trim() !== '' && Number(text) >= 0 && Number(text) <= 1e6;

function windowProblems(draft: WizardDraft): FormErrors {
  const errors: FormErrors = {};
  if (!draft.hasWindow) return errors;
  if (draft.window.days.length === 0) errors['window.days'] = 'Pick at least one day.';
  if (!draft.window.start) errors['window.start'] = 'Enter a time.';
  if (!draft.window.end) errors['window.end'] = 'Enter a time.';
  else if (draft.window.start === draft.window.end)
    errors['window.end'] = 'Must differ from the start. Turn the window off to send at any time.';
  if (!draft.window.timezone.trim())
    errors['window.timezone'] = 'Enter a time zone, e.g. Europe/Paris.';
  return errors;
}

/**
 * What the draft saves as. Parts that the form itself would refuse (a half-typed reply-to
 * address, an unfinished window) are left out, so everything else keeps saving meanwhile.
 */
export function bodyOf(draft: WizardDraft): CampaignPatch {
  const hasInline = draft.subject.trim() !== '' || draft.body.trim() !== '';
  const utm = Object.fromEntries(UTM_KEYS.map((key) => [key, draft.utm[key].trim() || null]));
  const isWindowValid = Object.keys(windowProblems(draft)).length === 0;
  return {
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
    audience: {
      segmentIds: draft.segmentIds,
      listIds: draft.listIds,
      excludeSegmentIds: draft.excludeSegmentIds,
      excludeListIds: draft.excludeListIds,
    },
    ...(draft.contentMode === 'template'
      ? { templateId: draft.templateId || null, content: null }
      : {
          templateId: null,
          content: hasInline
            ? {
                subject: draft.subject,
                preheader: draft.preheader.trim() ? draft.preheader : null,
                format: draft.format,
                body: draft.body,
                text: draft.text.trim() ? draft.text : null,
              }
            : null,
        }),
    senderIds: draft.senderIds,
    rotation: draft.rotation,
    senderWeights:
      draft.rotation === 'weighted'
        ? Object.fromEntries(
            draft.senderIds
              .filter((id) => isWeight(draft.weights[id] ?? '1'))
              .map((id) => [id, Number(draft.weights[id] ?? '1')]),
          )
        : null,
    fromName: draft.fromName.trim() || null,
    ...(checkEmail(draft.replyTo) && draft.replyTo.trim()
      ? {}
      : { replyTo: draft.replyTo.trim() || null }),
    trackOpens: draft.trackOpens,
    trackClicks: draft.trackClicks,
    utm: Object.values(utm).some(Boolean) ? utm : null,
    ...(isWindowValid
      ? {
          window: draft.hasWindow
            ? {
                ...draft.window,
                timezone: draft.window.timezone.trim(),
                useContactTimezone: draft.useContactTimezone,
              }
            : null,
        }
      : {}),
  };
}

/** Nothing typed or chosen yet: no reason to create a draft. */
export function isBlank(draft: WizardDraft): boolean {
  return JSON.stringify(bodyOf(draft)) === JSON.stringify(bodyOf(draftOf(undefined)));
}

/** Messages by field, keyed like the API's error paths (`content.body`, `window.timezone`). */
export type FormErrors = Record<string, string>;

/** The step each field is on, for "fix this" links and for moving to the first problem. */
export function stepOf(field: string): WizardStep {
  if (field === 'name' || field.startsWith('audience')) return 'audience';
  if (field === 'templateId' || field.startsWith('content')) return 'content';
  if (['senderIds', 'rotation', 'senderWeights', 'fromName', 'replyTo'].includes(field))
    return 'senders';
  return 'schedule';
}

/** The step where a pre-flight problem (by its code) is put right. */
export function stepOfProblem(code: string): WizardStep {
  if (code.startsWith('audience')) return 'audience';
  if (code.startsWith('sender') || code === 'no_sender') return 'senders';
  return 'content';
}

/** The form's own checks for every step, keyed like the API's error paths. */
export function check(draft: WizardDraft, schedule: ScheduleDraft): FormErrors {
  const errors: FormErrors = {};
  if (!draft.name.trim()) errors.name = 'Name the campaign, e.g. “Spring sale”.';
  if (!draft.followUp && draft.segmentIds.length + draft.listIds.length === 0)
    errors.audience = 'Choose at least one list or segment to send to.';
  if (draft.contentMode === 'template') {
    if (!draft.templateId) errors.templateId = 'Choose the template to send.';
  } else {
    if (!draft.subject.trim()) errors['content.subject'] = 'Write a subject line.';
    if (!draft.body.trim()) errors['content.body'] = 'Write the email.';
  }
  if (draft.senderIds.length === 0) errors.senderIds = 'Choose at least one sender.';
  if (
    draft.rotation === 'weighted' &&
    draft.senderIds.some((id) => !isWeight(draft.weights[id] ?? '1'))
  )
    errors.senderWeights = 'Give each sender a weight of 0 or more.';
  if (draft.replyTo.trim()) {
    const problem = checkEmail(draft.replyTo);
    if (problem) errors.replyTo = problem;
  }
  if (schedule.mode === 'later') {
    if (!schedule.date || !schedule.time) errors.sendAt = 'Choose the date and time to send.';
    if (!schedule.timezone.trim()) errors.timezone = 'Enter a time zone, e.g. Europe/Paris.';
  }
  return { ...errors, ...windowProblems(draft) };
}

/** The checks for one step only. */
export function checkStep(
  draft: WizardDraft,
  schedule: ScheduleDraft,
  step: WizardStep,
): FormErrors {
  return Object.fromEntries(
    Object.entries(check(draft, schedule)).filter(([field]) => stepOf(field) === step),
  );
}

/** The API's error paths (`body.audience.listIds`, `content.body`) as the form's keys. */
export function serverErrors(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FormErrors = {};
  for (const fieldError of error.fieldErrors) {
    let path = fieldError.path.replace(/^body\./, '');
    if (path.startsWith('audience')) path = 'audience';
    if (path.startsWith('senderWeights')) path = 'senderWeights';
    if (path.startsWith('utm')) path = 'utm';
    const message = fieldError.message.charAt(0).toUpperCase() + fieldError.message.slice(1);
    errors[path] ??= message.endsWith('.') ? message : `${message}.`;
  }
  return errors;
}

export const ROTATION_OPTIONS: readonly { value: Rotation; label: string; description: string }[] =
  [
    {
      value: 'round_robin',
      label: 'Take turns',
      description: 'Each sender sends the next message in turn.',
    },
    {
      value: 'weighted',
      label: 'By weight',
      description: 'A sender with weight 2 sends twice as many as one with weight 1.',
    },
    {
      value: 'fill_in_order',
      label: 'In order',
      description: 'The first sender sends until it reaches its limits, then the next one.',
    },
    { value: 'random', label: 'At random', description: 'Any sender, picked for each message.' },
  ];
