import { z } from 'zod';
import { BULK_ACTIONS } from '../modules/contacts/contacts.bulk.js';
import type { JobCatalog } from '../platform/queue/queue.js';

/**
 * Every job Herald runs: `noun.verb` → payload schema, queue, attempts and backoff.
 * Payloads carry ids, never personal data. Startup fails if a job here has no handler.
 */
export const jobCatalog = {
  'maintenance.purge': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 3,
    backoff: { delayMs: 60_000 },
  },
  // audience jobs
  /** A bulk action over a segment or every contact; the ids resolve to contacts when it runs. */
  'contacts.bulk': {
    queue: 'contacts',
    payload: z.object({
      orgId: z.uuid(),
      action: z.enum(BULK_ACTIONS),
      tag: z.string().max(100).optional(),
      listId: z.uuid().optional(),
      /** Absent: every contact of the organization. */
      segmentId: z.uuid().optional(),
    }),
    attempts: 3,
    backoff: { delayMs: 5000 },
  },
  /** Reads an uploaded CSV into staging, then applies it in one transaction. */
  'imports.run': {
    queue: 'imports',
    payload: z.object({ importId: z.uuid(), orgId: z.uuid() }),
    attempts: 3,
    backoff: { delayMs: 10_000 },
  },
  // campaign jobs
  /** At the scheduled time: fix the template version, snapshot the audience, start the lanes. */
  'campaigns.start': {
    queue: 'campaigns',
    payload: z.object({
      campaignId: z.uuid(),
      orgId: z.uuid(),
      /** The schedule this job was made for; a rescheduled campaign ignores older jobs. */
      sendAt: z.string().nullable(),
    }),
    attempts: 5,
    backoff: { delayMs: 5_000 },
  },
  /** Restarts the lanes of sending campaigns that have due messages nobody is working on. */
  'campaigns.sweep': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 2,
    backoff: { delayMs: 10_000 },
  },
  /**
   * One lane of a sending campaign: claims and sends batches until nothing is due, then
   * schedules itself for the next retry or window opening. Several lanes run at once.
   */
  'campaigns.send': {
    queue: 'send',
    payload: z.object({
      campaignId: z.uuid(),
      orgId: z.uuid(),
      lane: z.number().int().min(0),
      /** Distinguishes successive runs of a lane (their job ids must differ). */
      round: z.number().int(),
    }),
    attempts: 10,
    backoff: { delayMs: 2_000, maxDelayMs: 60_000 },
  },
  // webhook jobs
  /**
   * The next attempt of one webhook delivery. HTTP failures are not job failures: the delivery
   * keeps its own schedule (WEBHOOK_RETRY_DELAYS_MS); these attempts cover a database hiccup.
   */
  'webhooks.deliver': {
    queue: 'webhooks',
    payload: z.object({ deliveryId: z.uuid(), orgId: z.uuid() }),
    attempts: 3,
    backoff: { delayMs: 5_000 },
  },
  /** Re-enqueues webhook deliveries whose attempt is overdue because their job was lost. */
  'webhooks.sweep': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 2,
    backoff: { delayMs: 10_000 },
  },
  // flow jobs
  /** One step visit of one flow run; job id `${runId}:${stepId}:${visit}` (see flow-engine.ts). */
  'flows.step': {
    queue: 'flows',
    payload: z.object({
      orgId: z.uuid(),
      runId: z.uuid(),
      stepId: z.string().min(1).max(64),
      visit: z.number().int().min(1),
    }),
    attempts: 5,
    backoff: { delayMs: 5_000, maxDelayMs: 300_000 },
  },
  /** Every minute: re-enqueues flow runs whose timer passed or that stopped moving (lost jobs). */
  'flows.sweep': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 2,
    backoff: { delayMs: 10_000 },
  },
  /** Every minute: segment entries into segment-triggered flows; schedules date triggers. */
  'flows.triggers': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 2,
    backoff: { delayMs: 10_000 },
  },
  /** One date-attribute flow's enrolments for one local day, at its time of day. */
  'flows.dates': {
    queue: 'flows',
    payload: z.object({
      orgId: z.uuid(),
      flowId: z.uuid(),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }),
    attempts: 3,
    backoff: { delayMs: 30_000 },
  },
} satisfies JobCatalog;

export type AppJobCatalog = typeof jobCatalog;
