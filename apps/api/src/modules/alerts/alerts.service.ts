import type { Principal } from '../../http/access.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import type { AlertsRepo } from './alerts.repo.js';

export function createAlertsService(deps: { repo: AlertsRepo; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    async list(
      principal: Principal,
      query: {
        cursor?: string | undefined;
        limit: number;
        status?: 'open' | 'resolved' | undefined;
      },
    ) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.list(principal.orgId, {
        limit: query.limit + 1,
        ...(before ? { beforeId: before[0] } : {}),
        ...(query.status ? { isOpen: query.status === 'open' } : {}),
      });
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return { ...page, openCount: await repo.openCount(principal.orgId) };
    },

    async resolve(principal: Principal, id: string) {
      const row = await repo.resolve(principal.orgId, id, clock.now());
      if (!row) throw notFound('Alert');
      return row;
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
