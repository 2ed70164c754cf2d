import { randomBytes } from 'node:crypto';
import type { DomainEventMap, DomainEventType } from '../../platform/domain-events.js';

/** The event types an endpoint can subscribe to; the public contract documented in docs/webhooks.md. */
export const WEBHOOK_EVENT_TYPES = [
  'contact.created',
  'contact.updated',
  'contact.unsubscribed',
  'message.sent',
  'message.opened',
  'message.clicked',
  'message.bounced',
  'campaign.started',
  'campaign.completed',
  'flow.run.completed',
  'import.completed',
  'job.failed',
] as const satisfies readonly DomainEventType[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const TYPES = new Set<string>(WEBHOOK_EVENT_TYPES);
export const isWebhookEventType = (type: string): type is WebhookEventType => TYPES.has(type);

/** What a contact event carries, read when the delivery is created (not when it is sent). */
export interface ContactSnapshot {
  id: string;
  email: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  status: string;
}

/** One webhook message before it is stored: a `webhook-id` and the `data` of the body. */
export interface WebhookMessage {
  eventId: string;
  data: Record<string, unknown>;
}

/** `msg_` + 16 random bytes: the Standard Webhooks message id, shared by every endpoint. */
export const newEventId = () => `msg_${randomBytes(16).toString('base64url')}`;

/**
 * Turns one domain event into webhook messages. Batch events (a send batch's `message.sent`,
 * `message.bounced`) become one message per message, as Postmark and Customer.io send them, so
 * a receiver never has to unpack arrays; a batch is at most SEND_BATCH_SIZE messages, which
 * bounds the fan-out of one event.
 */
export function toWebhookMessages<K extends WebhookEventType>(
  type: K,
  data: DomainEventMap[K],
  contacts: Map<string, ContactSnapshot>,
): WebhookMessage[] {
  const one = (payload: Record<string, unknown>) => [{ eventId: newEventId(), data: payload }];
  switch (type) {
    case 'message.sent': {
      const { messages } = data as DomainEventMap['message.sent'];
      return messages.map((m) => ({ eventId: newEventId(), data: { ...m } }));
    }
    case 'message.bounced': {
      const { messages } = data as DomainEventMap['message.bounced'];
      return messages.map((m) => ({ eventId: newEventId(), data: { ...m } }));
    }
    case 'contact.created':
    case 'contact.updated':
    case 'contact.unsubscribed': {
      const { contactId, ...rest } = data as DomainEventMap['contact.created'];
      const contact = contacts.get(contactId);
      // Erased (or never committed) in between: nothing true is left to tell.
      if (!contact) return [];
      return one({ contact, ...rest });
    }
    default:
      return one({ ...(data as Record<string, unknown>) });
  }
}

/** The contact ids an event needs snapshots of. */
export function contactIdsOf(type: WebhookEventType, data: unknown): string[] {
  if (type === 'contact.created' || type === 'contact.updated' || type === 'contact.unsubscribed')
    return [(data as { contactId: string }).contactId];
  return [];
}

const SAMPLE_ID = '00000000-0000-7000-8000-000000000000';
const sampleContact: ContactSnapshot = {
  id: SAMPLE_ID,
  email: 'ada@example.com',
  externalId: 'user_42',
  firstName: 'Ada',
  lastName: 'Lovelace',
  status: 'subscribed',
};
const sampleMessage = {
  messageId: SAMPLE_ID,
  campaignId: SAMPLE_ID,
  contactId: SAMPLE_ID,
  email: 'ada@example.com',
};

/** What `POST /webhooks/:id/test` sends: the shape of a real event, with `test: true`. */
export const SAMPLE_DATA: Record<WebhookEventType, Record<string, unknown>> = {
  'contact.created': { contact: sampleContact, source: 'api' },
  'contact.updated': { contact: sampleContact, changed: ['firstName'] },
  'contact.unsubscribed': {
    contact: { ...sampleContact, status: 'unsubscribed' },
    source: 'link',
  },
  'message.sent': sampleMessage,
  'message.opened': { ...sampleMessage, isMachine: false },
  'message.clicked': { ...sampleMessage, url: 'https://example.com/pricing', isMachine: false },
  'message.bounced': { ...sampleMessage, reply: '550 5.1.1 <ada@example.com>: user unknown' },
  'campaign.started': { campaignId: SAMPLE_ID, name: 'Spring sale' },
  'campaign.completed': { campaignId: SAMPLE_ID, name: 'Spring sale', status: 'sent' },
  'flow.run.completed': {
    flowId: SAMPLE_ID,
    runId: SAMPLE_ID,
    contactId: SAMPLE_ID,
    status: 'completed',
  },
  'import.completed': { importId: SAMPLE_ID, created: 120, updated: 30, failed: 2 },
  'job.failed': { jobId: SAMPLE_ID, name: 'imports.run', error: 'Error: the file is gone' },
};
