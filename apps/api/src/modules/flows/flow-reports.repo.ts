import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  contacts,
  flowRunSteps,
  flowRuns,
  flowStepCampaigns,
  messages,
} from '../../db/schema/index.js';
import type { FlowRunStatus, FlowRunStepRow } from './flow-runs.repo.js';

/** What the API shows about runs: the run list, a run's path, and the flow's numbers. */
export function createFlowReportsRepo(db: Db) {
  return {
    async list(
      orgId: string,
      flowId: string,
      query: { limit: number; beforeId?: string | undefined; status?: FlowRunStatus | undefined },
    ) {
      return db
        .select({
          id: flowRuns.id,
          flowId: flowRuns.flowId,
          version: flowRuns.version,
          contactId: flowRuns.contactId,
          contactEmail: contacts.email,
          status: flowRuns.status,
          currentStep: flowRuns.currentStep,
          wakeAt: flowRuns.wakeAt,
          exitReason: flowRuns.exitReason,
          error: flowRuns.error,
          startedAt: flowRuns.startedAt,
          updatedAt: flowRuns.updatedAt,
          finishedAt: flowRuns.finishedAt,
        })
        .from(flowRuns)
        .leftJoin(contacts, eq(contacts.id, flowRuns.contactId))
        .where(
          and(
            eq(flowRuns.orgId, orgId),
            eq(flowRuns.flowId, flowId),
            query.status ? eq(flowRuns.status, query.status) : undefined,
            query.beforeId ? lt(flowRuns.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(flowRuns.id))
        .limit(query.limit);
    },

    /** The run's path: every step visit in the order it happened. */
    async steps(orgId: string, runId: string): Promise<FlowRunStepRow[]> {
      return db
        .select()
        .from(flowRunSteps)
        .where(and(eq(flowRunSteps.orgId, orgId), eq(flowRunSteps.runId, runId)))
        .orderBy(asc(flowRunSteps.createdAt), asc(flowRunSteps.id))
        .limit(1000);
    },

    async runCounts(orgId: string, flowId: string, version?: number) {
      return db
        .select({ status: flowRuns.status, n: sql<number>`count(*)::int` })
        .from(flowRuns)
        .where(
          and(
            eq(flowRuns.orgId, orgId),
            eq(flowRuns.flowId, flowId),
            version !== undefined ? eq(flowRuns.version, version) : undefined,
          ),
        )
        .groupBy(flowRuns.status);
    },

    async stepCounts(orgId: string, flowId: string, version?: number) {
      return db
        .select({
          stepId: flowRunSteps.stepId,
          entered: sql<number>`count(*)::int`,
          completed: sql<number>`(count(*) filter (where ${flowRunSteps.status} = 'completed'))::int`,
          errors: sql<number>`(count(*) filter (where ${flowRunSteps.status} = 'failed'))::int`,
          waiting: sql<number>`(count(*) filter (where ${flowRunSteps.status} = 'waiting'))::int`,
        })
        .from(flowRunSteps)
        .where(
          and(
            eq(flowRunSteps.orgId, orgId),
            eq(flowRunSteps.flowId, flowId),
            version !== undefined ? eq(flowRunSteps.version, version) : undefined,
          ),
        )
        .groupBy(flowRunSteps.stepId);
    },

    /** Email numbers per send step, from the messages of the steps' hidden campaigns. */
    async emailCounts(orgId: string, flowId: string, version?: number) {
      return db
        .select({
          stepId: flowStepCampaigns.stepId,
          sent: sql<number>`(count(*) filter (where ${messages.status} = 'sent'))::int`,
          failed: sql<number>`(count(*) filter (where ${messages.status} in ('failed', 'bounced')))::int`,
          opened: sql<number>`count(${messages.openedAt})::int`,
          clicked: sql<number>`count(${messages.clickedAt})::int`,
        })
        .from(flowStepCampaigns)
        .innerJoin(messages, eq(messages.campaignId, flowStepCampaigns.campaignId))
        .where(
          and(
            eq(flowStepCampaigns.orgId, orgId),
            eq(flowStepCampaigns.flowId, flowId),
            version !== undefined
              ? sql`exists (select 1 from ${flowRuns} r where r.id = ${messages.flowRunId} and r.version = ${version})`
              : undefined,
          ),
        )
        .groupBy(flowStepCampaigns.stepId);
    },
  };
}

export type FlowReportsRepo = ReturnType<typeof createFlowReportsRepo>;
