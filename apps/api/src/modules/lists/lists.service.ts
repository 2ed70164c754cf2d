import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import { createListsRepo } from './lists.repo.js';

export function createListsService(deps: {
  db: Db;
  clock: Clock;
  /** Told about contacts added to a list (flow triggers, webhooks). */
  domainEvents?: Pick<DomainEvents, 'emit'>;
}) {
  const { clock } = deps;
  const repo = createListsRepo(deps.db);

  async function get(principal: Principal, id: string) {
    const row = await repo.find(principal.orgId, id);
    if (!row) throw notFound('List');
    return row;
  }

  return {
    get,

    /** Newest first, with member counts. */
    async list(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(principal.orgId, query.limit + 1, before?.[0]);
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    async create(
      principal: Principal,
      input: { name: string; description?: string | null | undefined },
    ) {
      const now = clock.now();
      return repo.insert({
        id: uuidv7(),
        orgId: principal.orgId,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        createdAt: now,
        updatedAt: now,
      });
    },

    async update(
      principal: Principal,
      id: string,
      input: { name?: string | undefined; description?: string | null | undefined },
    ) {
      const updated = await repo.update(principal.orgId, id, {
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.description !== undefined
          ? { description: input.description?.trim() || null }
          : {}),
        updatedAt: clock.now(),
      });
      if (!updated) throw notFound('List');
      return get(principal, id);
    },

    /** Deleting a list removes its memberships, never the contacts. */
    async remove(principal: Principal, id: string) {
      if (!(await repo.exists(principal.orgId, id))) throw notFound('List');
      // A segment that tests this list would stop working; same rule as deleting a segment.
      const users = await repo.segmentsUsing(principal.orgId, id);
      if (users.length > 0) {
        throw new AppError(
          'conflict',
          `List is used by segment(s): ${users.map((s) => s.name).join(', ')}. Change those first.`,
        );
      }
      if (!(await repo.delete(principal.orgId, id))) throw notFound('List');
    },

    /** Idempotent; ids of contacts the organization does not have are skipped silently. */
    async addMembers(principal: Principal, id: string, contactIds: string[]) {
      if (!(await repo.exists(principal.orgId, id))) throw notFound('List');
      const ids = [...new Set(contactIds)];
      const added = await repo.addContactIds(principal.orgId, id, ids, clock.now());
      if (added.length > 0)
        await deps.domainEvents?.emit(principal.orgId, 'list.member_added', {
          listId: id,
          contactIds: added,
        });
      return { added: added.length };
    },

    async removeMembers(principal: Principal, id: string, contactIds: string[]) {
      if (!(await repo.exists(principal.orgId, id))) throw notFound('List');
      const ids = [...new Set(contactIds)];
      return { removed: await repo.removeContacts(principal.orgId, id, { ids }) };
    },
  };
}

export type ListsService = ReturnType<typeof createListsService>;
