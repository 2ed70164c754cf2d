import { ROLE_LABELS, type Role } from '../../lib/roles';
import type { AuditEntry } from './api';

/** The filter's areas: a group of actions each, as the API's `action` parameter takes them. */
export const AUDIT_AREAS = [
  { value: 'campaign', label: 'Campaigns', actions: ['campaign'] },
  { value: 'member', label: 'Members and invitations', actions: ['member'] },
  { value: 'api_key', label: 'API and write keys', actions: ['api_key', 'write_key'] },
  { value: 'webhook', label: 'Webhooks', actions: ['webhook'] },
  { value: 'flow', label: 'Flows', actions: ['flow'] },
  { value: 'sender', label: 'Senders', actions: ['sender'] },
  { value: 'contact', label: 'Exports and erasures', actions: ['contacts', 'contact'] },
] as const;

const roleLabel = (value: unknown) =>
  typeof value === 'string' && value in ROLE_LABELS ? ROLE_LABELS[value as Role] : String(value);

const quoted = (label: string | null | undefined, fallback: string) =>
  label ? `“${label}”` : fallback;

/** Sender fields as the sender dialog names them. */
const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  fromName: 'from name',
  fromEmail: 'from address',
  replyTo: 'reply-to',
  smtp: 'SMTP settings',
  limits: 'sending limits',
  window: 'sending window',
};

/** One sentence a person reads in the log: what was done, to what. */
export function describeEntry(entry: AuditEntry): string {
  const target = entry.target?.label ?? null;
  const details = entry.details;
  const before = (details.before ?? {}) as Record<string, unknown>;
  switch (entry.action) {
    case 'campaign.started':
      return `Started sending campaign ${quoted(target, 'a campaign')}`;
    case 'campaign.scheduled': {
      const zone = typeof details.timezone === 'string' ? ` (${details.timezone})` : '';
      const at = typeof details.sendAt === 'string' ? details.sendAt.replace('T', ' ') : '';
      return `Scheduled campaign ${quoted(target, 'a campaign')}${at ? ` for ${at}${zone}` : ''}`;
    }
    case 'campaign.paused':
      return `Paused campaign ${quoted(target, 'a campaign')}`;
    case 'campaign.resumed':
      return `Resumed campaign ${quoted(target, 'a campaign')}`;
    case 'campaign.cancelled':
      return `Cancelled campaign ${quoted(target, 'a campaign')}`;
    case 'member.invited':
      return `Invited ${target ?? 'someone'} as ${roleLabel(details.role)}`;
    case 'member.invitation_revoked':
      return `Revoked the invitation for ${target ?? 'someone'}`;
    case 'member.role_changed':
      return before.role
        ? `Changed ${target ?? 'a member'}’s role from ${roleLabel(before.role)} to ${roleLabel(details.role)}`
        : `Changed ${target ?? 'a member'}’s role to ${roleLabel(details.role)}`;
    case 'member.removed':
      return `Removed ${target ?? 'a member'}${before.role ? ` (${roleLabel(before.role)})` : ''} from the organization`;
    case 'api_key.created':
      return `Created API key ${quoted(target, '')}${details.role ? ` with the ${roleLabel(details.role)} role` : ''}`;
    case 'api_key.revoked':
      return `Revoked API key ${quoted(target, '')}`.trim();
    case 'sender.created':
      return `Added sender ${quoted(target, 'a sender')}${typeof details.fromEmail === 'string' ? ` (${details.fromEmail})` : ''}`;
    case 'sender.updated': {
      const changed = Array.isArray(details.changed)
        ? details.changed.map((f) => FIELD_LABELS[String(f)] ?? String(f))
        : [];
      return `Changed sender ${quoted(target, 'a sender')}${changed.length ? `: ${changed.join(', ')}` : ''}`;
    }
    case 'sender.deleted':
      return `Deleted sender ${quoted(target, 'a sender')}`;
    case 'contacts.exported': {
      const filtered = ['status', 'listId', 'segmentId'].some((k) => details[k] !== undefined);
      return filtered ? 'Exported contacts (filtered) as CSV' : 'Exported all contacts as CSV';
    }
    case 'contact.erased':
      return details.suppress
        ? 'Erased a contact and kept the address in suppressions'
        : 'Erased a contact';
    case 'write_key.created':
      return `Created write key ${quoted(target, '')}`.trim();
    case 'write_key.revoked':
      return `Revoked write key ${quoted(target, '')}`.trim();
    case 'webhook.created':
      return `Added webhook endpoint ${target ?? ''}`.trim();
    case 'webhook.updated': {
      const changed = Array.isArray(details.changed) ? details.changed.map(String) : [];
      return `Changed webhook endpoint ${target ?? ''}${changed.length ? `: ${changed.join(', ')}` : ''}`;
    }
    case 'webhook.deleted':
      return `Deleted webhook endpoint ${target ?? ''}`.trim();
    case 'webhook.secret_rotated':
      return `Rotated the signing secret of webhook endpoint ${target ?? ''}`.trim();
    case 'flow.published':
      return `Published flow ${quoted(target, 'a flow')}`;
    case 'flow.activated':
      return `Activated flow ${quoted(target, 'a flow')}`;
    case 'flow.deactivated':
      return `Deactivated flow ${quoted(target, 'a flow')}`;
    case 'flow.deleted':
      return `Deleted flow ${quoted(target, 'a flow')}`;
    default:
      return entry.action;
  }
}

/** A campaign's page, when the entry is about one (it may have been deleted since). */
export function campaignLink(entry: AuditEntry): string | null {
  return entry.target?.type === 'campaign' && entry.target.id
    ? `/campaigns/${entry.target.id}`
    : null;
}
