import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { v7 as uuidv7 } from 'uuid';
import {
  campaigns,
  contacts,
  emailEvents,
  flowRuns,
  links,
  listMembers,
  messages,
  type CampaignAudience,
} from '../../db/schema/index.js';

/**
 * The send ledger (DESIGN.md §5): the audience snapshot, claiming batches with leases, and
 * recording outcomes. Every statement here is set-based; the pipeline never touches one message
 * per statement.
 */

// Time-ordered ids made in SQL, so the snapshot's rows go into the primary key in order.
const UUID_V7 = sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export interface ClaimedMessage {
  id: string;
  contactId: string | null;
  email: string | null;
  attempts: number;
  /** For a flow's email: the run it was sent in. */
  flowRunId: string | null;
}

export interface MessageOutcome {
  id: string;
  status: 'sent' | 'queued' | 'failed' | 'bounced' | 'cancelled';
  senderId: string | null;
  providerMessageId: string | null;
  code: number | null;
  reply: string | null;
  /** When a retried message may be claimed again; ignored for final states. */
  nextAttemptAt: Date | null;
  /** Retry without counting an attempt (outside the contact's window, no sender free). */
  isDeferral?: boolean;
}

export interface RecipientContact {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  timezone: string | null;
  locale: string | null;
  status: string;
  tags: string[];
  attributes: Record<string, unknown>;
  createdAt: Date;
}

export function createLedgerRepo(db: Db) {
  /** The audience as a condition over `contacts` (segments arrive compiled by the caller). */
  function audienceWhere(
    orgId: string,
    audience: CampaignAudience,
    segments: { include: SQL[]; exclude: SQL[] },
  ): SQL {
    const inList = (ids: string[]) =>
      sql`exists (select 1 from ${listMembers} lm where lm.contact_id = ${contacts.id}
          and lm.org_id = ${orgId}::uuid and lm.list_id in (${sql.join(
            ids.map((id) => sql`${id}::uuid`),
            sql`, `,
          )}))`;
    const include: SQL[] = [...segments.include];
    if (audience.listIds.length > 0) include.push(inList(audience.listIds));
    const exclude: SQL[] = [...segments.exclude];
    if (audience.excludeListIds.length > 0) exclude.push(inList(audience.excludeListIds));
    const followUp = audience.followUp;
    if (followUp) {
      const condition =
        followUp.to === 'non_openers'
          ? sql`m.status = 'sent' and m.opened_at is null`
          : followUp.to === 'non_clickers'
            ? sql`m.status = 'sent' and m.clicked_at is null`
            : sql`m.status in ('failed', 'bounced')`;
      include.push(sql`exists (select 1 from ${messages} m where m.campaign_id = ${followUp.campaignId}::uuid
          and m.contact_id = ${contacts.id} and ${condition})`);
    }
    return sql`${contacts.orgId} = ${orgId}::uuid
      and ${contacts.status} = 'subscribed'
      and (${include.length > 0 ? sql.join(include, sql` or `) : sql`false`})
      ${exclude.length > 0 ? sql`and not (${sql.join(exclude, sql` or `)})` : sql``}
      and not exists (select 1 from suppressions sp where sp.org_id = ${orgId}::uuid
                      and sp.email = lower(${contacts.email}))`;
  }

  return {
    audienceWhere,

    async countAudience(where: SQL): Promise<number> {
      const [row] = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from ${contacts} where ${where}`),
      );
      return row?.n ?? 0;
    },

    /**
     * The snapshot: one statement copies the audience into the ledger and moves the campaign to
     * sending, in one transaction. Re-running it (a retried start job) adds nobody twice.
     */
    async snapshot(campaignId: string, orgId: string, where: SQL, startedAt: Date) {
      return db.transaction(async (tx) => {
        const inserted = rowsOf<{ n: number }>(
          await tx.execute(sql`with added as (
              insert into ${messages} (id, org_id, campaign_id, contact_id, email, status, next_attempt_at, created_at)
              select ${UUID_V7}, ${orgId}::uuid, ${campaignId}::uuid, ${contacts.id}, ${contacts.email},
                     'queued', ${startedAt.toISOString()}::timestamptz, now()
              from ${contacts} where ${where}
              on conflict (campaign_id, contact_id) where flow_run_id is null do nothing
              returning 1)
            select count(*)::int as n from added`),
        )[0]?.n;
        const [total] = rowsOf<{ n: number }>(
          await tx.execute(
            sql`select count(*)::int as n from ${messages} where campaign_id = ${campaignId}::uuid`,
          ),
        );
        await tx
          .update(campaigns)
          .set({ recipients: total?.n ?? 0 })
          .where(eq(campaigns.id, campaignId));
        return { added: inserted ?? 0, recipients: total?.n ?? 0 };
      });
    },

    /**
     * Claims up to `limit` due messages: queued ones whose time has come, and ones whose lease
     * ran out (their worker died mid-batch). SKIP LOCKED lets any number of workers claim from
     * one campaign at once without waiting on each other or taking the same row.
     */
    async claim(
      campaignId: string,
      limit: number,
      leaseMs: number,
      /** Only this message (a flow's email, sent on its own). */
      onlyId?: string,
    ): Promise<ClaimedMessage[]> {
      return rowsOf<ClaimedMessage>(
        await db.execute(sql`with due as (
            select id from ${messages}
            where campaign_id = ${campaignId}::uuid and status in ('queued', 'sending')
              ${onlyId ? sql`and id = ${onlyId}::uuid` : sql``}
              and next_attempt_at <= now() and (status = 'queued' or lease_until < now())
            order by next_attempt_at, id
            limit ${limit}
            for update skip locked)
          update ${messages} m set status = 'sending', attempts = m.attempts + 1,
            lease_until = now() + ${`${leaseMs} milliseconds`}::interval
          from due where m.id = due.id
          returning m.id, m.contact_id as "contactId", m.email, m.attempts,
            m.flow_run_id as "flowRunId"`),
      );
    },

    async message(id: string) {
      const [row] = await db
        .select({
          id: messages.id,
          orgId: messages.orgId,
          campaignId: messages.campaignId,
          contactId: messages.contactId,
          flowRunId: messages.flowRunId,
        })
        .from(messages)
        .where(eq(messages.id, id))
        .limit(1);
      return row ?? null;
    },

    /** The events that started these flow runs (runs started otherwise have none). */
    async triggerEvents(
      orgId: string,
      runIds: readonly string[],
    ): Promise<Map<string, { name: string; properties: Record<string, unknown> }>> {
      const found = new Map<string, { name: string; properties: Record<string, unknown> }>();
      if (runIds.length === 0) return found;
      const rows = await db
        .select({ id: flowRuns.id, trigger: flowRuns.trigger })
        .from(flowRuns)
        .where(and(eq(flowRuns.orgId, orgId), inArray(flowRuns.id, [...runIds])));
      for (const { id, trigger } of rows) {
        if (trigger.type !== 'event' || typeof trigger.name !== 'string') continue;
        const properties = trigger.properties;
        found.set(id, {
          name: trigger.name,
          properties:
            properties && typeof properties === 'object' && !Array.isArray(properties)
              ? (properties as Record<string, unknown>)
              : {},
        });
      }
      return found;
    },

    async contactsFor(orgId: string, ids: readonly string[]): Promise<RecipientContact[]> {
      if (ids.length === 0) return [];
      return db
        .select({
          id: contacts.id,
          email: contacts.email,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          phone: contacts.phone,
          timezone: contacts.timezone,
          locale: contacts.locale,
          status: contacts.status,
          tags: contacts.tags,
          attributes: contacts.attributes,
          createdAt: contacts.createdAt,
        })
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), inArray(contacts.id, [...ids])));
    },

    /**
     * Records a batch's outcomes and the campaign's counters in one statement. Only rows still
     * `sending` change: a message someone cancelled meanwhile stays cancelled, and is not counted.
     */
    async record(campaignId: string, outcomes: readonly MessageOutcome[]): Promise<void> {
      if (outcomes.length === 0) return;
      const col = <T>(pick: (o: MessageOutcome) => T) => outcomes.map(pick);
      await db.execute(sql`with changed as (
          update ${messages} m set
            status = v.status::message_status,
            attempts = m.attempts - (case when v.deferral then 1 else 0 end),
            sender_id = coalesce(v.sender_id, m.sender_id),
            provider_message_id = coalesce(v.provider_message_id, m.provider_message_id),
            last_code = coalesce(v.code, m.last_code),
            last_reply = coalesce(v.reply, m.last_reply),
            sent_at = case when v.status = 'sent' then now() else m.sent_at end,
            next_attempt_at = coalesce(v.next_attempt_at, m.next_attempt_at),
            lease_until = null
          from unnest(${pgArray(
            col((o) => o.id),
            'uuid',
          )}, ${pgArray(
            col((o) => o.status),
            'text',
          )},
                      ${pgArray(
                        col((o) => o.senderId),
                        'uuid',
                      )}, ${pgArray(
                        col((o) => o.providerMessageId),
                        'text',
                      )},
                      ${pgArray(
                        col((o) => o.code),
                        'int',
                      )}, ${pgArray(
                        col((o) => o.reply),
                        'text',
                      )},
                      ${pgArray(
                        col((o) => o.nextAttemptAt?.toISOString() ?? null),
                        'timestamptz',
                      )},
                      ${pgArray(
                        col((o) => o.isDeferral ?? false),
                        'boolean',
                      )})
            as v(id, status, sender_id, provider_message_id, code, reply, next_attempt_at, deferral)
          where m.id = v.id and m.status = 'sending'
          returning v.status)
        update ${campaigns} set
          sent_count = sent_count + (select count(*) from changed where status = 'sent'),
          failed_count = failed_count + (select count(*) from changed where status = 'failed'),
          bounced_count = bounced_count + (select count(*) from changed where status = 'bounced'),
          cancelled_count = cancelled_count + (select count(*) from changed where status = 'cancelled')
        where id = ${campaignId}::uuid`);
    },

    /**
     * When a lane should look again: the earliest retry or window time of a queued message, or
     * the end of a claimed message's lease (its worker may have died). Null when none is pending.
     */
    async nextDue(campaignId: string): Promise<{ at: Date | null; pending: number }> {
      const [row] = rowsOf<{ at: string | null; pending: number }>(
        await db.execute(sql`select min(case when status = 'queued' then next_attempt_at else lease_until end) as at,
            count(*)::int as pending
          from ${messages} where campaign_id = ${campaignId}::uuid and status in ('queued', 'sending')`),
      );
      return { at: row?.at ? new Date(row.at) : null, pending: row?.pending ?? 0 };
    },

    /** Closes what is left of a cancelled campaign (claimed messages finish their send). */
    async cancelPending(campaignId: string): Promise<number> {
      const rows = rowsOf<{ n: number }>(
        await db.execute(sql`with c as (update ${messages} set status = 'cancelled', lease_until = null
              where campaign_id = ${campaignId}::uuid and status = 'queued' returning 1),
            counted as (update ${campaigns} set cancelled_count = cancelled_count + (select count(*) from c)
              where id = ${campaignId}::uuid)
          select count(*)::int as n from c`),
      );
      return rows[0]?.n ?? 0;
    },

    /** Bounce events for the timeline and the campaign's numbers. */
    async recordEvents(
      rows: readonly {
        orgId: string;
        campaignId: string;
        messageId: string;
        contactId: string | null;
        type: 'bounce';
        data: Record<string, unknown>;
      }[],
    ) {
      if (rows.length === 0) return;
      await db.insert(emailEvents).values(rows.map((r) => ({ id: uuidv7(), ...r })));
    },

    /** Link ids for the destinations of a batch, adding the new ones. */
    async linkIds(orgId: string, campaignId: string, urls: readonly string[]) {
      if (urls.length === 0) return new Map<string, string>();
      await db.execute(sql`insert into ${links} (id, org_id, campaign_id, url)
        select ${UUID_V7}, ${orgId}::uuid, ${campaignId}::uuid, u
        from unnest(${pgArray([...urls], 'text')}) as u
        on conflict (campaign_id, url) do nothing`);
      const rows = await db
        .select({ id: links.id, url: links.url })
        .from(links)
        .where(and(eq(links.campaignId, campaignId), inArray(links.url, [...urls])));
      return new Map(rows.map((r) => [r.url, r.id]));
    },
  };
}

/** A JS array as one typed array parameter (one bind value however long the batch). */
export function pgArray(values: readonly unknown[], type: string): SQL {
  return sql`${`{${values.map(arrayElement).join(',')}}`}::${sql.raw(type)}[]`;
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${String(value).replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export type LedgerRepo = ReturnType<typeof createLedgerRepo>;
