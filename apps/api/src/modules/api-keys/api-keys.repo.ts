import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys } from '../../db/schema/index.js';

const listColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  prefix: apiKeys.prefix,
  lastUsedAt: apiKeys.lastUsedAt,
  createdAt: apiKeys.createdAt,
};

export function createApiKeysRepo(db: Db) {
  return {
    async insert(row: typeof apiKeys.$inferInsert) {
      const [inserted] = await db.insert(apiKeys).values(row).returning(listColumns);
      return inserted!;
    },

    async list(orgId: string, limit: number, afterId?: string) {
      return db
        .select(listColumns)
        .from(apiKeys)
        .where(
          and(
            eq(apiKeys.orgId, orgId),
            isNull(apiKeys.revokedAt),
            afterId ? lt(apiKeys.id, afterId) : undefined,
          ),
        )
        .orderBy(desc(apiKeys.id))
        .limit(limit);
    },

    async revoke(orgId: string, id: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id });
      return rows.length > 0;
    },

    async findActiveByHash(keyHash: string) {
      const [row] = await db
        .select({ id: apiKeys.id, orgId: apiKeys.orgId, role: apiKeys.role })
        .from(apiKeys)
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
        .limit(1);
      return row ?? null;
    },

    /** Writes only when the stored value is older than a minute, so busy keys cost no extra writes. */
    async touch(id: string, now: Date): Promise<void> {
      await db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(apiKeys.id, id),
            or(
              isNull(apiKeys.lastUsedAt),
              lt(apiKeys.lastUsedAt, sql`${now.toISOString()}::timestamptz - interval '1 minute'`),
            ),
          ),
        );
    },
  };
}

export type ApiKeysRepo = ReturnType<typeof createApiKeysRepo>;
