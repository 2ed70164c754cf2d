import { Badge } from '../../components/ui/badge';
import type { SelectOption } from '../../components/ui/select';
import type { ContactStatus } from './api';

export const CONTACT_STATUSES: readonly ContactStatus[] = [
  'subscribed',
  'unsubscribed',
  'bounced',
  'complained',
  'blocked',
];

export const STATUS_INFO: Record<
  ContactStatus,
  { label: string; description: string; tone: 'success' | 'neutral' | 'warning' | 'danger' }
> = {
  subscribed: { label: 'Subscribed', description: 'Gets your campaigns', tone: 'success' },
  unsubscribed: { label: 'Unsubscribed', description: 'Asked not to get email', tone: 'neutral' },
  bounced: { label: 'Bounced', description: 'The address doesn’t accept mail', tone: 'warning' },
  complained: { label: 'Complained', description: 'Marked your email as spam', tone: 'danger' },
  blocked: { label: 'Blocked', description: 'Suppressed; never emailed', tone: 'danger' },
};

export const STATUS_OPTIONS: SelectOption<ContactStatus>[] = CONTACT_STATUSES.map((status) => ({
  value: status,
  label: STATUS_INFO[status].label,
  description: STATUS_INFO[status].description,
}));

export function ContactStatusBadge({ status }: { status: ContactStatus }) {
  const info = STATUS_INFO[status];
  return <Badge tone={info.tone}>{info.label}</Badge>;
}

/** "Ada Lovelace", or null when the contact has no name. */
export function contactName(contact: {
  firstName: string | null;
  lastName: string | null;
}): string | null {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ').trim();
  return name || null;
}

const SOURCE_LABELS: Record<string, string> = {
  api: 'API',
  dashboard: 'Added in the dashboard',
  import: 'CSV import',
  events: 'Event API',
};

/** Where a contact came from, in words ("CSV import"); unknown sources as they were given. */
export const sourceLabel = (source: string | null): string =>
  source === null ? 'Unknown' : (SOURCE_LABELS[source] ?? source);
