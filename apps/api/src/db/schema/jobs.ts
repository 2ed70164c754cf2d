import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The embedded queue (also usable on a real PostgreSQL without Redis). Workers claim rows with
 * FOR UPDATE SKIP LOCKED and hold them under a lease; an expired lease means the worker died.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    /** Caller-chosen id for deduplication; unique while the row exists. */
    jobKey: text('job_key'),
    orgId: uuid('org_id'),
    payload: jsonb('payload').notNull(),
    state: text('state', { enum: ['waiting', 'active', 'completed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('jobs_queue_job_key_key').on(t.queue, t.jobKey),
    index('jobs_claim_idx')
      .on(t.queue, t.runAt, t.id)
      .where(sql`${t.state} = 'waiting'`),
    index('jobs_lease_idx')
      .on(t.queue, t.lockedUntil)
      .where(sql`${t.state} = 'active'`),
    index('jobs_finished_idx')
      .on(t.finishedAt)
      .where(sql`${t.state} = 'completed'`),
  ],
);
