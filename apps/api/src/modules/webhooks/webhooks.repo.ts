import { and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  alerts,
  contacts,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from '../../db/schema/index.js';
import type { ContactSnapshot } from './webhooks.events.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
export type DeliveryStatus = DeliveryRow['status'];

/** What an attempt changes on its delivery; the endpoint and alerts follow from `outcome`. */
export interface AttemptRecord {
  attempt: typeof webhookAttempts.$inferInsert;
  delivery: Partial<
    Pick<
      DeliveryRow,
      'status' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'lastDurationMs' | 'deliveredAt'
    >
  >;
  /** succeeded resets the endpoint's dead count; dead adds one; neutral leaves it. */
  outcome: 'succeeded' | 'dead' | 'neutral';
  /** Dead deliveries in a row at which the endpoint is disabled. */
  disableAfter: number;
  alert: { id: string; title: string; message: string; reason: string };
}

const INSERT_CHUNK = 500;

export function createWebhooksRepo(db: Db) {
  return {
    async listEndpoints(orgId: string, query: { limit: number; beforeId?: string }) {
      return db
        .select()
        .from(webhookEndpoints)
        .where(
          and(
            eq(webhookEndpoints.orgId, orgId),
            query.beforeId ? lt(webhookEndpoints.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(webhookEndpoints.id))
        .limit(query.limit);
    },

    async findEndpoint(orgId: string, id: string): Promise<EndpointRow | null> {
      const [row] = await db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
        .limit(1);
      return row ?? null;
    },

    /** The enabled endpoints of an organization and what they subscribe to (the dispatch cache). */
    async subscriptions(orgId: string): Promise<{ id: string; eventTypes: string[] }[]> {
      return db
        .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.isEnabled, true)));
    },

    async insertEndpoint(row: typeof webhookEndpoints.$inferInsert): Promise<EndpointRow> {
      const [inserted] = await db.insert(webhookEndpoints).values(row).returning();
      return inserted!;
    },

    async updateEndpoint(
      orgId: string,
      id: string,
      patch: Partial<typeof webhookEndpoints.$inferInsert>,
    ): Promise<EndpointRow | null> {
      const [row] = await db
        .update(webhookEndpoints)
        .set(patch)
        .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
        .returning();
      return row ?? null;
    },

    async deleteEndpoint(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
        .returning({ id: webhookEndpoints.id });
      return rows.length > 0;
    },

    /** Resolves the open alerts about an endpoint (it was re-enabled or deleted). */
    async resolveAlerts(orgId: string, endpointId: string, now: Date) {
      await db
        .update(alerts)
        .set({ resolvedAt: now })
        .where(
          and(
            eq(alerts.orgId, orgId),
            sql`${alerts.subject} @> ${JSON.stringify({ webhookId: endpointId })}::jsonb`,
            sql`${alerts.resolvedAt} is null`,
          ),
        );
    },

    async contactSnapshots(orgId: string, ids: string[]): Promise<Map<string, ContactSnapshot>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({
          id: contacts.id,
          email: contacts.email,
          externalId: contacts.externalId,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          status: contacts.status,
        })
        .from(contacts)
        .where(and(eq(contacts.orgId, orgId), inArray(contacts.id, ids)));
      return new Map(rows.map((r) => [r.id, r]));
    },

    async insertDeliveries(rows: (typeof webhookDeliveries.$inferInsert)[]): Promise<void> {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await db.insert(webhookDeliveries).values(rows.slice(i, i + INSERT_CHUNK));
      }
    },

    async insertDelivery(row: typeof webhookDeliveries.$inferInsert): Promise<DeliveryRow> {
      const [inserted] = await db.insert(webhookDeliveries).values(row).returning();
      return inserted!;
    },

    async findDelivery(orgId: string, endpointId: string, id: string): Promise<DeliveryRow | null> {
      const [row] = await db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.orgId, orgId),
            eq(webhookDeliveries.endpointId, endpointId),
            eq(webhookDeliveries.id, id),
          ),
        )
        .limit(1);
      return row ?? null;
    },

    async listDeliveries(
      orgId: string,
      endpointId: string,
      query: { limit: number; beforeId?: string; status?: DeliveryStatus },
    ) {
      return db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.orgId, orgId),
            eq(webhookDeliveries.endpointId, endpointId),
            query.status ? eq(webhookDeliveries.status, query.status) : undefined,
            query.beforeId ? lt(webhookDeliveries.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(webhookDeliveries.id))
        .limit(query.limit);
    },

    async listAttempts(orgId: string, deliveryId: string): Promise<AttemptRow[]> {
      return db
        .select()
        .from(webhookAttempts)
        .where(and(eq(webhookAttempts.orgId, orgId), eq(webhookAttempts.deliveryId, deliveryId)))
        .orderBy(asc(webhookAttempts.id));
    },

    /**
     * Takes the next scheduled attempt of a due delivery: one caller wins, the others (a duplicate
     * job, the sweep) get null. Pushing next_attempt_at to `leaseUntil` keeps the sweep away while
     * the request runs, and brings the delivery back to it if this worker dies.
     */
    async claim(id: string, now: Date, leaseUntil: Date): Promise<DeliveryRow | null> {
      const [row] = await db
        .update(webhookDeliveries)
        .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, nextAttemptAt: leaseUntil })
        .where(
          and(
            eq(webhookDeliveries.id, id),
            inArray(webhookDeliveries.status, ['pending', 'failed']),
            lte(webhookDeliveries.nextAttemptAt, now),
          ),
        )
        .returning();
      return row ?? null;
    },

    /** For a manual replay or a test: one more attempt, outside the schedule. */
    async countAttempt(id: string): Promise<DeliveryRow | null> {
      const [row] = await db
        .update(webhookDeliveries)
        .set({ attempts: sql`${webhookDeliveries.attempts} + 1` })
        .where(eq(webhookDeliveries.id, id))
        .returning();
      return row ?? null;
    },

    /**
     * Stores an attempt and its consequences in one transaction. Returns the delivery and whether
     * this attempt disabled the endpoint (so an alert was raised).
     */
    async recordAttempt(
      orgId: string,
      endpointId: string,
      record: AttemptRecord,
      now: Date,
    ): Promise<{ delivery: DeliveryRow | null; isDisabledNow: boolean }> {
      return db.transaction(async (tx) => {
        await tx.insert(webhookAttempts).values(record.attempt);
        const [delivery] = await tx
          .update(webhookDeliveries)
          .set(record.delivery)
          .where(eq(webhookDeliveries.id, record.attempt.deliveryId))
          .returning();
        if (record.outcome === 'succeeded') {
          await tx
            .update(webhookEndpoints)
            .set({ consecutiveFailures: 0 })
            .where(
              and(
                eq(webhookEndpoints.id, endpointId),
                sql`${webhookEndpoints.consecutiveFailures} <> 0`,
              ),
            );
          return { delivery: delivery ?? null, isDisabledNow: false };
        }
        if (record.outcome === 'neutral')
          return { delivery: delivery ?? null, isDisabledNow: false };
        const [endpoint] = await tx
          .update(webhookEndpoints)
          .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
          .where(eq(webhookEndpoints.id, endpointId))
          .returning();
        if (!endpoint?.isEnabled || endpoint.consecutiveFailures < record.disableAfter)
          return { delivery: delivery ?? null, isDisabledNow: false };
        await tx
          .update(webhookEndpoints)
          .set({ isEnabled: false, disabledReason: record.alert.reason, updatedAt: now })
          .where(eq(webhookEndpoints.id, endpointId));
        await tx.insert(alerts).values({
          id: record.alert.id,
          orgId,
          kind: 'webhook.disabled',
          severity: 'critical',
          title: record.alert.title,
          message: record.alert.message,
          subject: { webhookId: endpointId },
          createdAt: now,
        });
        return { delivery: delivery ?? null, isDisabledNow: true };
      });
    },

    /** Deliveries whose attempt is overdue — their job was lost — across every organization. */
    async overdue(before: Date, limit: number) {
      return db
        .select({
          id: webhookDeliveries.id,
          orgId: webhookDeliveries.orgId,
          attempts: webhookDeliveries.attempts,
        })
        .from(webhookDeliveries)
        .where(
          and(
            inArray(webhookDeliveries.status, ['pending', 'failed']),
            lte(webhookDeliveries.nextAttemptAt, before),
          ),
        )
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(limit);
    },

    /** Every stored secret, for re-sealing under a new key (all organizations). */
    async allSecrets(): Promise<{ id: string; secret: string }[]> {
      const rows = await db
        .select({ id: webhookEndpoints.id, secret: webhookEndpoints.secretEncrypted })
        .from(webhookEndpoints);
      return rows;
    },

    async replaceSecret(id: string, from: string, to: string): Promise<boolean> {
      const rows = await db
        .update(webhookEndpoints)
        .set({ secretEncrypted: to })
        .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.secretEncrypted, from)))
        .returning({ id: webhookEndpoints.id });
      return rows.length > 0;
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
