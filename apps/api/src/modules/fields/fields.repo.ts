import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fields } from '../../db/schema/index.js';

export type FieldRow = typeof fields.$inferSelect;
export type FieldType = FieldRow['type'];

const columns = {
  id: fields.id,
  key: fields.key,
  label: fields.label,
  type: fields.type,
  createdAt: fields.createdAt,
};

export function createFieldsRepo(db: Db) {
  return {
    async list(orgId: string, limit: number, afterKey?: string) {
      return db
        .select(columns)
        .from(fields)
        .where(
          and(
            eq(fields.orgId, orgId),
            afterKey !== undefined ? gt(fields.key, afterKey) : undefined,
          ),
        )
        .orderBy(asc(fields.key))
        .limit(limit);
    },

    /** Every definition of the organization, by key; organizations define tens, not thousands. */
    async listAll(orgId: string) {
      return db
        .select(columns)
        .from(fields)
        .where(eq(fields.orgId, orgId))
        .orderBy(asc(fields.key));
    },

    async typesOf(orgId: string, keys: string[]): Promise<Map<string, FieldType>> {
      if (keys.length === 0) return new Map();
      const rows = await db
        .select({ key: fields.key, type: fields.type })
        .from(fields)
        .where(and(eq(fields.orgId, orgId), inArray(fields.key, keys)));
      return new Map(rows.map((r) => [r.key, r.type]));
    },

    /** Null when the organization already has a field with this key. */
    async insert(row: typeof fields.$inferInsert) {
      const [inserted] = await db
        .insert(fields)
        .values(row)
        .onConflictDoNothing()
        .returning(columns);
      return inserted ?? null;
    },

    async updateLabel(orgId: string, id: string, label: string) {
      const [row] = await db
        .update(fields)
        .set({ label })
        .where(and(eq(fields.orgId, orgId), eq(fields.id, id)))
        .returning(columns);
      return row ?? null;
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(fields)
        .where(and(eq(fields.orgId, orgId), eq(fields.id, id)))
        .returning({ id: fields.id });
      return rows.length > 0;
    },
  };
}

export type FieldsRepo = ReturnType<typeof createFieldsRepo>;
