import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { pgArray } from '../campaigns/ledger.repo.js';
import { rowsOf } from '../contacts/contacts.repo.js';
import type { MessageType } from './events.message.js';

/** A contact as event ingestion sees it. */
export interface KnownContact {
  id: string;
  email: string;
  externalId: string | null;
}

export interface EventRow {
  id: string;
  contactId: string | null;
  type: string;
  name: string | null;
  messageId: string;
  userId: string | null;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
  occurredAt: Date;
}

export interface NewContactRow {
  id: string;
  activityId: string;
  email: string;
  externalId: string | null;
}

/** The contact columns an identify may change, as stored. */
export interface TraitState {
  id: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
}

export interface EventListFilter {
  name?: string | undefined;
  type?: string | undefined;
  contactId?: string | undefined;
  beforeId?: string | undefined;
}

/** Rows travel as one jsonb parameter: one bind value per statement whatever the batch size. */
const recordset = (rows: readonly object[]) =>
  sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`;
const ts = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export function createEventsRepo(db: Db) {
  return {
    /** Runs fn in one transaction; build the repo it needs from `tx`. */
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx as unknown as Db));
    },

    /** Contacts with any of these external ids or (case-insensitively) emails. */
    async findContacts(
      orgId: string,
      externalIds: readonly string[],
      emails: readonly string[],
    ): Promise<KnownContact[]> {
      if (externalIds.length === 0 && emails.length === 0) return [];
      // Two index probes (the partial external id index and lower(email)) rather than one OR.
      const parts: SQL[] = [];
      if (externalIds.length > 0)
        parts.push(sql`select id, email, external_id from contacts where org_id = ${orgId}::uuid
          and external_id is not null and external_id = any(${pgArray(externalIds, 'text')})`);
      if (emails.length > 0)
        parts.push(sql`select id, email, external_id from contacts where org_id = ${orgId}::uuid
          and lower(email) = any(${pgArray(
            emails.map((e) => e.toLowerCase()),
            'text',
          )})`);
      const rows = rowsOf<{ id: string; email: string; external_id: string | null }>(
        await db.execute(sql.join(parts, sql` union `)),
      );
      return rows.map((r) => ({ id: r.id, email: r.email, externalId: r.external_id }));
    },

    /** anonymousId → the contact the latest identify (or alias) linked it to. */
    async findAnonymousLinks(
      orgId: string,
      anonymousIds: readonly string[],
    ): Promise<Map<string, string>> {
      if (anonymousIds.length === 0) return new Map();
      const rows = rowsOf<{ anonymous_id: string; contact_id: string }>(
        await db.execute(sql`select distinct on (anonymous_id) anonymous_id, contact_id from events
          where org_id = ${orgId}::uuid and anonymous_id = any(${pgArray(anonymousIds, 'text')})
            and contact_id is not null and anonymous_id is not null and type in ('identify', 'alias')
          order by anonymous_id, occurred_at desc`),
      );
      return new Map(rows.map((r) => [r.anonymous_id, r.contact_id]));
    },

    /**
     * Creates contacts for new addresses (blocked when the address is suppressed, as the
     * contacts API does) with their `created` activity. Returns those actually inserted: an
     * address or external id a concurrent request took first is skipped.
     */
    async createContacts(
      orgId: string,
      rows: readonly NewContactRow[],
      now: Date,
    ): Promise<{ id: string; email: string; status: string }[]> {
      if (rows.length === 0) return [];
      return rowsOf<{ id: string; email: string; status: string }>(
        await db.execute(sql`
          with v as (
            select * from ${recordset(rows)} as v(id uuid, "activityId" uuid, email text, "externalId" text)
          ), inserted as (
            insert into contacts (id, org_id, email, external_id, status, source, created_at, updated_at)
            select v.id, ${orgId}::uuid, v.email, v."externalId",
              case when exists (select 1 from suppressions s
                  where s.org_id = ${orgId}::uuid and s.email = lower(v.email))
                then 'blocked'::contact_status else 'subscribed'::contact_status end,
              'events', ${ts(now)}, ${ts(now)}
            from v
            on conflict do nothing
            returning id, email, status
          ), logged as (
            insert into contact_activities (id, org_id, contact_id, type, data, created_at)
            select v."activityId", ${orgId}::uuid, inserted.id, 'created',
              jsonb_build_object('status', inserted.status::text, 'source', 'events'), ${ts(now)}
            from inserted join v on v.id = inserted.id
          )
          select id, email, status::text as status from inserted`),
      );
    },

    /** One multi-row insert; returns the rows that were new (a known messageId is skipped). */
    async insertEvents(
      orgId: string,
      rows: readonly EventRow[],
      now: Date,
    ): Promise<{ id: string; messageId: string }[]> {
      if (rows.length === 0) return [];
      return rowsOf<{ id: string; messageId: string }>(
        await db.execute(sql`
          insert into events (id, org_id, contact_id, type, name, message_id, user_id, anonymous_id,
            properties, context, occurred_at, received_at)
          select r.id, ${orgId}::uuid, r."contactId", r.type, r.name, r."messageId", r."userId",
            r."anonymousId", coalesce(r.properties, '{}'::jsonb), r.context, r."occurredAt", ${ts(now)}
          from ${recordset(rows)} as r(id uuid, "contactId" uuid, type text, name text,
            "messageId" text, "userId" text, "anonymousId" text, properties jsonb, context jsonb,
            "occurredAt" timestamptz)
          on conflict (org_id, message_id) do nothing
          returning id, message_id as "messageId"`),
      );
    },

    /** Locks and reads what identify calls may change, in id order (no deadlock between batches). */
    async lockTraitState(orgId: string, ids: readonly string[]): Promise<TraitState[]> {
      if (ids.length === 0) return [];
      const rows = rowsOf<{
        id: string;
        external_id: string | null;
        first_name: string | null;
        last_name: string | null;
        phone: string | null;
        timezone: string | null;
        attributes: Record<string, unknown>;
      }>(
        await db.execute(sql`select id, external_id, first_name, last_name, phone, timezone, attributes
          from contacts where org_id = ${orgId}::uuid and id = any(${pgArray(ids, 'uuid')})
          order by id for update`),
      );
      return rows.map((r) => ({
        id: r.id,
        externalId: r.external_id,
        firstName: r.first_name,
        lastName: r.last_name,
        phone: r.phone,
        timezone: r.timezone,
        attributes: r.attributes,
      }));
    },

    /** Writes the new state of changed contacts in one statement. */
    async writeTraitState(orgId: string, rows: readonly TraitState[], now: Date): Promise<void> {
      if (rows.length === 0) return;
      await db.execute(sql`
        update contacts c set external_id = v."externalId", first_name = v."firstName",
          last_name = v."lastName", phone = v.phone, timezone = v.timezone,
          attributes = v.attributes, updated_at = ${ts(now)}
        from ${recordset(rows)} as v(id uuid, "externalId" text, "firstName" text, "lastName" text,
          phone text, timezone text, attributes jsonb)
        where c.id = v.id and c.org_id = ${orgId}::uuid`);
    },

    /**
     * Gives events stored without a contact to the contact their anonymousId or userId now
     * belongs to. Each probe reads a partial index holding only unattached events.
     */
    async attach(
      orgId: string,
      column: 'anonymous_id' | 'user_id',
      links: ReadonlyMap<string, string>,
    ): Promise<number> {
      if (links.size === 0) return 0;
      const col = sql.raw(column);
      const result = await db.execute(sql`
        with changed as (
          update events e set contact_id = v.contact_id
          from unnest(${pgArray([...links.keys()], 'text')}, ${pgArray([...links.values()], 'uuid')})
            as v(key, contact_id)
          where e.org_id = ${orgId}::uuid and e.contact_id is null and e.${col} is not null
            and e.${col} = v.key
          returning 1
        ) select count(*)::int as n from changed`);
      return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
    },

    /** Newest first by id (time-ordered), with the contact's email. */
    async list(orgId: string, filter: EventListFilter, limit: number) {
      const rows = rowsOf<{
        id: string;
        type: MessageType;
        name: string | null;
        message_id: string;
        user_id: string | null;
        anonymous_id: string | null;
        contact_id: string | null;
        contact_email: string | null;
        properties: Record<string, unknown>;
        context: Record<string, unknown> | null;
        occurred_at: string | Date;
        received_at: string | Date;
      }>(
        await db.execute(sql`select e.id, e.type, e.name, e.message_id, e.user_id, e.anonymous_id,
            e.contact_id, c.email as contact_email, e.properties, e.context, e.occurred_at, e.received_at
          from events e left join contacts c on c.id = e.contact_id and c.org_id = e.org_id
          where e.org_id = ${orgId}::uuid
            ${filter.name !== undefined ? sql`and e.name = ${filter.name}` : sql``}
            ${filter.type !== undefined ? sql`and e.type = ${filter.type}` : sql``}
            ${filter.contactId !== undefined ? sql`and e.contact_id = ${filter.contactId}::uuid` : sql``}
            ${filter.beforeId !== undefined ? sql`and e.id < ${filter.beforeId}::uuid` : sql``}
          order by e.id desc limit ${limit}`),
      );
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        name: r.name,
        messageId: r.message_id,
        userId: r.user_id,
        anonymousId: r.anonymous_id,
        contactId: r.contact_id,
        contactEmail: r.contact_email,
        properties: r.properties,
        context: r.context,
        occurredAt: new Date(r.occurred_at),
        receivedAt: new Date(r.received_at),
      }));
    },
  };
}

export type EventsRepo = ReturnType<typeof createEventsRepo>;
