import { and, asc, eq, gt, like, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { suppressions } from '../../db/schema/index.js';

export type SuppressionRow = Omit<typeof suppressions.$inferSelect, 'orgId'>;

const columns = {
  id: suppressions.id,
  email: suppressions.email,
  reason: suppressions.reason,
  createdAt: suppressions.createdAt,
};

const likePrefix = (value: string) => `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Suppressed addresses are stored lowercased, so every lookup here takes a lowercased email. */
export function createSuppressionsRepo(db: Db) {
  return {
    /** Runs fn in one transaction; build the repos it needs from `tx`. */
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx as unknown as Db));
    },

    async list(orgId: string, search: string | undefined, limit: number, afterEmail?: string) {
      return db
        .select(columns)
        .from(suppressions)
        .where(
          and(
            eq(suppressions.orgId, orgId),
            search ? like(suppressions.email, likePrefix(search)) : undefined,
            afterEmail !== undefined ? gt(suppressions.email, afterEmail) : undefined,
          ),
        )
        .orderBy(asc(suppressions.email))
        .limit(limit);
    },

    async findByEmail(orgId: string, email: string): Promise<SuppressionRow | null> {
      const [row] = await db
        .select(columns)
        .from(suppressions)
        .where(and(eq(suppressions.orgId, orgId), eq(suppressions.email, email)))
        .limit(1);
      return row ?? null;
    },

    /** Inserts, or replaces the reason of the existing entry; `created` tells which. */
    async upsert(row: typeof suppressions.$inferInsert) {
      const [result] = await db
        .insert(suppressions)
        .values(row)
        .onConflictDoUpdate({
          target: [suppressions.orgId, suppressions.email],
          set: { reason: row.reason },
        })
        .returning({ ...columns, created: sql<boolean>`(xmax = 0)` });
      const { created, ...suppression } = result!;
      return { suppression, created };
    },

    /** Keeps an existing entry (and its original reason) untouched. */
    async insertIfAbsent(row: typeof suppressions.$inferInsert): Promise<void> {
      await db.insert(suppressions).values(row).onConflictDoNothing();
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(suppressions)
        .where(and(eq(suppressions.orgId, orgId), eq(suppressions.id, id)))
        .returning({ id: suppressions.id });
      return rows.length > 0;
    },
  };
}

export type SuppressionsRepo = ReturnType<typeof createSuppressionsRepo>;
