import { and, desc, eq, ilike, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  campaigns,
  messages,
  senders,
  templates,
  templateVersions,
} from '../../db/schema/index.js';

export type CampaignRow = typeof campaigns.$inferSelect;
export type CampaignStatus = CampaignRow['status'];

const likeAnywhere = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createCampaignsRepo(db: Db) {
  return {
    async list(
      orgId: string,
      query: { limit: number; beforeId?: string; search?: string; statuses?: CampaignStatus[] },
    ): Promise<CampaignRow[]> {
      return db
        .select()
        .from(campaigns)
        .where(
          and(
            eq(campaigns.orgId, orgId),
            // Flow steps' hidden campaigns are shown on their flow, not in the campaign list.
            eq(campaigns.kind, 'campaign'),
            query.search ? ilike(campaigns.name, likeAnywhere(query.search)) : undefined,
            query.statuses?.length ? inArray(campaigns.status, query.statuses) : undefined,
            query.beforeId ? lt(campaigns.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(campaigns.id))
        .limit(query.limit);
    },

    async find(orgId: string, id: string): Promise<CampaignRow | null> {
      const [row] = await db
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.orgId, orgId), eq(campaigns.id, id)))
        .limit(1);
      return row ?? null;
    },

    /** For jobs, which carry the organization in their payload. */
    async findById(id: string): Promise<CampaignRow | null> {
      const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1);
      return row ?? null;
    },

    async insert(row: typeof campaigns.$inferInsert): Promise<CampaignRow> {
      const [inserted] = await db.insert(campaigns).values(row).returning();
      return inserted!;
    },

    async update(
      orgId: string,
      id: string,
      patch: Partial<typeof campaigns.$inferInsert>,
    ): Promise<CampaignRow | null> {
      const [row] = await db
        .update(campaigns)
        .set(patch)
        .where(and(eq(campaigns.orgId, orgId), eq(campaigns.id, id)))
        .returning();
      return row ?? null;
    },

    /**
     * Moves a campaign only from one of `from`: the database decides races (two people
     * pressing pause and send at once, a worker finishing while someone cancels).
     */
    async transition(
      id: string,
      from: readonly CampaignStatus[],
      patch: Partial<typeof campaigns.$inferInsert>,
    ): Promise<CampaignRow | null> {
      const [row] = await db
        .update(campaigns)
        .set(patch)
        .where(and(eq(campaigns.id, id), inArray(campaigns.status, [...from])))
        .returning();
      return row ?? null;
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(campaigns)
        .where(and(eq(campaigns.orgId, orgId), eq(campaigns.id, id)))
        .returning({ id: campaigns.id });
      return rows.length > 0;
    },

    async sendersOf(orgId: string, ids: readonly string[]) {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(senders)
        .where(and(eq(senders.orgId, orgId), inArray(senders.id, [...ids])));
    },

    async template(orgId: string, id: string) {
      const [row] = await db
        .select()
        .from(templates)
        .where(and(eq(templates.orgId, orgId), eq(templates.id, id)))
        .limit(1);
      return row ?? null;
    },

    async templateVersion(orgId: string, templateId: string, version: number) {
      const [row] = await db
        .select()
        .from(templateVersions)
        .where(
          and(
            eq(templateVersions.orgId, orgId),
            eq(templateVersions.templateId, templateId),
            eq(templateVersions.version, version),
          ),
        )
        .limit(1);
      return row ?? null;
    },

    /** Campaigns that use a template or sender, for refusing to delete what is in use. */
    async usingTemplate(orgId: string, templateId: string) {
      return db
        .select({ id: campaigns.id, name: campaigns.name })
        .from(campaigns)
        .where(and(eq(campaigns.orgId, orgId), eq(campaigns.templateId, templateId)))
        .limit(5);
    },

    async usingSender(orgId: string, senderId: string) {
      return db
        .select({ id: campaigns.id, name: campaigns.name })
        .from(campaigns)
        .where(
          and(
            eq(campaigns.orgId, orgId),
            sql`${senderId}::uuid = any(${campaigns.senderIds})`,
            inArray(campaigns.status, ['scheduled', 'sending', 'paused']),
          ),
        )
        .limit(5);
    },

    /** Sending campaigns with a message that has been due (or whose lease ran out) since `before`. */
    async stalledSending(before: Date): Promise<CampaignRow[]> {
      return db
        .select()
        .from(campaigns)
        .where(
          and(
            eq(campaigns.status, 'sending'),
            // A flow step's hidden campaign is sent message by message by its flow's runs.
            eq(campaigns.kind, 'campaign'),
            sql`(${campaigns.waitingUntil} is null or ${campaigns.waitingUntil} < ${before.toISOString()}::timestamptz)`,
            sql`exists (select 1 from ${messages} m where m.campaign_id = ${campaigns.id}
              and m.status in ('queued', 'sending')
              and (case when m.status = 'queued' then m.next_attempt_at else m.lease_until end)
                  < ${before.toISOString()}::timestamptz)`,
          ),
        )
        .limit(100);
    },

    /**
     * Campaigns whose start job must have been lost: scheduled ones whose time passed before
     * `before`, and ones marked sending before `before` that still have no ledger (the start
     * stopped between the two steps and its retries were lost too).
     */
    async lostStarts(before: Date): Promise<CampaignRow[]> {
      const at = sql`${before.toISOString()}::timestamptz`;
      return db
        .select()
        .from(campaigns)
        .where(
          and(
            eq(campaigns.kind, 'campaign'),
            or(
              and(eq(campaigns.status, 'scheduled'), sql`${campaigns.sendAt} < ${at}`),
              and(
                eq(campaigns.status, 'sending'),
                sql`${campaigns.startedAt} < ${at}`,
                sql`not exists (select 1 from ${messages} m where m.campaign_id = ${campaigns.id})`,
              ),
            ),
          ),
        )
        .limit(100);
    },

    /** Messages per status: exact, for the campaign page and the final state. */
    async statusCounts(campaignId: string): Promise<Record<string, number>> {
      const rows = await db
        .select({ status: messages.status, n: sql<number>`count(*)::int` })
        .from(messages)
        .where(eq(messages.campaignId, campaignId))
        .groupBy(messages.status);
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
  };
}

export type CampaignsRepo = ReturnType<typeof createCampaignsRepo>;
