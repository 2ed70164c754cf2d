import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { fields, importErrors, importRows, imports, lists } from '../../db/schema/index.js';
import { COPY_COLUMNS, copyLine, type RejectedRow, type StagedRow } from './import.rows.js';

export type ImportRow = typeof imports.$inferSelect;

export interface ApplyOptions {
  importId: string;
  orgId: string;
  mode: 'upsert' | 'create' | 'update';
  tags: string[];
  listId: string | null;
  resubscribe: boolean;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

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

    /** A retried run starts over: whatever a crashed run staged is discarded. */
    async resetStaging(importId: string) {
      await db.delete(importRows).where(eq(importRows.importId, importId));
      await db.delete(importErrors).where(eq(importErrors.importId, importId));
    },

    async stage(importId: string, rows: StagedRow[]): Promise<void> {
      if (rows.length === 0) return;
      if (database.copyFrom) {
        await database.copyFrom(
          `COPY import_rows (${COPY_COLUMNS}) FROM STDIN`,
          (async function* () {
            // One chunk per batch: COPY is fed a few large writes, not thousands of tiny ones.
            yield rows.map((r) => copyLine(importId, r)).join('');
          })(),
        );
        return;
      }
      await db.insert(importRows).values(rows.map((r) => ({ ...r, importId })));
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

    /**
     * Applies every staged row in one transaction: updates existing contacts, inserts new ones,
     * adds list memberships, marks the import completed. Duplicates in the file resolve to the
     * last occurrence. Suppressed addresses always end up blocked; an unsubscribed, bounced,
     * complained or blocked contact is re-subscribed only when the import allows it.
     */
    async apply(o: ApplyOptions, finish: Partial<typeof imports.$inferInsert>) {
      return db.transaction(async (tx) => {
        const [counts] = rowsOf<{ total: number; distinct: number }>(
          await tx.execute(sql`select count(*)::int as total, count(distinct email_lower)::int as "distinct"
                               from import_rows where import_id = ${o.importId}`),
        );
        const tags = sql`${`{${o.tags.map((t) => `"${t.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`}::text[]`;
        const src = sql`(select distinct on (email_lower) * from import_rows where import_id = ${o.importId}
                         order by email_lower, line desc)`;
        const suppressed = (col: SQL) =>
          sql`exists (select 1 from suppressions sp where sp.org_id = ${o.orgId} and sp.email = ${col})`;
        const addToList = (ids: SQL) =>
          o.listId
            ? sql`, lm as (insert into list_members (list_id, contact_id, org_id, created_at)
                          select ${o.listId}, id, ${o.orgId}, now() from ${ids} on conflict do nothing)`
            : sql``;

        let updated = 0;
        if (o.mode !== 'create') {
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql`with up as (
                update contacts c set
                  first_name = coalesce(s.first_name, c.first_name),
                  last_name = coalesce(s.last_name, c.last_name),
                  phone = coalesce(s.phone, c.phone),
                  timezone = coalesce(s.timezone, c.timezone),
                  locale = coalesce(s.locale, c.locale),
                  status = case
                    when ${suppressed(sql`s.email_lower`)} then 'blocked'::contact_status
                    when s.status is null then c.status
                    when c.status <> 'subscribed' and s.status = 'subscribed' and not ${o.resubscribe} then c.status
                    else s.status end,
                  tags = case when s.tags is null and cardinality(${tags}) = 0 then c.tags
                    else array(select distinct t from unnest(c.tags || coalesce(s.tags, '{}') || ${tags}) as t) end,
                  attributes = c.attributes || coalesce(s.attributes, '{}'::jsonb),
                  updated_at = now()
                from ${src} s
                where c.org_id = ${o.orgId} and lower(c.email) = s.email_lower
                returning c.id)
              ${addToList(sql`up`)}
              select count(*)::int as n from up`),
          );
          updated = row?.n ?? 0;
        }

        let inserted = 0;
        if (o.mode !== 'update') {
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql`with ins as (
                insert into contacts (id, org_id, email, first_name, last_name, phone, timezone, locale,
                                      status, tags, attributes, source, created_at, updated_at)
                select s.contact_id, ${o.orgId}, s.email, s.first_name, s.last_name, s.phone, s.timezone, s.locale,
                  case when ${suppressed(sql`s.email_lower`)} then 'blocked'::contact_status
                       else coalesce(s.status, 'subscribed') end,
                  array(select distinct t from unnest(coalesce(s.tags, '{}') || ${tags}) as t),
                  coalesce(s.attributes, '{}'::jsonb), 'import', now(), now()
                from ${src} s
                on conflict (org_id, lower(email)) do nothing
                returning id)
              ${addToList(sql`ins`)}
              select count(*)::int as n from ins`),
          );
          inserted = row?.n ?? 0;
        }

        const total = counts?.total ?? 0;
        const distinct = counts?.distinct ?? 0;
        const result = {
          inserted,
          updated,
          duplicates: total - distinct,
          skipped: distinct - inserted - updated,
        };
        await tx.delete(importRows).where(eq(importRows.importId, o.importId));
        await tx
          .update(imports)
          .set({ ...finish, ...result, status: 'completed' })
          .where(eq(imports.id, o.importId));
        return result;
      });
    },
  };
}

type SQL = ReturnType<typeof sql>;
export type ImportsRepo = ReturnType<typeof createImportsRepo>;
