import { and, desc, eq, ilike, lt, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { outboxMessages, senders } from '../../db/schema/index.js';

const likeAnywhere = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createOutboxRepo(db: Db) {
  return {
    async list(
      orgId: string,
      query: {
        limit: number;
        beforeId?: string;
        search?: string;
        campaignId?: string;
        messageId?: string;
      },
    ) {
      return db
        .select({
          id: outboxMessages.id,
          senderId: outboxMessages.senderId,
          senderName: senders.name,
          campaignId: outboxMessages.campaignId,
          messageId: outboxMessages.messageId,
          fromEmail: outboxMessages.fromEmail,
          toEmail: outboxMessages.toEmail,
          subject: outboxMessages.subject,
          createdAt: outboxMessages.createdAt,
        })
        .from(outboxMessages)
        .leftJoin(senders, eq(senders.id, outboxMessages.senderId))
        .where(
          and(
            eq(outboxMessages.orgId, orgId),
            query.search
              ? or(
                  ilike(outboxMessages.toEmail, likeAnywhere(query.search)),
                  ilike(outboxMessages.subject, likeAnywhere(query.search)),
                )
              : undefined,
            query.campaignId ? eq(outboxMessages.campaignId, query.campaignId) : undefined,
            query.messageId ? eq(outboxMessages.messageId, query.messageId) : undefined,
            query.beforeId ? lt(outboxMessages.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(outboxMessages.id))
        .limit(query.limit);
    },

    async find(orgId: string, id: string) {
      const [row] = await db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.orgId, orgId), eq(outboxMessages.id, id)))
        .limit(1);
      return row ?? null;
    },

    /** Maintenance: the outbox is a window on recent mail, not an archive. */
    async purgeBefore(cutoffId: string) {
      await db.delete(outboxMessages).where(lte(outboxMessages.id, cutoffId));
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
