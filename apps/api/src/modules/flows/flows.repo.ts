import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  campaigns,
  contacts,
  flowRuns,
  flowStepCampaigns,
  flowVersions,
  flows,
  lists,
  segments,
  senders,
  templates,
} from '../../db/schema/index.js';

export type FlowRow = typeof flows.$inferSelect;
export type FlowStatus = FlowRow['status'];
export type FlowVersionRow = typeof flowVersions.$inferSelect;

/** Flows, their immutable versions, and the hidden campaigns of their email steps. */
export function createFlowsRepo(db: Db) {
  return {
    async list(orgId: string, limit: number, beforeId?: string, status?: FlowStatus) {
      return db
        .select()
        .from(flows)
        .where(
          and(
            eq(flows.orgId, orgId),
            status ? eq(flows.status, status) : undefined,
            beforeId !== undefined ? lt(flows.id, beforeId) : undefined,
          ),
        )
        .orderBy(desc(flows.id))
        .limit(limit);
    },

    async find(orgId: string, id: string): Promise<FlowRow | null> {
      const [row] = await db
        .select()
        .from(flows)
        .where(and(eq(flows.orgId, orgId), eq(flows.id, id)))
        .limit(1);
      return row ?? null;
    },

    async findById(id: string): Promise<FlowRow | null> {
      const [row] = await db.select().from(flows).where(eq(flows.id, id)).limit(1);
      return row ?? null;
    },

    async insert(row: typeof flows.$inferInsert): Promise<FlowRow> {
      const [inserted] = await db.insert(flows).values(row).returning();
      return inserted!;
    },

    async update(
      orgId: string,
      id: string,
      patch: Partial<Pick<FlowRow, 'name' | 'description' | 'draft' | 'updatedAt'>>,
    ): Promise<FlowRow | null> {
      const [row] = await db
        .update(flows)
        .set(patch)
        .where(and(eq(flows.orgId, orgId), eq(flows.id, id)))
        .returning();
      return row ?? null;
    },

    /** Moves the flow only from one of `from`: two racing calls cannot both succeed. */
    async transition(
      orgId: string,
      id: string,
      from: readonly FlowStatus[],
      patch: Partial<Pick<FlowRow, 'status' | 'updatedAt'>>,
    ): Promise<FlowRow | null> {
      const [row] = await db
        .update(flows)
        .set(patch)
        .where(and(eq(flows.orgId, orgId), eq(flows.id, id), inArray(flows.status, [...from])))
        .returning();
      return row ?? null;
    },

    /** Deletes the flow and its email steps' hidden campaigns (their messages go with them). */
    async delete(orgId: string, id: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const linked = await tx
          .select({ campaignId: flowStepCampaigns.campaignId })
          .from(flowStepCampaigns)
          .where(and(eq(flowStepCampaigns.orgId, orgId), eq(flowStepCampaigns.flowId, id)));
        const deleted = await tx
          .delete(flows)
          .where(and(eq(flows.orgId, orgId), eq(flows.id, id), sql`${flows.status} <> 'active'`))
          .returning({ id: flows.id });
        if (deleted.length === 0) return false;
        if (linked.length > 0)
          await tx.delete(campaigns).where(
            and(
              eq(campaigns.orgId, orgId),
              inArray(
                campaigns.id,
                linked.map((l) => l.campaignId),
              ),
            ),
          );
        return true;
      });
    },

    /**
     * Writes version n+1 and makes it the one new runs start on, in one transaction; the flow
     * row is locked so two publishes number their versions one after the other.
     */
    async publish(input: {
      orgId: string;
      flowId: string;
      id: string;
      definition: Record<string, unknown>;
      trigger: Record<string, unknown>;
      createdBy: string | null;
      now: Date;
    }): Promise<FlowVersionRow | null> {
      return db.transaction(async (tx) => {
        const [flow] = await tx
          .select({ id: flows.id })
          .from(flows)
          .where(and(eq(flows.orgId, input.orgId), eq(flows.id, input.flowId)))
          .for('update');
        if (!flow) return null;
        const [last] = await tx
          .select({ n: sql<number | null>`max(${flowVersions.version})` })
          .from(flowVersions)
          .where(eq(flowVersions.flowId, input.flowId));
        const version = (last?.n ?? 0) + 1;
        const [row] = await tx
          .insert(flowVersions)
          .values({
            id: input.id,
            orgId: input.orgId,
            flowId: input.flowId,
            version,
            definition: input.definition,
            createdBy: input.createdBy,
            createdAt: input.now,
          })
          .returning();
        await tx
          .update(flows)
          .set({ publishedVersion: version, trigger: input.trigger, updatedAt: input.now })
          .where(eq(flows.id, input.flowId));
        return row!;
      });
    },

    async versions(orgId: string, flowId: string, limit: number, beforeVersion?: number) {
      return db
        .select({
          version: flowVersions.version,
          createdBy: flowVersions.createdBy,
          createdAt: flowVersions.createdAt,
        })
        .from(flowVersions)
        .where(
          and(
            eq(flowVersions.orgId, orgId),
            eq(flowVersions.flowId, flowId),
            beforeVersion !== undefined ? lt(flowVersions.version, beforeVersion) : undefined,
          ),
        )
        .orderBy(desc(flowVersions.version))
        .limit(limit);
    },

    async version(orgId: string, flowId: string, version: number): Promise<FlowVersionRow | null> {
      const [row] = await db
        .select()
        .from(flowVersions)
        .where(
          and(
            eq(flowVersions.orgId, orgId),
            eq(flowVersions.flowId, flowId),
            eq(flowVersions.version, version),
          ),
        )
        .limit(1);
      return row ?? null;
    },

    /** Runs per flow, for a page of the flow list: one grouped count over the runs' index. */
    async runTotals(orgId: string, flowIds: readonly string[]) {
      const totals = new Map<string, { entered: number; active: number; completed: number }>();
      if (flowIds.length === 0) return totals;
      const rows = await db
        .select({
          flowId: flowRuns.flowId,
          entered: sql<number>`count(*)::int`,
          active: sql<number>`(count(*) filter (where ${flowRuns.status} in ('running', 'waiting')))::int`,
          completed: sql<number>`(count(*) filter (where ${flowRuns.status} = 'completed'))::int`,
        })
        .from(flowRuns)
        .where(and(eq(flowRuns.orgId, orgId), inArray(flowRuns.flowId, [...flowIds])))
        .groupBy(flowRuns.flowId);
      for (const { flowId, ...counts } of rows) totals.set(flowId, counts);
      return totals;
    },

    /** Active flows of an organization whose published trigger is of this type. */
    async activeWithTrigger(orgId: string, type: string): Promise<FlowRow[]> {
      return db
        .select()
        .from(flows)
        .where(
          and(
            eq(flows.orgId, orgId),
            eq(flows.status, 'active'),
            sql`${flows.trigger}->>'type' = ${type}`,
          ),
        );
    },

    /** Active flows of every organization with this trigger type (periodic trigger jobs). */
    async allActiveWithTrigger(type: string): Promise<FlowRow[]> {
      return db
        .select()
        .from(flows)
        .where(and(eq(flows.status, 'active'), sql`${flows.trigger}->>'type' = ${type}`))
        .orderBy(flows.id)
        .limit(10_000);
    },

    /** Which of these ids exist in the organization, per kind of thing a flow refers to. */
    async existing(
      orgId: string,
      ids: { templates: string[]; senders: string[]; segments: string[]; lists: string[] },
    ) {
      const pick = async (
        table: typeof templates | typeof senders | typeof segments | typeof lists,
        wanted: string[],
      ) => {
        if (wanted.length === 0) return new Set<string>();
        const rows = await db
          .select({ id: table.id })
          .from(table)
          .where(and(eq(table.orgId, orgId), inArray(table.id, [...new Set(wanted)])));
        return new Set(rows.map((r) => r.id));
      };
      return {
        templates: await pick(templates, ids.templates),
        senders: await pick(senders, ids.senders),
        segments: await pick(segments, ids.segments),
        lists: await pick(lists, ids.lists),
      };
    },

    async stepCampaigns(flowId: string) {
      return db
        .select({ stepId: flowStepCampaigns.stepId, campaignId: flowStepCampaigns.campaignId })
        .from(flowStepCampaigns)
        .where(eq(flowStepCampaigns.flowId, flowId));
    },

    async findStepCampaign(flowId: string, stepId: string) {
      const [row] = await db
        .select()
        .from(campaigns)
        .innerJoin(flowStepCampaigns, eq(flowStepCampaigns.campaignId, campaigns.id))
        .where(and(eq(flowStepCampaigns.flowId, flowId), eq(flowStepCampaigns.stepId, stepId)))
        .limit(1);
      return row?.campaigns ?? null;
    },

    /**
     * Creates the step's hidden campaign, or brings its content settings up to date. Racing
     * creators agree on one row: the (flow, step) key decides, the loser's campaign is removed.
     */
    async upsertStepCampaign(input: {
      orgId: string;
      flowId: string;
      stepId: string;
      newCampaignId: string;
      name: string;
      templateId: string;
      subject: string | null;
      senderIds: string[];
      now: Date;
    }): Promise<string> {
      const settings = {
        name: input.name,
        templateId: input.templateId,
        subject: input.subject,
        senderIds: input.senderIds,
        updatedAt: input.now,
      };
      const existing = await this.findStepCampaign(input.flowId, input.stepId);
      if (existing) {
        await db.update(campaigns).set(settings).where(eq(campaigns.id, existing.id));
        return existing.id;
      }
      return db.transaction(async (tx) => {
        await tx.insert(campaigns).values({
          id: input.newCampaignId,
          orgId: input.orgId,
          kind: 'flow',
          // Always sending: the flow engine hands it one message at a time.
          status: 'sending',
          audience: { segmentIds: [], listIds: [], excludeSegmentIds: [], excludeListIds: [] },
          startedAt: input.now,
          createdAt: input.now,
          ...settings,
        });
        const linked = await tx
          .insert(flowStepCampaigns)
          .values({
            flowId: input.flowId,
            stepId: input.stepId,
            orgId: input.orgId,
            campaignId: input.newCampaignId,
            createdAt: input.now,
          })
          .onConflictDoNothing()
          .returning({ campaignId: flowStepCampaigns.campaignId });
        if (linked.length > 0) return input.newCampaignId;
        await tx.delete(campaigns).where(eq(campaigns.id, input.newCampaignId));
        const [winner] = await tx
          .select({ campaignId: flowStepCampaigns.campaignId })
          .from(flowStepCampaigns)
          .where(
            and(
              eq(flowStepCampaigns.flowId, input.flowId),
              eq(flowStepCampaigns.stepId, input.stepId),
            ),
          );
        return winner!.campaignId;
      });
    },

    /** Whether one contact meets a compiled segment condition right now. */
    async contactMatches(orgId: string, contactId: string, where: SQL): Promise<boolean> {
      const rows = await db
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), eq(contacts.id, contactId), where))
        .limit(1);
      return rows.length > 0;
    },

    /** The organization's first active sender: email steps without their own use it. */
    async defaultSenderId(orgId: string): Promise<string | null> {
      const [row] = await db
        .select({ id: senders.id })
        .from(senders)
        .where(and(eq(senders.orgId, orgId), eq(senders.status, 'active')))
        .orderBy(senders.createdAt, senders.id)
        .limit(1);
      return row?.id ?? null;
    },
  };
}

export type FlowsRepo = ReturnType<typeof createFlowsRepo>;
