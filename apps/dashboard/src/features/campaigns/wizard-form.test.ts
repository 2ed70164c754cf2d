import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-error';
import type { Campaign } from './api';
import {
  bodyOf,
  check,
  checkStep,
  draftOf,
  isBlank,
  launchOf,
  scheduleOf,
  serverErrors,
  stepOfProblem,
  type ScheduleDraft,
  type WizardDraft,
} from './wizard-form';

const LIST = '0190a0a0-0000-7000-8000-000000000001';
const SENDER = '0190a0a0-0000-7000-8000-000000000002';
const TEMPLATE = '0190a0a0-0000-7000-8000-000000000003';

const now: ScheduleDraft = { mode: 'now', date: '', time: '', timezone: 'UTC' };

const ready = (): WizardDraft => ({
  ...draftOf(undefined),
  name: 'Spring sale',
  listIds: [LIST],
  templateId: TEMPLATE,
  senderIds: [SENDER],
});

describe('campaign wizard form', () => {
  it('asks for what each step needs, and nothing more once it is there', () => {
    expect(Object.keys(check(draftOf(undefined), now)).sort()).toEqual([
      'audience',
      'name',
      'senderIds',
      'templateId',
    ]);
    expect(check(ready(), now)).toEqual({});
    expect(Object.keys(checkStep(draftOf(undefined), now, 'content'))).toEqual(['templateId']);
    const inline = { ...ready(), contentMode: 'inline' as const };
    expect(Object.keys(check(inline, now)).sort()).toEqual(['content.body', 'content.subject']);
  });

  it('does not ask a follow-up for lists: its audience comes from the first campaign', () => {
    const followUp = {
      ...ready(),
      listIds: [],
      followUp: { campaignId: LIST, to: 'non_openers' as const },
    };
    expect(check(followUp, now)).toEqual({});
  });

  it('checks a schedule and a sending window when they are on', () => {
    const later: ScheduleDraft = { mode: 'later', date: '', time: '09:00', timezone: ' ' };
    const draft = { ...ready(), hasWindow: true };
    draft.window = { ...draft.window, days: [], end: draft.window.start };
    expect(Object.keys(checkStep(draft, later, 'schedule')).sort()).toEqual([
      'sendAt',
      'timezone',
      'window.days',
      'window.end',
    ]);
  });

  it('saves the whole draft, leaving out only the parts the form would refuse', () => {
    const draft = {
      ...ready(),
      replyTo: 'ada@',
      utm: { ...ready().utm, source: ' herald ' },
      hasWindow: true,
    };
    draft.window = { ...draft.window, days: [] };
    const body = bodyOf(draft);
    expect(body).toMatchObject({
      name: 'Spring sale',
      audience: { listIds: [LIST], segmentIds: [] },
      templateId: TEMPLATE,
      content: null,
      senderIds: [SENDER],
      utm: { source: 'herald', medium: null },
    });
    expect(body).not.toHaveProperty('replyTo');
    expect(body).not.toHaveProperty('window');
    expect(bodyOf({ ...ready(), replyTo: '' })).toMatchObject({ replyTo: null, window: null });
    expect(bodyOf({ ...ready(), name: '  ' })).not.toHaveProperty('name');
  });

  it('saves inline content or a template, never both, and weights only when weighted', () => {
    const inline = bodyOf({
      ...ready(),
      contentMode: 'inline',
      subject: 'Hi',
      body: '<p>Hello</p>',
    });
    expect(inline).toMatchObject({
      templateId: null,
      content: { subject: 'Hi', body: '<p>Hello</p>', format: 'html', preheader: null },
    });
    expect(bodyOf(ready()).senderWeights).toBeNull();
    const weighted = bodyOf({ ...ready(), rotation: 'weighted', weights: { [SENDER]: '3' } });
    expect(weighted.senderWeights).toEqual({ [SENDER]: 3 });
  });

  it('reads a saved campaign back into the same draft it was saved from', () => {
    const draft = { ...ready(), fromName: 'Acme', trackOpens: false };
    const body = bodyOf(draft);
    const campaign = {
      ...body,
      id: LIST,
      status: 'draft',
      audience: { ...body.audience, followUp: null },
      templateId: TEMPLATE,
      subject: null,
      preheader: null,
      format: null,
      body: null,
      text: null,
      senderWeights: null,
      sendAt: null,
      timezone: null,
    } as unknown as Campaign;
    expect(bodyOf(draftOf(campaign))).toEqual(body);
    expect(isBlank(draftOf(undefined))).toBe(true);
    expect(isBlank({ ...draftOf(undefined), listIds: [LIST] })).toBe(false);
  });

  it('shows a scheduled campaign’s time in its own time zone, and launches with it', () => {
    const scheduled = {
      status: 'scheduled',
      sendAt: '2099-03-01T08:00:00.000Z',
      timezone: 'Europe/Paris',
    } as Campaign;
    const schedule = scheduleOf(scheduled);
    expect(schedule).toEqual({
      mode: 'later',
      date: '2099-03-01',
      time: '09:00',
      timezone: 'Europe/Paris',
    });
    expect(launchOf(schedule)).toEqual({
      mode: 'schedule',
      sendAt: '2099-03-01T09:00',
      timezone: 'Europe/Paris',
    });
    expect(launchOf(scheduleOf(undefined))).toEqual({ mode: 'now' });
  });

  it('sends each pre-flight problem to the step that fixes it', () => {
    expect(stepOfProblem('audience_empty')).toBe('audience');
    expect(stepOfProblem('no_sender')).toBe('senders');
    expect(stepOfProblem('senders_paused')).toBe('senders');
    expect(stepOfProblem('missing_unsubscribe')).toBe('content');
    expect(stepOfProblem('content_missing')).toBe('content');
  });

  it('reads the API’s error paths onto the fields', () => {
    const error = new ApiError(400, 'validation_failed', 'Bad Request', '', [
      { path: 'audience.listIds', message: 'no such list x' },
      { path: 'body.content.body', message: 'line 1, column 3: tag "if" not closed' },
    ]);
    expect(serverErrors(error)).toEqual({
      audience: 'No such list x.',
      'content.body': 'Line 1, column 3: tag "if" not closed.',
    });
  });
});
