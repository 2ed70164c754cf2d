import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns, links, messages, organizations } from '../../db/schema/index.js';
import { pgArray } from '../campaigns/ledger.repo.js';

/** A stored hit, as the organization's listeners are told of it. */
export interface RecordedHit {
  orgId: string;
  campaignId: string;
  messageId: string;
  contactId: string | null;
  linkId: string | null;
  type: string;
  isMachine: boolean;
}

export interface TrackingHit {
  type: 'open' | 'click';
  messageId: string;
  linkId: string | null;
  isMachine: boolean;
  userAgent: string | null;
}

/** A click that arrives within this long of the message being sent is a scanner, not a reader. */
const SCANNER_CLICK_SECONDS = 2;

// Time-ordered ids made in SQL, so the events table's key grows in order.
const UUID_V7 = sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

export function createTrackingRepo(db: Db) {
  return {
    /**
     * Records a batch of hits in one transaction: an event per hit (organization, campaign and
     * contact taken from the message, so a hit for an unknown message records nothing), and
     * the messages' first-open/first-click times and counts for people's hits.
     */
    async recordHits(hits: readonly TrackingHit[]): Promise<RecordedHit[]> {
      if (hits.length === 0) return [];
      const col = <T>(pick: (h: TrackingHit) => T) => hits.map(pick);
      return db.transaction(async (tx) => {
        const result = await tx.execute(sql`
          with v as (
            select * from unnest(${pgArray(
              col((h) => h.type),
              'text',
            )}, ${pgArray(
              col((h) => h.messageId),
              'uuid',
            )},
              ${pgArray(
                col((h) => h.linkId),
                'uuid',
              )}, ${pgArray(
                col((h) => h.isMachine),
                'boolean',
              )},
              ${pgArray(
                col((h) => h.userAgent),
                'text',
              )})
              as v(type, message_id, link_id, is_machine, user_agent)
          ), hits as (
            select v.type, v.message_id, v.link_id, v.user_agent, m.org_id, m.campaign_id, m.contact_id,
              v.is_machine or (v.type = 'click' and m.sent_at > now() - ${`${SCANNER_CLICK_SECONDS} seconds`}::interval) as is_machine
            from v join ${messages} m on m.id = v.message_id
          ), events as (
            insert into email_events (id, org_id, campaign_id, message_id, contact_id, type, link_id, is_machine, user_agent, created_at)
            select ${UUID_V7}, org_id, campaign_id, message_id, contact_id, type::email_event_type, link_id, is_machine,
              left(user_agent, 500), now()
            from hits
            returning org_id, campaign_id, message_id, contact_id, link_id, type, is_machine
          ), people as (
            select message_id,
              count(*) filter (where type = 'open') as opens,
              count(*) filter (where type = 'click') as clicks
            from hits where not is_machine group by message_id
          )
          , counted as (
            update ${messages} m set
              open_count = m.open_count + people.opens,
              click_count = m.click_count + people.clicks,
              -- A click means the message was opened, even when the pixel was blocked.
              opened_at = coalesce(m.opened_at, now()),
              clicked_at = case when people.clicks > 0 then coalesce(m.clicked_at, now()) else m.clicked_at end
            from people where m.id = people.message_id
            -- Set by this transaction exactly when the stamp equals its start time (now()):
            -- exact first opens/clicks even when two processes record hits for one message.
            returning m.campaign_id, m.opened_at = now() as first_open,
              people.clicks > 0 and m.clicked_at = now() as first_click
          ), firsts as (
            select campaign_id, count(*) filter (where first_open) as opened,
              count(*) filter (where first_click) as clicked
            from counted group by campaign_id
          ), bumped as (
            update ${campaigns} c set opened_count = c.opened_count + firsts.opened,
              clicked_count = c.clicked_count + firsts.clicked
            from firsts where c.id = firsts.campaign_id and (firsts.opened > 0 or firsts.clicked > 0)
            returning 1)
          select org_id as "orgId", campaign_id as "campaignId", message_id as "messageId",
            contact_id as "contactId", link_id as "linkId", type::text as type, is_machine as "isMachine"
          from events`);
        return (result as unknown as { rows: RecordedHit[] }).rows;
      });
    },

    async linkUrl(linkId: string, messageId: string): Promise<string | null> {
      const [row] = await db
        .select({ url: links.url })
        .from(links)
        .innerJoin(messages, eq(messages.campaignId, links.campaignId))
        .where(and(eq(links.id, linkId), eq(messages.id, messageId)))
        .limit(1);
      return row?.url ?? null;
    },

    /** The message with what an unsubscribe or web-view page shows. */
    async messageContext(messageId: string) {
      const [row] = await db
        .select({
          id: messages.id,
          orgId: messages.orgId,
          campaignId: messages.campaignId,
          contactId: messages.contactId,
          email: messages.email,
          unsubscribedAt: messages.unsubscribedAt,
          organizationName: organizations.name,
          campaignName: campaigns.name,
        })
        .from(messages)
        .innerJoin(organizations, eq(organizations.id, messages.orgId))
        .innerJoin(campaigns, eq(campaigns.id, messages.campaignId))
        .where(eq(messages.id, messageId))
        .limit(1);
      return row ?? null;
    },

    /** The message's unsubscribe: once per message (the event and timestamp), idempotent. */
    async markUnsubscribed(
      messageId: string,
      orgId: string,
      campaignId: string,
      contactId: string | null,
    ) {
      return db.transaction(async (tx) => {
        const first = await tx
          .update(messages)
          .set({ unsubscribedAt: sql`now()` })
          .where(and(eq(messages.id, messageId), sql`${messages.unsubscribedAt} is null`))
          .returning({ id: messages.id });
        if (first.length === 0) return false;
        await tx.execute(sql`insert into email_events (id, org_id, campaign_id, message_id, contact_id, type, created_at)
          values (${UUID_V7}, ${orgId}::uuid, ${campaignId}::uuid, ${messageId}::uuid, ${contactId}, 'unsubscribe', now())`);
        return true;
      });
    },
  };
}

export type TrackingRepo = ReturnType<typeof createTrackingRepo>;
