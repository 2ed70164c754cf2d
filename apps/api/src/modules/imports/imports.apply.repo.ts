import { eq, sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client.js';
import { contactStatusEnum, imports } from '../../db/schema/index.js';
import type { StagedRow } from './import.rows.js';

export interface ApplyOptions {
  importId: string;
  orgId: string;
  mode: 'upsert' | 'create' | 'update';
  listId: string | null;
  resubscribe: boolean;
}

export interface ApplyCounts {
  inserted: number;
  updated: number;
  skipped: number;
  duplicates: number;
}

/** Rows of one chunk, one per address (in-chunk repeats already merged and counted). */
export interface ImportChunk {
  rows: StagedRow[];
  duplicates: number;
}

/** What the import row records when it completes, written in the same transaction. */
export interface ImportFinish {
  rowsTotal: number;
  failed: number;
  bytesProcessed: number;
  finishedAt: Date;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/**
 * The PGlite path stages into an UNLOGGED table per import: dropping it at the end is instant
 * where deleting a million staged rows would not be, and a crash loses only what a restarted
 * run stages again from the file.
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

// The rules for an existing contact, shared by both paths (`s` is the incoming row, `c` the
// contact): blank cells keep what the contact has; a suppressed address is always blocked; a
// contact that left (unsubscribed, bounced, …) is re-subscribed only when the import allows it.
export const UPDATE_SET = `
  first_name = coalesce(s.first_name, c.first_name),
  last_name = coalesce(s.last_name, c.last_name),
  phone = coalesce(s.phone, c.phone),
  timezone = coalesce(s.timezone, c.timezone),
  locale = coalesce(s.locale, c.locale),
  tags = case when s.tags is null then c.tags
    else array(select distinct t from unnest(c.tags || s.tags) as t) end,
  attributes = c.attributes || coalesce(s.attributes, '{}'::jsonb),
  updated_at = now()`;
export const updateStatus = (suppressed: string, resubscribe: string) => `
  status = case
    when ${suppressed} then 'blocked'::contact_status
    when s.status is null then c.status
    when c.status <> 'subscribed' and s.status = 'subscribed' and not ${resubscribe} then c.status
    else s.status end`;

/** COPY text format: backslash escapes for the characters that frame rows and columns. */
export const copyText = (value: string) =>
  /[\\\t\n\r]/.test(value)
    ? value.replace(
        /[\\\t\n\r]/g,
        (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
      )
    : value;
export const copyNullable = (value: string | null) => (value === null ? '\\N' : copyText(value));
export const copyArray = (values: string[] | null) =>
  values === null
    ? '\\N'
    : copyText(`{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);
export const copyJson = (value: Record<string, unknown> | null) =>
  value === null ? '\\N' : copyText(JSON.stringify(value));

export function createImportApplyRepo(database: Database) {
  const db = database.db;

  return {
    /** PGlite: a (re)started run begins with an empty staging table. */
    async resetStaging(importId: string) {
      await this.dropStaging(importId);
      await db.execute(
        sql.raw(`create unlogged table ${stagingName(importId)} (
          line integer not null, contact_id uuid not null, email text not null, email_lower text not null,
          first_name text, last_name text, phone text, timezone text, locale text, status contact_status,
          tags text[], attributes jsonb)`),
      );
    },

    async dropStaging(importId: string) {
      await db.execute(sql.raw(`drop table if exists ${stagingName(importId)}`));
    },

    /** PGlite: stores staged batches (multi-row INSERTs, under the 65k bind-parameter limit). */
    async stageAll(importId: string, batches: AsyncIterable<StagedRow[]>): Promise<void> {
      const table = stagingTable(importId);
      for await (const rows of batches) {
        for (let i = 0; i < rows.length; i += 2000)
          await db.insert(table).values(rows.slice(i, i + 2000));
      }
    },

    /**
     * PGlite: applies every staged row in one transaction: repeated addresses merged in file
     * order (the same rule as mergeRows), existing contacts updated, new ones inserted, list
     * memberships added, the import marked completed.
     */
    async applyStaged(o: ApplyOptions, finish: ImportFinish): Promise<ApplyCounts> {
      const staging = sql.raw(stagingName(o.importId));
      return db.transaction(async (tx) => {
        const [counts] = rowsOf<{ total: number; distinct: number }>(
          await tx.execute(sql`select count(*)::int as total,
                                      count(distinct email_lower)::int as "distinct" from ${staging}`),
        );
        const total = counts?.total ?? 0;
        const distinct = counts?.distinct ?? 0;
        let src = staging;
        if (distinct < total) {
          src = sql.raw(`${stagingName(o.importId)}_src`);
          await tx.execute(
            sql`create temp table ${src} on commit drop as
                select email_lower,
                  (array_agg(contact_id order by line))[1] as contact_id,
                  (array_agg(email order by line))[1] as email,
                  (array_agg(first_name order by line desc) filter (where first_name is not null))[1] as first_name,
                  (array_agg(last_name order by line desc) filter (where last_name is not null))[1] as last_name,
                  (array_agg(phone order by line desc) filter (where phone is not null))[1] as phone,
                  (array_agg(timezone order by line desc) filter (where timezone is not null))[1] as timezone,
                  (array_agg(locale order by line desc) filter (where locale is not null))[1] as locale,
                  (array_agg(status order by line desc) filter (where status is not null))[1] as status,
                  (select array_agg(distinct t) from unnest(herald_array_union(tags order by line)) as t) as tags,
                  herald_jsonb_merge(attributes order by line) as attributes
                from ${staging} group by email_lower`,
          );
        }
        const suppressed = sql`s.email_lower in (select sp.email from suppressions sp where sp.org_id = ${o.orgId})`;
        const addToList = (ids: SQL) =>
          o.listId
            ? sql`, lm as (insert into list_members (list_id, contact_id, org_id, created_at)
                          select ${o.listId}, id, ${o.orgId}, now() from ${ids} on conflict do nothing)`
            : sql``;

        let updated = 0;
        if (o.mode !== 'create') {
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql`with up as (
                update contacts c set ${sql.raw(UPDATE_SET)}, ${sql.raw(updateStatus('s.suppressed', String(o.resubscribe)))}
                from (select *, ${suppressed} as suppressed from ${src} s) s
                where c.org_id = ${o.orgId} and lower(c.email) = s.email_lower
                returning c.id)
              ${addToList(sql`up`)}
              select count(*)::int as n from up`),
          );
          updated = row?.n ?? 0;
        }

        let inserted = 0;
        if (o.mode !== 'update') {
          // Not "on conflict do nothing": a plain insert of rows known to be new skips the
          // speculative-insertion work; a contact created meanwhile makes the run fail and retry.
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql`with ins as (
                insert into contacts (id, org_id, email, first_name, last_name, phone, timezone, locale,
                                      status, tags, attributes, source, created_at, updated_at)
                select s.contact_id, ${o.orgId}, s.email, s.first_name, s.last_name, s.phone, s.timezone, s.locale,
                  case when ${suppressed} then 'blocked'::contact_status
                       else coalesce(s.status, 'subscribed') end,
                  coalesce(s.tags, '{}'),
                  coalesce(s.attributes, '{}'::jsonb), 'import', now(), now()
                from ${src} s
                where not exists (select 1 from contacts c
                                  where c.org_id = ${o.orgId} and lower(c.email) = s.email_lower)
                returning id)
              ${addToList(sql`ins`)}
              select count(*)::int as n from ins`),
          );
          inserted = row?.n ?? 0;
        }

        const result = {
          inserted,
          updated,
          duplicates: total - distinct,
          skipped: distinct - inserted - updated,
        };
        await tx.execute(sql`drop table ${staging}`);
        await tx
          .update(imports)
          .set({
            ...finish,
            rowsProcessed: finish.rowsTotal,
            ...result,
            status: 'completed',
          })
          .where(eq(imports.id, o.importId));
        return result;
      });
    },
  };
}

type SQL = ReturnType<typeof sql>;
export type ImportApplyRepo = ReturnType<typeof createImportApplyRepo>;
