import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { campaigns, messages, suppressions } from '../../db/schema/index.js';

export type FlowMessage = Pick<
  typeof messages.$inferSelect,
  'id' | 'campaignId' | 'status' | 'nextAttemptAt' | 'leaseUntil' | 'lastReply'
>;

const columns = {
  id: messages.id,
  campaignId: messages.campaignId,
  status: messages.status,
  nextAttemptAt: messages.nextAttemptAt,
  leaseUntil: messages.leaseUntil,
  lastReply: messages.lastReply,
};

/** A flow's emails in the send ledger: one row per run and step visit. */
export function createFlowMessagesRepo(db: Db) {
  return {
    async find(runId: string, flowStep: string): Promise<FlowMessage | null> {
      const [row] = await db
        .select(columns)
        .from(messages)
        .where(and(eq(messages.flowRunId, runId), eq(messages.flowStep, flowStep)))
        .limit(1);
      return row ?? null;
    },

    /**
     * The step's message, queued in its hidden campaign. A retried step finds the row its
     * first try made (unique per run and step visit) instead of adding a second.
     */
    async add(input: {
      id: string;
      orgId: string;
      campaignId: string;
      contactId: string;
      email: string;
      runId: string;
      flowStep: string;
      now: Date;
    }): Promise<FlowMessage> {
      await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(messages)
          .values({
            id: input.id,
            orgId: input.orgId,
            campaignId: input.campaignId,
            contactId: input.contactId,
            email: input.email,
            flowRunId: input.runId,
            flowStep: input.flowStep,
            status: 'queued',
            nextAttemptAt: input.now,
            createdAt: input.now,
          })
          .onConflictDoNothing({
            target: [messages.flowRunId, messages.flowStep],
            where: sql`${messages.flowRunId} is not null`,
          })
          .returning({ id: messages.id });
        if (inserted.length > 0)
          await tx
            .update(campaigns)
            .set({ recipients: sql`${campaigns.recipients} + 1` })
            .where(eq(campaigns.id, input.campaignId));
      });
      return (await this.find(input.runId, input.flowStep))!;
    },

    async isSuppressed(orgId: string, email: string): Promise<boolean> {
      const [row] = await db
        .select({ id: suppressions.id })
        .from(suppressions)
        .where(and(eq(suppressions.orgId, orgId), sql`${suppressions.email} = lower(${email})`))
        .limit(1);
      return Boolean(row);
    },
  };
}

export type FlowMessagesRepo = ReturnType<typeof createFlowMessagesRepo>;
