import type { ConditionDraft } from './rules';

/**
 * Engagement conditions: "has opened any campaign in the last 30 days", "has not clicked
 * Spring sale ever". The API counts what the campaigns' messages recorded: received (sent),
 * opened and clicked, for one campaign or for any.
 */

export const ENGAGEMENTS = ['received', 'opened', 'clicked'] as const;
export type Engagement = (typeof ENGAGEMENTS)[number];

export const ENGAGEMENT_OPS = ['has', 'has_not'] as const;
export type EngagementOp = (typeof ENGAGEMENT_OPS)[number];

export const ENGAGEMENT_OP_LABELS: Record<EngagementOp, string> = {
  has: 'has',
  has_not: 'has not',
};

/** The API's limit on the window of an engagement condition. */
const MAX_DAYS = 36_500;

/** Fields an engagement condition needs besides `op`; the period is shared with events. */
export interface EngagementDraftFields {
  engagement: Engagement;
  /** The campaign, or '' for any campaign. */
  campaignId: string;
}

type EngagementDraft = Pick<ConditionDraft, 'op' | 'period' | 'withinDays'> & EngagementDraftFields;

export interface EngagementProblem {
  /** Only the window's days can be wrong: the other inputs are choices. */
  input: 'withinDays';
  message: string;
  /** Days typed but wrong ("1.5"): worth saying at once, not on save. */
  isMistake: boolean;
}

/** Why an engagement condition can't be sent yet; null when it can. */
export function findEngagementProblem(draft: EngagementDraft): EngagementProblem | null {
  if (draft.period !== 'within') return null;
  const days = draft.withinDays.trim();
  if (/^\d+$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_DAYS) return null;
  return {
    input: 'withinDays',
    message: 'Enter a number of days, 1 or more.',
    isMistake: days !== '',
  };
}

export const engagementProblem = (draft: EngagementDraft): string | null =>
  findEngagementProblem(draft)?.message ?? null;

/** A finished engagement draft → `{ engagement, op, campaign?, withinDays? }`. */
export function engagementJson(draft: EngagementDraft): Record<string, unknown> {
  return {
    engagement: draft.engagement,
    op: draft.op,
    ...(draft.campaignId ? { campaign: draft.campaignId } : {}),
    ...(draft.period === 'within' ? { withinDays: Number(draft.withinDays.trim()) } : {}),
  };
}

/** Whether the builder can edit this saved condition without changing what it means. */
export function isEditableEngagement(raw: Record<string, unknown>): boolean {
  const known = ['engagement', 'op', 'campaign', 'withinDays'];
  return (
    Object.keys(raw).every((key) => known.includes(key)) &&
    (ENGAGEMENTS as readonly unknown[]).includes(raw.engagement) &&
    (ENGAGEMENT_OPS as readonly unknown[]).includes(raw.op) &&
    (raw.campaign === undefined || typeof raw.campaign === 'string') &&
    (raw.withinDays === undefined || Number.isInteger(raw.withinDays))
  );
}

/** A saved engagement condition (see `isEditableEngagement`) → the draft fields that edit it. */
export function parseEngagementCondition(raw: Record<string, unknown>): EngagementDraft {
  const hasWindow = raw.withinDays !== undefined;
  return {
    op: raw.op as EngagementOp,
    engagement: raw.engagement as Engagement,
    campaignId: typeof raw.campaign === 'string' ? raw.campaign : '',
    period: hasWindow ? 'within' : 'ever',
    withinDays: hasWindow ? String(raw.withinDays) : '30',
  };
}
