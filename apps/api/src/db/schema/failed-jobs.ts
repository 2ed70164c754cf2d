import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Dead letters from either queue driver: jobs that used up their attempts. */
export const failedJobs = pgTable(
  'failed_jobs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id'),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    jobKey: text('job_key'),
    payload: jsonb('payload').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('failed_jobs_org_idx').on(t.orgId, t.id),
    index('failed_jobs_queue_idx').on(t.queue),
  ],
);
