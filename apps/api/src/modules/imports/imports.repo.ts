import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { fields, importErrors, imports, lists } from '../../db/schema/index.js';
import type { RejectedRow } from './import.rows.js';

export type ImportRow = typeof imports.$inferSelect;

export function createImportsRepo(database: Database) {
  const db = database.db;
  return {
    async insert(row: typeof imports.$inferInsert): Promise<ImportRow> {
      const [inserted] = await db.insert(imports).values(row).returning();
      return inserted!;
    },

    async find(orgId: string, id: string): Promise<ImportRow | null> {
      const [row] = await db
        .select()
        .from(imports)
        .where(and(eq(imports.orgId, orgId), eq(imports.id, id)))
        .limit(1);
      return row ?? null;
    },

    async list(orgId: string, limit: number, afterId?: string) {
      return db
        .select()
        .from(imports)
        .where(and(eq(imports.orgId, orgId), afterId ? lt(imports.id, afterId) : undefined))
        .orderBy(desc(imports.id))
        .limit(limit);
    },

    async update(id: string, patch: Partial<typeof imports.$inferInsert>) {
      await db.update(imports).set(patch).where(eq(imports.id, id));
    },

    /** Moves to `to` only from one of `from`; false when the import was elsewhere (e.g. cancelled). */
    async transition(
      id: string,
      from: ImportRow['status'][],
      patch: Partial<typeof imports.$inferInsert>,
    ): Promise<boolean> {
      const rows = await db
        .update(imports)
        .set(patch)
        .where(
          and(
            eq(imports.id, id),
            sql`${imports.status} in (${sql.join(
              from.map((s) => sql`${s}`),
              sql`, `,
            )})`,
          ),
        )
        .returning({ id: imports.id });
      return rows.length > 0;
    },

    async status(id: string) {
      const [row] = await db
        .select({ status: imports.status })
        .from(imports)
        .where(eq(imports.id, id))
        .limit(1);
      return row?.status ?? null;
    },

    async fieldDefinitions(orgId: string) {
      return db
        .select({ key: fields.key, type: fields.type })
        .from(fields)
        .where(eq(fields.orgId, orgId));
    },

    async hasList(orgId: string, listId: string) {
      const [row] = await db
        .select({ id: lists.id })
        .from(lists)
        .where(and(eq(lists.orgId, orgId), eq(lists.id, listId)))
        .limit(1);
      return Boolean(row);
    },

    /** A (re)started run begins with no recorded errors. */
    async resetErrors(importId: string) {
      await db.delete(importErrors).where(eq(importErrors.importId, importId));
    },

    async recordErrors(importId: string, rejected: RejectedRow[]): Promise<void> {
      if (rejected.length === 0) return;
      await db
        .insert(importErrors)
        .values(rejected.map((r) => ({ importId, line: r.line, reason: r.reason, raw: r.raw })))
        .onConflictDoNothing();
    },

    async errorsPage(importId: string, afterLine: number, limit: number) {
      return db
        .select({ line: importErrors.line, reason: importErrors.reason, raw: importErrors.raw })
        .from(importErrors)
        .where(and(eq(importErrors.importId, importId), sql`${importErrors.line} > ${afterLine}`))
        .orderBy(importErrors.line)
        .limit(limit);
    },
  };
}

export type ImportsRepo = ReturnType<typeof createImportsRepo>;
