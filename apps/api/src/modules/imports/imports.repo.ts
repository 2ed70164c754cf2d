import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { contactStatusEnum, fields, importErrors, imports, lists } from '../../db/schema/index.js';
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

/**
 * Each import stages into its own UNLOGGED table: COPY into it skips the WAL, and dropping it
 * at the end is instant where deleting a million staged rows would not be. A crash loses it,
 * which is fine: a restarted run stages again from the file.
 */
const stagingName = (importId: string) => `import_staging_${importId.replace(/-/g, '')}`;
const stagingTable = (importId: string) =>
  pgTable(stagingName(importId), {
    line: integer('line').notNull(),
    contactId: uuid('contact_id').notNull(),
    email: text('email').notNull(),
    emailLower: text('email_lower').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    timezone: text('timezone'),
    locale: text('locale'),
    status: contactStatusEnum('status'),
    tags: text('tags').array(),
    attributes: jsonb('attributes').$type<Record<string, unknown>>(),
  });

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

    /** A (re)started run begins with an empty staging table and no recorded errors. */
    async resetStaging(importId: string) {
      await this.dropStaging(importId);
      await db.execute(
        sql.raw(`create unlogged table ${stagingName(importId)} (
          line integer not null, contact_id uuid not null, email text not null, email_lower text not null,
          first_name text, last_name text, phone text, timezone text, locale text, status contact_status,
          tags text[], attributes jsonb)`),
      );
      await db.delete(importErrors).where(eq(importErrors.importId, importId));
    },

    async dropStaging(importId: string) {
      await db.execute(sql.raw(`drop table if exists ${stagingName(importId)}`));
    },

    /** Stores every staged batch: one COPY stream on PostgreSQL, batched INSERTs on PGlite. */
    async stageAll(importId: string, batches: AsyncIterable<StagedRow[]>): Promise<void> {
      if (database.copyFrom) {
        await database.copyFrom(
          `COPY ${stagingName(importId)} (${COPY_COLUMNS}) FROM STDIN`,
          (async function* () {
            for await (const rows of batches)
              if (rows.length > 0) yield rows.map(copyLine).join('');
          })(),
        );
        return;
      }
      const table = stagingTable(importId);
      // PGlite has no COPY FROM STDIN; multi-row INSERTs stay under the 65k bind-parameter limit.
      for await (const rows of batches) {
        for (let i = 0; i < rows.length; i += 2000)
          await db.insert(table).values(rows.slice(i, i + 2000));
      }
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
      const staging = sql.raw(stagingName(o.importId));
      return db.transaction(async (tx) => {
        // Resolve duplicates once (last row wins) into a temporary table both statements read,
        // instead of sorting the staged rows again for each of them.
        const src = sql.raw(`${stagingName(o.importId)}_src`);
        await tx.execute(
          sql`create temp table ${src} on commit drop as
              select distinct on (email_lower) * from ${staging} order by email_lower, line desc`,
        );
        const [counts] = rowsOf<{ total: number; distinct: number }>(
          await tx.execute(sql`select (select count(*)::int from ${staging}) as total,
                                      (select count(*)::int from ${src}) as "distinct"`),
        );
        await tx.execute(sql`analyze ${src}`);
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
                  tags = case when s.tags is null then c.tags
                    else array(select distinct t from unnest(c.tags || s.tags) as t) end,
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
                  coalesce(s.tags, '{}'),
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
        await tx.execute(sql`drop table ${staging}`);
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
