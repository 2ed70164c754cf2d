import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alerts } from '../../db/schema/index.js';

export function createAlertsRepo(db: Db) {
  return {
    async list(orgId: string, query: { limit: number; beforeId?: string; isOpen?: boolean }) {
      return db
        .select()
        .from(alerts)
        .where(
          and(
            eq(alerts.orgId, orgId),
            query.isOpen === true ? isNull(alerts.resolvedAt) : undefined,
            query.isOpen === false ? sql`${alerts.resolvedAt} is not null` : undefined,
            query.beforeId ? lt(alerts.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(alerts.id))
        .limit(query.limit);
    },

    async openCount(orgId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(alerts)
        .where(and(eq(alerts.orgId, orgId), isNull(alerts.resolvedAt)));
      return row?.n ?? 0;
    },

    async resolve(orgId: string, id: string, now: Date) {
      const [row] = await db
        .update(alerts)
        .set({ resolvedAt: sql`coalesce(${alerts.resolvedAt}, ${now.toISOString()}::timestamptz)` })
        .where(and(eq(alerts.orgId, orgId), eq(alerts.id, id)))
        .returning();
      return row ?? null;
    },
  };
}

export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
