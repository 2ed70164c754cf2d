import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { idempotencyKeys } from '../../db/schema/index.js';

export function createIdempotencyRepo(db: Db) {
  return {
    /** Claims the key for this request; false when another request already holds it. */
    async claim(orgId: string, key: string, fingerprint: string): Promise<boolean> {
      const rows = await db
        .insert(idempotencyKeys)
        .values({ orgId, key, fingerprint })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      return rows.length > 0;
    },

    async find(orgId: string, key: string) {
      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.key, key)))
        .limit(1);
      return row ?? null;
    },

    async complete(
      orgId: string,
      key: string,
      response: { status: number; contentType: string | null; body: string },
    ) {
      await db
        .update(idempotencyKeys)
        .set(response)
        .where(
          and(
            eq(idempotencyKeys.orgId, orgId),
            eq(idempotencyKeys.key, key),
            isNull(idempotencyKeys.status),
          ),
        );
    },

    async release(orgId: string, key: string) {
      await db
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.key, key)));
    },

    async purge(before: Date): Promise<void> {
      await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
    },
  };
}

export type IdempotencyRepo = ReturnType<typeof createIdempotencyRepo>;
