import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alerts, outboxMessages, senders, senderStats } from '../../db/schema/index.js';
import type { OutgoingMail } from '../../platform/mail/transport.js';

export type SenderRow = typeof senders.$inferSelect;

export interface HealthCounts {
  sent: number;
  failed: number;
  deferred: number;
}

export function createSendersRepo(db: Db) {
  return {
    async list(orgId: string): Promise<SenderRow[]> {
      return db.select().from(senders).where(eq(senders.orgId, orgId)).orderBy(senders.id);
    },

    async find(orgId: string, id: string): Promise<SenderRow | null> {
      const [row] = await db
        .select()
        .from(senders)
        .where(and(eq(senders.orgId, orgId), eq(senders.id, id)))
        .limit(1);
      return row ?? null;
    },

    async insert(row: typeof senders.$inferInsert): Promise<SenderRow> {
      const [inserted] = await db.insert(senders).values(row).returning();
      return inserted!;
    },

    async update(orgId: string, id: string, patch: Partial<typeof senders.$inferInsert>) {
      const [row] = await db
        .update(senders)
        .set(patch)
        .where(and(eq(senders.orgId, orgId), eq(senders.id, id)))
        .returning();
      return row ?? null;
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(senders)
        .where(and(eq(senders.orgId, orgId), eq(senders.id, id)))
        .returning({ id: senders.id });
      return rows.length > 0;
    },

    /** Outcomes of the last `since` window per sender, summed from the hourly buckets. */
    async health(orgId: string, since: Date): Promise<Map<string, HealthCounts>> {
      const rows = await db
        .select({
          senderId: senderStats.senderId,
          sent: sql<number>`sum(${senderStats.sent})::int`,
          failed: sql<number>`sum(${senderStats.failed})::int`,
          deferred: sql<number>`sum(${senderStats.deferred})::int`,
        })
        .from(senderStats)
        .where(and(eq(senderStats.orgId, orgId), gte(senderStats.hour, since)))
        .groupBy(senderStats.senderId);
      return new Map(rows.map((r) => [r.senderId, r]));
    },

    /**
     * Adds outcomes to the hour's bucket and moves the failure streak: any success ends it,
     * transport failures extend it. Returns the sender after the change.
     */
    async recordOutcomes(
      orgId: string,
      senderId: string,
      hour: Date,
      counts: HealthCounts & { transportFailures: number; lastError: string | null },
      now: Date,
    ): Promise<SenderRow | null> {
      return db.transaction(async (tx) => {
        await tx
          .insert(senderStats)
          .values({ senderId, orgId, hour, ...pick(counts) })
          .onConflictDoUpdate({
            target: [senderStats.senderId, senderStats.hour],
            set: {
              sent: sql`${senderStats.sent} + ${counts.sent}`,
              failed: sql`${senderStats.failed} + ${counts.failed}`,
              deferred: sql`${senderStats.deferred} + ${counts.deferred}`,
            },
          });
        const [row] = await tx
          .update(senders)
          .set({
            consecutiveFailures:
              counts.sent > 0
                ? counts.transportFailures
                : sql`${senders.consecutiveFailures} + ${counts.transportFailures}`,
            ...(counts.sent > 0 ? { lastSuccessAt: now } : {}),
            ...(counts.transportFailures > 0 || counts.failed > 0
              ? { lastFailureAt: now, lastError: counts.lastError }
              : {}),
          })
          .where(and(eq(senders.orgId, orgId), eq(senders.id, senderId)))
          .returning();
        return row ?? null;
      });
    },

    /** Pauses an active sender and raises an alert, once: false when it was already paused. */
    async pauseWithAlert(
      orgId: string,
      senderId: string,
      reason: string,
      alert: { id: string; title: string; message: string },
      now: Date,
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const paused = await tx
          .update(senders)
          .set({ status: 'paused', pausedReason: reason, pausedAt: now, updatedAt: now })
          .where(
            and(eq(senders.orgId, orgId), eq(senders.id, senderId), eq(senders.status, 'active')),
          )
          .returning({ id: senders.id });
        if (paused.length === 0) return false;
        await tx.insert(alerts).values({
          id: alert.id,
          orgId,
          kind: 'sender.paused',
          severity: 'critical',
          title: alert.title,
          message: alert.message,
          subject: { senderId },
          createdAt: now,
        });
        return true;
      });
    },

    /** Resolves the open alerts about a sender (it was resumed or deleted). */
    async resolveAlerts(orgId: string, senderId: string, now: Date) {
      await db
        .update(alerts)
        .set({ resolvedAt: now })
        .where(
          and(
            eq(alerts.orgId, orgId),
            sql`${alerts.subject} @> ${JSON.stringify({ senderId })}::jsonb`,
            sql`${alerts.resolvedAt} is null`,
          ),
        );
    },

    /** Every stored secret, for re-sealing under a new key (all organizations). */
    async allSecrets(): Promise<{ id: string; secret: string }[]> {
      const rows = await db
        .select({ id: senders.id, secret: senders.secret })
        .from(senders)
        .where(sql`${senders.secret} is not null`);
      return rows.map((r) => ({ id: r.id, secret: r.secret! }));
    },

    async replaceSecret(id: string, from: string, to: string): Promise<boolean> {
      const rows = await db
        .update(senders)
        .set({ secret: to })
        .where(and(eq(senders.id, id), eq(senders.secret, from)))
        .returning({ id: senders.id });
      return rows.length > 0;
    },

    async storeInOutbox(
      orgId: string,
      senderId: string,
      ids: string[],
      mails: readonly OutgoingMail[],
    ) {
      await db.insert(outboxMessages).values(
        mails.map((m, i) => ({
          id: ids[i]!,
          orgId,
          senderId,
          campaignId: m.campaignId ?? null,
          messageId: m.messageId,
          fromEmail: m.from,
          toEmail: m.to,
          subject: m.subject,
          // The composer writes 7-bit MIME (encoded words, quoted-printable, base64).
          raw: m.raw.toString('utf8'),
        })),
      );
    },
  };
}

const pick = ({ sent, failed, deferred }: HealthCounts) => ({ sent, failed, deferred });

export type SendersRepo = ReturnType<typeof createSendersRepo>;
