import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns as campaignsTable, messages } from '../../db/schema/index.js';
import type { Principal } from '../../http/access.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { CampaignsRepo } from './campaigns.repo.js';

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : 0);

/** Campaign numbers, per-link clicks, time series, recipients, and the organization overview. */
export function createCampaignStats(deps: { db: Db; campaigns: CampaignsRepo }) {
  const { db } = deps;

  async function campaignOf(principal: Principal, id: string) {
    const row = await deps.campaigns.find(principal.orgId, id);
    if (!row) throw notFound('Campaign');
    return row;
  }

  return {
    async stats(principal: Principal, id: string, granularity: 'hour' | 'day') {
      await campaignOf(principal, id);
      const [m] = rowsOf<Record<string, number>>(
        await db.execute(sql`select
            count(*)::int as recipients,
            count(*) filter (where status = 'sent')::int as sent,
            count(*) filter (where status = 'failed')::int as failed,
            count(*) filter (where status = 'bounced')::int as bounced,
            count(*) filter (where status = 'cancelled')::int as cancelled,
            count(*) filter (where status in ('queued', 'sending'))::int as pending,
            count(*) filter (where opened_at is not null)::int as unique_opens,
            coalesce(sum(open_count), 0)::int as opens,
            count(*) filter (where clicked_at is not null)::int as unique_clicks,
            coalesce(sum(click_count), 0)::int as clicks,
            count(*) filter (where unsubscribed_at is not null)::int as unsubscribes,
            count(*) filter (where complained_at is not null)::int as complaints
          from ${messages} where campaign_id = ${id}::uuid`),
      );
      const [machine] = rowsOf<{ opens: number; clicks: number }>(
        await db.execute(sql`select
            count(*) filter (where type = 'open')::int as opens,
            count(*) filter (where type = 'click')::int as clicks
          from email_events where campaign_id = ${id}::uuid and type in ('open', 'click') and is_machine`),
      );
      const linkRows = rowsOf<{ id: string; url: string; clicks: number; unique_clicks: number }>(
        await db.execute(sql`select l.id, l.url,
            count(e.id) filter (where not e.is_machine)::int as clicks,
            count(distinct e.message_id) filter (where not e.is_machine)::int as unique_clicks
          from links l left join email_events e on e.link_id = l.id and e.type = 'click'
          where l.campaign_id = ${id}::uuid group by l.id, l.url order by clicks desc, l.url limit 200`),
      );
      const unit = sql.raw(`'${granularity}'`);
      const series = rowsOf<{ at: string; opens: number; clicks: number; sent: number }>(
        await db.execute(sql`select at, sum(opens)::int as opens, sum(clicks)::int as clicks, sum(sent)::int as sent from (
            select date_trunc(${unit}, created_at) as at,
              count(*) filter (where type = 'open' and not is_machine) as opens,
              count(*) filter (where type = 'click' and not is_machine) as clicks, 0 as sent
            from email_events where campaign_id = ${id}::uuid and type in ('open', 'click') group by 1
            union all
            select date_trunc(${unit}, sent_at), 0, 0, count(*) from ${messages}
            where campaign_id = ${id}::uuid and sent_at is not null group by 1
          ) s group by at order by at limit 2000`),
      );
      const v = (k: string) => m?.[k] ?? 0;
      const delivered = v('sent');
      return {
        recipients: v('recipients'),
        sent: v('sent'),
        failed: v('failed'),
        bounced: v('bounced'),
        cancelled: v('cancelled'),
        pending: v('pending'),
        opens: { total: v('opens'), unique: v('unique_opens'), machine: machine?.opens ?? 0 },
        clicks: { total: v('clicks'), unique: v('unique_clicks'), machine: machine?.clicks ?? 0 },
        unsubscribes: v('unsubscribes'),
        complaints: v('complaints'),
        rates: {
          open: rate(v('unique_opens'), delivered),
          click: rate(v('unique_clicks'), delivered),
          clickToOpen: rate(v('unique_clicks'), v('unique_opens')),
          unsubscribe: rate(v('unsubscribes'), delivered),
          bounce: rate(v('bounced'), delivered + v('bounced')),
        },
        links: linkRows.map((l) => ({
          id: l.id,
          url: l.url,
          clicks: l.clicks,
          uniqueClicks: l.unique_clicks,
        })),
        series: {
          granularity,
          points: series.map((p) => ({
            at: new Date(p.at),
            sent: p.sent,
            opens: p.opens,
            clicks: p.clicks,
          })),
        },
      };
    },

    async messages(
      principal: Principal,
      id: string,
      query: {
        cursor?: string | undefined;
        limit: number;
        status?: (typeof messages.$inferSelect)['status'] | undefined;
      },
    ) {
      await campaignOf(principal, id);
      const after = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await db
        .select({
          id: messages.id,
          contactId: messages.contactId,
          email: messages.email,
          status: messages.status,
          attempts: messages.attempts,
          lastCode: messages.lastCode,
          lastReply: messages.lastReply,
          nextAttemptAt: messages.nextAttemptAt,
          sentAt: messages.sentAt,
          openedAt: messages.openedAt,
          clickedAt: messages.clickedAt,
          openCount: messages.openCount,
          clickCount: messages.clickCount,
          unsubscribedAt: messages.unsubscribedAt,
        })
        .from(messages)
        .where(
          and(
            eq(messages.orgId, principal.orgId),
            eq(messages.campaignId, id),
            query.status ? eq(messages.status, query.status) : undefined,
            after ? gt(messages.id, after[0]) : undefined,
          ),
        )
        .orderBy(messages.id)
        .limit(query.limit + 1);
      return toPage(rows, query.limit, (r) => [r.id]);
    },

    /** The organization at a glance: daily sends and engagement, and the latest campaigns. */
    async overview(principal: Principal, days: number, now: Date) {
      const since = new Date(now.getTime() - days * 86_400_000);
      const points = rowsOf<{
        day: string;
        sent: number;
        opens: number;
        clicks: number;
        unsubscribes: number;
      }>(
        await db.execute(sql`select day, sum(sent)::int as sent, sum(opens)::int as opens,
            sum(clicks)::int as clicks, sum(unsubscribes)::int as unsubscribes from (
            select date_trunc('day', sent_at) as day, count(*) as sent, 0 as opens, 0 as clicks, 0 as unsubscribes
            from ${messages} where org_id = ${principal.orgId}::uuid and sent_at >= ${since.toISOString()}::timestamptz
            group by 1
            union all
            select date_trunc('day', created_at), 0,
              count(*) filter (where type = 'open' and not is_machine),
              count(*) filter (where type = 'click' and not is_machine),
              count(*) filter (where type = 'unsubscribe')
            from email_events where org_id = ${principal.orgId}::uuid and created_at >= ${since.toISOString()}::timestamptz
            group by 1
          ) s group by day order by day`),
      );
      const recent = await db
        .select()
        .from(campaignsTable)
        .where(
          and(
            eq(campaignsTable.orgId, principal.orgId),
            eq(campaignsTable.kind, 'campaign'),
            lt(campaignsTable.createdAt, now),
          ),
        )
        .orderBy(desc(campaignsTable.id))
        .limit(5);
      const totals = points.reduce(
        (t, p) => ({
          sent: t.sent + p.sent,
          opens: t.opens + p.opens,
          clicks: t.clicks + p.clicks,
          unsubscribes: t.unsubscribes + p.unsubscribes,
        }),
        { sent: 0, opens: 0, clicks: 0, unsubscribes: 0 },
      );
      return {
        days,
        totals,
        series: points.map((p) => ({ ...p, day: new Date(p.day) })),
        recentCampaigns: recent.map((c) => ({
          id: c.id,
          name: c.name,
          status: c.status,
          recipients: c.recipients,
          sent: c.sentCount,
          startedAt: c.startedAt,
          finishedAt: c.finishedAt,
          createdAt: c.createdAt,
        })),
      };
    },
  };
}

export type CampaignStats = ReturnType<typeof createCampaignStats>;
