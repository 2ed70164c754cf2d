/**
 * What happened in an organization, told to the modules that react to it (outgoing webhooks,
 * flow triggers) without the module where it happened knowing who listens.
 *
 * In-process and called after the change is committed: a listener that needs durability writes
 * its own rows (a webhook delivery, a flow run) before returning. Emitting never throws into the
 * caller — a failing listener is logged, the user's request or send batch goes on.
 */
export interface DomainEventMap {
  'contact.created': { contactId: string; source: string };
  'contact.updated': { contactId: string; changed: string[] };
  'contact.unsubscribed': { contactId: string; source: string };
  /** A contact was added to a list (API, import, bulk action, flow step). */
  'list.member_added': { listId: string; contactIds: string[] };
  /**
   * One ingest batch's track events, stored, in the order they were sent (retries of a
   * messageId are not emitted twice). A batch, so a listener queries once per batch, not per
   * event: ingestion runs at thousands of events per second.
   */
  'event.tracked': {
    events: {
      eventId: string;
      contactId: string;
      name: string;
      properties: Record<string, unknown>;
    }[];
  };
  /** One send batch's accepted messages (`email`: the recipient address at send time). */
  'message.sent': {
    messages: { messageId: string; campaignId: string; contactId: string | null; email?: string }[];
  };
  'message.bounced': {
    messages: {
      messageId: string;
      campaignId: string;
      contactId: string | null;
      email?: string;
      reply: string;
    }[];
  };
  'message.opened': {
    messageId: string;
    campaignId: string;
    contactId: string | null;
    isMachine: boolean;
  };
  'message.clicked': {
    messageId: string;
    campaignId: string;
    contactId: string | null;
    url: string;
    isMachine: boolean;
  };
  'campaign.started': { campaignId: string; name: string };
  'campaign.completed': { campaignId: string; name: string; status: string };
  'flow.run.completed': { flowId: string; runId: string; contactId: string; status: string };
  'import.completed': { importId: string; created: number; updated: number; failed: number };
  'job.failed': { jobId: string; name: string; error: string };
}

export type DomainEventType = keyof DomainEventMap;

export type DomainEventListener = <K extends DomainEventType>(
  orgId: string,
  type: K,
  data: DomainEventMap[K],
) => Promise<void> | void;

export interface DomainEvents {
  emit<K extends DomainEventType>(orgId: string, type: K, data: DomainEventMap[K]): Promise<void>;
  /** Every event goes to every listener; a listener picks what it needs. */
  listen(listener: DomainEventListener): void;
}

export function createDomainEvents(onError: (error: unknown, type: string) => void): DomainEvents {
  const listeners: DomainEventListener[] = [];
  return {
    async emit(orgId, type, data) {
      for (const listener of listeners) {
        try {
          await listener(orgId, type, data);
        } catch (error) {
          onError(error, type);
        }
      }
    },
    listen(listener) {
      listeners.push(listener);
    },
  };
}
