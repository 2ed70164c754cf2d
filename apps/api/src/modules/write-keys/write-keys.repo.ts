import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { writeKeys } from '../../db/schema/index.js';

const listColumns = {
  id: writeKeys.id,
  name: writeKeys.name,
  prefix: writeKeys.prefix,
  lastUsedAt: writeKeys.lastUsedAt,
  createdAt: writeKeys.createdAt,
};

export function createWriteKeysRepo(db: Db) {
  return {
    async insert(row: typeof writeKeys.$inferInsert) {
      const [inserted] = await db.insert(writeKeys).values(row).returning(listColumns);
      return inserted!;
    },

    async list(orgId: string, limit: number, afterId?: string) {
      return db
        .select(listColumns)
        .from(writeKeys)
        .where(
          and(
            eq(writeKeys.orgId, orgId),
            isNull(writeKeys.revokedAt),
            afterId ? lt(writeKeys.id, afterId) : undefined,
          ),
        )
        .orderBy(desc(writeKeys.id))
        .limit(limit);
    },

    async revoke(orgId: string, id: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(writeKeys)
        .set({ revokedAt: now })
        .where(and(eq(writeKeys.orgId, orgId), eq(writeKeys.id, id), isNull(writeKeys.revokedAt)))
        .returning({ id: writeKeys.id });
      return rows.length > 0;
    },

    async findActiveByHash(keyHash: string) {
      const [row] = await db
        .select({ id: writeKeys.id, orgId: writeKeys.orgId })
        .from(writeKeys)
        .where(and(eq(writeKeys.keyHash, keyHash), isNull(writeKeys.revokedAt)))
        .limit(1);
      return row ?? null;
    },

    /** Writes only when the stored value is older than a minute, so busy keys cost no extra writes. */
    async touch(id: string, now: Date): Promise<void> {
      await db
        .update(writeKeys)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(writeKeys.id, id),
            or(
              isNull(writeKeys.lastUsedAt),
              lt(
                writeKeys.lastUsedAt,
                sql`${now.toISOString()}::timestamptz - interval '1 minute'`,
              ),
            ),
          ),
        );
    },
  };
}

export type WriteKeysRepo = ReturnType<typeof createWriteKeysRepo>;
