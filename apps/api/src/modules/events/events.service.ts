import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import { createEventIngestion } from './events.ingest.js';
import type { MessageType } from './events.message.js';
import { createEventsRepo } from './events.repo.js';

export interface ListEventsQuery {
  cursor?: string | undefined;
  limit: number;
  name?: string | undefined;
  type?: MessageType | undefined;
  contactId?: string | undefined;
}

export function createEventsService(deps: { db: Db; clock: Clock; domainEvents: DomainEvents }) {
  const repo = createEventsRepo(deps.db);
  const ingestion = createEventIngestion(deps);
  return {
    ingest: ingestion.ingest,

    /** Recent events of the organization, newest first (the event explorer). */
    async list(principal: Principal, query: ListEventsQuery) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(
        principal.orgId,
        { name: query.name, type: query.type, contactId: query.contactId, beforeId: before?.[0] },
        query.limit + 1,
      );
      return toPage(rows, query.limit, (r) => [r.id]);
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
