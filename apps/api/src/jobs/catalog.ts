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
} satisfies JobCatalog;

export type AppJobCatalog = typeof jobCatalog;
