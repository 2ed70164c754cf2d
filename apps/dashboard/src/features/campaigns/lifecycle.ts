import type { CampaignStatus } from './api';

/**
 * A campaign's lifecycle as the API enforces it (draft → scheduled → sending ⇄ paused → sent,
 * or cancelled / failed): which statuses can still change and which actions each one allows,
 * so the dashboard offers only what the API would accept.
 */

export type CampaignAction =
  'edit' | 'launch' | 'pause' | 'resume' | 'cancel' | 'duplicate' | 'followUp' | 'delete';

const ALLOWED: Record<CampaignAction, readonly CampaignStatus[]> = {
  edit: ['draft', 'scheduled'],
  launch: ['draft', 'scheduled'],
  pause: ['sending'],
  resume: ['paused'],
  cancel: ['scheduled', 'sending', 'paused'],
  duplicate: ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled', 'failed'],
  // A follow-up needs recipients to follow up on.
  followUp: ['sending', 'paused', 'sent', 'cancelled'],
  delete: ['draft', 'sent', 'cancelled', 'failed'],
};

export const can = (status: CampaignStatus, action: CampaignAction): boolean =>
  ALLOWED[action].includes(status);

/** Nothing will change any more on its own (no sending, no schedule to wait for). */
export const isSettled = (status: CampaignStatus): boolean =>
  status === 'draft' || status === 'sent' || status === 'cancelled' || status === 'failed';

/** Has (or had) recipients: the stats and recipients mean something. */
export const hasStarted = (status: CampaignStatus): boolean =>
  status !== 'draft' && status !== 'scheduled';

export const STATUS_INFO: Record<
  CampaignStatus,
  { label: string; tone: 'neutral' | 'brand' | 'success' | 'warning' | 'danger' }
> = {
  draft: { label: 'Draft', tone: 'neutral' },
  scheduled: { label: 'Scheduled', tone: 'brand' },
  sending: { label: 'Sending', tone: 'brand' },
  paused: { label: 'Paused', tone: 'warning' },
  sent: { label: 'Sent', tone: 'success' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'danger' },
};

/** The list's status chips; "Sending" includes paused campaigns, which are half-way too. */
export const STATUS_FILTERS: readonly {
  value: string;
  label: string;
  statuses: CampaignStatus[] | undefined;
}[] = [
  { value: 'all', label: 'All', statuses: undefined },
  { value: 'draft', label: 'Drafts', statuses: ['draft'] },
  { value: 'scheduled', label: 'Scheduled', statuses: ['scheduled'] },
  { value: 'sending', label: 'Sending', statuses: ['sending', 'paused'] },
  { value: 'sent', label: 'Sent', statuses: ['sent'] },
  { value: 'stopped', label: 'Cancelled or failed', statuses: ['cancelled', 'failed'] },
];
