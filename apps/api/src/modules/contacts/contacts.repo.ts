import { and, arrayContains, asc, desc, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactActivities, contacts, listMembers } from '../../db/schema/index.js';

export type ContactRow = Omit<typeof contacts.$inferSelect, 'orgId'>;
export type ContactStatus = ContactRow['status'];
export type ActivityRow = Omit<typeof contactActivities.$inferSelect, 'orgId' | 'contactId'>;

export const CONTACT_SORTS = ['created_at', '-created_at', 'email', '-email'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** Which contacts of one organization a query, bulk action or export covers. */
export interface ContactFilter {
  ids?: string[];
  /** Exactly this address, case-insensitively. */
  email?: string;
  /** Prefix of the email, first name, last name or full name; case-insensitive. */
  search?: string;
  status?: ContactStatus;
  tag?: string;
  listId?: string;
  /** A compiled segment condition over `contacts` (from the segments service). */
  segment?: SQL;
  /** Keyset batch: ids greater than `idAfter` and at most `idUpTo`. */
  idAfter?: string;
  idUpTo?: string;
}

const columns = {
  id: contacts.id,
  email: contacts.email,
  externalId: contacts.externalId,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  phone: contacts.phone,
  timezone: contacts.timezone,
  locale: contacts.locale,
  status: contacts.status,
  tags: contacts.tags,
  attributes: contacts.attributes,
  source: contacts.source,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
};

const activityColumns = {
  id: contactActivities.id,
  type: contactActivities.type,
  data: contactActivities.data,
  createdAt: contactActivities.createdAt,
};

/**
 * A time-ordered (version 7) uuid made by the database, for activity rows written by set-based
 * statements; JS writes use uuidv7() — both sort by time, so timelines stay in order.
 */
const UUID_V7 = sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

const likePrefix = (value: string) => `${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const timestamp = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** Both drivers answer db.execute() with `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Runs a data-changing statement and returns how many rows it touched. */
export async function countChanged(db: Db, statement: SQL): Promise<number> {
  const result = await db.execute(
    sql`with changed as (${statement} returning 1) select count(*)::int as n from changed`,
  );
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

/** PostgreSQL's unique_violation, whichever driver (and Drizzle wrapper) raised it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** The WHERE condition for a filter, always scoped to the organization. */
export function contactsWhere(orgId: string, filter: ContactFilter): SQL {
  const { ids, email, search, status, tag, listId, segment, idAfter, idUpTo } = filter;
  const pattern = search ? likePrefix(search) : undefined;
  return and(
    eq(contacts.orgId, orgId),
    ids ? inArray(contacts.id, ids) : undefined,
    email !== undefined ? sql`lower(${contacts.email}) = lower(${email})` : undefined,
    status ? eq(contacts.status, status) : undefined,
    tag !== undefined ? arrayContains(contacts.tags, [tag]) : undefined,
    // The email prefix is served by contacts_org_email_key (lower(email) text_pattern_ops).
    pattern
      ? sql`(lower(${contacts.email}) like ${pattern}
          or lower(${contacts.firstName}) like ${pattern}
          or lower(${contacts.lastName}) like ${pattern}
          or lower(${contacts.firstName} || ' ' || ${contacts.lastName}) like ${pattern})`
      : undefined,
    listId
      ? sql`exists (select 1 from ${listMembers} where ${listMembers.contactId} = ${contacts.id}
          and ${listMembers.listId} = ${listId} and ${listMembers.orgId} = ${orgId})`
      : undefined,
    segment,
    idAfter !== undefined ? gt(contacts.id, idAfter) : undefined,
    idUpTo !== undefined ? lte(contacts.id, idUpTo) : undefined,
  )!;
}

export function createContactsRepo(db: Db) {
  return {
    /** Runs fn in one transaction; build the repos it needs from `tx`. */
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx as unknown as Db));
    },

    async find(orgId: string, id: string, options: { lock?: boolean } = {}) {
      const query = db
        .select(columns)
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)))
        .limit(1);
      const [row] = options.lock ? await query.for('update') : await query;
      return row ?? null;
    },

    async findByEmail(orgId: string, email: string, options: { lock?: boolean } = {}) {
      const query = db
        .select(columns)
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), sql`lower(${contacts.email}) = lower(${email})`))
        .limit(1);
      const [row] = options.lock ? await query.for('update') : await query;
      return row ?? null;
    },

    async findByExternalId(orgId: string, externalId: string) {
      const [row] = await db
        .select(columns)
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), eq(contacts.externalId, externalId)))
        .limit(1);
      return row ?? null;
    },

    /** Null when the email is already taken (a concurrent insert won). */
    async insert(row: typeof contacts.$inferInsert): Promise<ContactRow | null> {
      const [inserted] = await db
        .insert(contacts)
        .values(row)
        .onConflictDoNothing()
        .returning(columns);
      return inserted ?? null;
    },

    async update(
      orgId: string,
      id: string,
      patch: Partial<Omit<typeof contacts.$inferInsert, 'id' | 'orgId' | 'createdAt'>>,
    ): Promise<ContactRow | null> {
      const [row] = await db
        .update(contacts)
        .set(patch)
        .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)))
        .returning(columns);
      return row ?? null;
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(contacts)
        .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)))
        .returning({ id: contacts.id });
      return rows.length > 0;
    },

    /**
     * One keyset page. `after` is the previous page's last [sortKey, id], where sortKey is
     * lower(email) or created_at as text (microseconds intact, so no row is skipped or repeated).
     */
    async list(
      orgId: string,
      filter: ContactFilter,
      sort: ContactSort,
      limit: number,
      after?: [string, string],
    ) {
      const byEmail = sort === 'email' || sort === '-email';
      const descending = sort.startsWith('-');
      const direction = descending ? desc : asc;
      const op = sql.raw(descending ? '<' : '>');
      // Byte order ("C") so the order is the same on every server whatever its default collation.
      const key = byEmail ? sql`lower(${contacts.email}) collate "C"` : sql`${contacts.createdAt}`;
      const afterKey = after
        ? byEmail
          ? sql`(lower(${contacts.email}) collate "C", ${contacts.id}) ${op} (${after[0]}::text collate "C", ${after[1]}::uuid)`
          : sql`(${contacts.createdAt}, ${contacts.id}) ${op} (${after[0]}::timestamptz, ${after[1]}::uuid)`
        : undefined;
      return db
        .select({
          ...columns,
          sortKey: byEmail
            ? sql<string>`lower(${contacts.email})`
            : sql<string>`${contacts.createdAt}::text`,
        })
        .from(contacts)
        .where(and(contactsWhere(orgId, filter), afterKey))
        .orderBy(direction(key), direction(contacts.id))
        .limit(limit);
    },

    /** Export pages: by id, `size` rows after `afterId`. */
    async page(orgId: string, filter: ContactFilter, size: number) {
      return db
        .select(columns)
        .from(contacts)
        .where(contactsWhere(orgId, filter))
        .orderBy(asc(contacts.id))
        .limit(size);
    },

    /**
     * The last id of the next batch of at most `size` matching contacts after `afterId`, or null
     * when none is left. Bulk statements then run over (afterId, bound], one batch at a time.
     */
    async batchBound(orgId: string, filter: ContactFilter, size: number): Promise<string | null> {
      const result = await db.execute(
        sql`select batch.id::text as bound from (select ${contacts.id} as id from ${contacts}
          where ${contactsWhere(orgId, filter)} order by ${contacts.id} limit ${size}) batch
          order by batch.id desc limit 1`,
      );
      return rowsOf<{ bound: string | null }>(result)[0]?.bound ?? null;
    },

    async addTag(orgId: string, filter: ContactFilter, tag: string, now: Date): Promise<number> {
      return countChanged(
        db,
        sql`update ${contacts} set tags = array_append(tags, ${tag}::text), updated_at = ${timestamp(now)}
          where ${contactsWhere(orgId, filter)} and not (${contacts.tags} @> array[${tag}::text])`,
      );
    },

    async removeTag(orgId: string, filter: ContactFilter, tag: string, now: Date): Promise<number> {
      return countChanged(
        db,
        sql`update ${contacts} set tags = array_remove(tags, ${tag}::text), updated_at = ${timestamp(now)}
          where ${contactsWhere(orgId, filter)} and ${contacts.tags} @> array[${tag}::text]`,
      );
    },

    async deleteMatching(orgId: string, filter: ContactFilter): Promise<number> {
      return countChanged(db, sql`delete from ${contacts} where ${contactsWhere(orgId, filter)}`);
    },

    /**
     * Sets the status of every matching contact whose status differs, recording a
     * status_changed activity for each, in one statement.
     */
    async setStatus(
      orgId: string,
      filter: ContactFilter,
      to: ContactStatus,
      source: string,
      now: Date,
    ): Promise<number> {
      const result = await db.execute(sql`
        with target as (
          select ${contacts.id} as id, ${contacts.status} as status from ${contacts}
          where ${contactsWhere(orgId, filter)} and ${contacts.status} <> ${to}
          for update
        ), changed as (
          update ${contacts} set status = ${to}, updated_at = ${timestamp(now)}
          from target where ${contacts.id} = target.id
          returning target.id, target.status::text as from_status
        ), logged as (
          insert into ${contactActivities} (id, org_id, contact_id, type, data, created_at)
          select ${UUID_V7}, ${orgId}::uuid, changed.id, 'status_changed',
            jsonb_build_object('from', changed.from_status, 'to', ${to}::text, 'source', ${source}::text),
            ${timestamp(now)}
          from changed
          returning 1
        )
        select count(*)::int as n from logged`);
      return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
    },

    async insertActivities(rows: (typeof contactActivities.$inferInsert)[]): Promise<void> {
      if (rows.length > 0) await db.insert(contactActivities).values(rows);
    },

    /** Everything recorded about one contact, oldest first (for a data-subject request). */
    async allActivities(orgId: string, contactId: string) {
      return db
        .select(activityColumns)
        .from(contactActivities)
        .where(and(eq(contactActivities.orgId, orgId), eq(contactActivities.contactId, contactId)))
        .orderBy(asc(contactActivities.id));
    },

    /**
     * Messages, engagement events, event API events and flow runs kept about a contact (for a
     * data-subject request).
     */
    async engagementOf(orgId: string, contactId: string) {
      const [sent, events, tracked, runs] = await Promise.all([
        db.execute(sql`select id, campaign_id as "campaignId", email, status, attempts, sent_at as "sentAt",
            opened_at as "openedAt", clicked_at as "clickedAt", unsubscribed_at as "unsubscribedAt"
          from messages where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid order by id`),
        db.execute(sql`select id, campaign_id as "campaignId", type, is_machine as "isMachine",
            user_agent as "userAgent", created_at as "createdAt"
          from email_events where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid order by id`),
        db.execute(sql`select id, type, name, message_id as "messageId", user_id as "userId",
            anonymous_id as "anonymousId", properties, context, occurred_at as "occurredAt"
          from events where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid order by id`),
        db.execute(sql`select r.id, r.flow_id as "flowId", f.name as "flowName", r.version, r.status,
            r.trigger, r.exit_reason as "exitReason", r.started_at as "startedAt",
            r.finished_at as "finishedAt"
          from flow_runs r join flows f on f.id = r.flow_id
          where r.org_id = ${orgId}::uuid and r.contact_id = ${contactId}::uuid order by r.id`),
      ]);
      return {
        messages: rowsOf<Record<string, unknown>>(sent),
        events: rowsOf<Record<string, unknown>>(events),
        trackedEvents: rowsOf<Record<string, unknown>>(tracked),
        flowRuns: rowsOf<Record<string, unknown>>(runs),
      };
    },

    /**
     * Erasure keeps campaign numbers: the contact's messages and events stay, without the
     * address, the contact id or the user agent.
     */
    async scrubEngagement(orgId: string, contactId: string) {
      await db.execute(sql`update messages set contact_id = null, email = null
        where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid`);
      await db.execute(sql`update email_events set contact_id = null, user_agent = null
        where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid`);
      // Event API events are the person's own data (properties, context, ids): they go.
      await db.execute(sql`delete from events
        where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid`);
    },

    /**
     * The contact's timeline, newest first: recorded activities (status changes…), the messages
     * campaigns sent them, the engagement with those messages, their events from the event API
     * and their flow runs — one keyset over time-ordered ids from the five tables.
     */
    async listActivities(orgId: string, contactId: string, limit: number, beforeId?: string) {
      // Qualified per table: the joined campaigns have an id too.
      const before = (column: string) =>
        beforeId !== undefined ? sql`and ${sql.raw(column)} < ${beforeId}::uuid` : sql``;
      const rows = rowsOf<{
        id: string;
        type: string;
        data: Record<string, unknown>;
        created_at: string;
      }>(
        await db.execute(sql`select * from (
            select id, type, data, created_at from ${contactActivities}
              where org_id = ${orgId}::uuid and contact_id = ${contactId}::uuid ${before('id')}
            union all
            select m.id, 'message_' || m.status::text,
              jsonb_build_object('campaignId', m.campaign_id, 'campaignName', c.name, 'attempts', m.attempts,
                'reply', m.last_reply),
              coalesce(m.sent_at, m.created_at)
              from messages m join campaigns c on c.id = m.campaign_id
              where m.org_id = ${orgId}::uuid and m.contact_id = ${contactId}::uuid ${before('m.id')}
            union all
            select e.id, e.type::text,
              jsonb_strip_nulls(jsonb_build_object('campaignId', e.campaign_id, 'campaignName', c.name,
                'url', l.url, 'isMachine', e.is_machine)),
              e.created_at
              from email_events e left join campaigns c on c.id = e.campaign_id
              left join links l on l.id = e.link_id
              where e.org_id = ${orgId}::uuid and e.contact_id = ${contactId}::uuid ${before('e.id')}
            union all
            select ev.id, 'event',
              jsonb_strip_nulls(jsonb_build_object('eventType', ev.type, 'name', ev.name,
                'properties', ev.properties)),
              ev.occurred_at
              from events ev
              where ev.org_id = ${orgId}::uuid and ev.contact_id = ${contactId}::uuid ${before('ev.id')}
            union all
            -- Flow runs the contact is or was in (ids are time-ordered: placed at their start).
            select r.id, 'flow_' || r.status::text,
              jsonb_strip_nulls(jsonb_build_object('flowId', r.flow_id, 'flowName', f.name, 'runId', r.id,
                'version', r.version, 'currentStep', r.current_step, 'exitReason', r.exit_reason,
                'finishedAt', r.finished_at)),
              r.started_at
              from flow_runs r join flows f on f.id = r.flow_id
              where r.org_id = ${orgId}::uuid and r.contact_id = ${contactId}::uuid ${before('r.id')}
          ) timeline order by id desc limit ${limit}`),
      );
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        data: r.data,
        createdAt: new Date(r.created_at),
      }));
    },
  };
}

export type ContactsRepo = ReturnType<typeof createContactsRepo>;
