import type { Principal } from '../../http/access.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { OutboxRepo } from './outbox.repo.js';

export function createOutboxService(deps: { repo: OutboxRepo }) {
  const { repo } = deps;
  return {
    async list(
      principal: Principal,
      query: {
        cursor?: string | undefined;
        limit: number;
        search?: string | undefined;
        campaignId?: string | undefined;
        messageId?: string | undefined;
      },
    ) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(principal.orgId, {
        limit: query.limit + 1,
        ...(before ? { beforeId: before[0] } : {}),
        ...(query.search ? { search: query.search } : {}),
        ...(query.campaignId ? { campaignId: query.campaignId } : {}),
        ...(query.messageId ? { messageId: query.messageId } : {}),
      });
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    async get(principal: Principal, id: string) {
      const row = await repo.find(principal.orgId, id);
      if (!row) throw notFound('Outbox message');
      return row;
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
