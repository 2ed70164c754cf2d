import { and, count, desc, eq, lt } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import { failedJobs } from '../../db/schema/index.js';
import { decodeCursor, toPage, type Page } from '../../http/pagination.js';
import type { DeadLetter } from '../../platform/queue/queue.js';

const columns = {
  id: failedJobs.id,
  queue: failedJobs.queue,
  name: failedJobs.name,
  jobKey: failedJobs.jobKey,
  payload: failedJobs.payload,
  error: failedJobs.error,
  attempts: failedJobs.attempts,
  failedAt: failedJobs.failedAt,
};

export interface FailedJob {
  id: string;
  queue: string;
  name: string;
  jobKey: string | null;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: Date;
}

/** Dead letters of both queue drivers. Ids are UUIDv7, so id order is failure order. */
export function createFailedJobsRepo(db: Db) {
  return {
    async record(letter: DeadLetter, tx: Db = db): Promise<void> {
      await tx.insert(failedJobs).values({ id: uuidv7(), ...letter });
    },

    /** Instance-wide figures for the queue gauges; no organization's data leaves here. */
    async countByQueue(): Promise<Map<string, number>> {
      const rows = await db
        .select({ queue: failedJobs.queue, count: count() })
        .from(failedJobs)
        .groupBy(failedJobs.queue);
      return new Map(rows.map((row) => [row.queue, row.count]));
    },

    /** Newest first. */
    async listFailed(
      orgId: string,
      query: { cursor?: string | undefined; limit: number; queue?: string | undefined },
    ): Promise<Page<FailedJob>> {
      const after = decodeCursor(query.cursor, ['uuid'])?.[0] as string | undefined;
      const rows = await db
        .select(columns)
        .from(failedJobs)
        .where(
          and(
            eq(failedJobs.orgId, orgId),
            query.queue === undefined ? undefined : eq(failedJobs.queue, query.queue),
            after === undefined ? undefined : lt(failedJobs.id, after),
          ),
        )
        .orderBy(desc(failedJobs.id))
        .limit(query.limit + 1);
      return toPage(rows, query.limit, (row) => [row.id]);
    },

    async findFailed(orgId: string, id: string): Promise<FailedJob | null> {
      const [row] = await db
        .select(columns)
        .from(failedJobs)
        .where(and(eq(failedJobs.orgId, orgId), eq(failedJobs.id, id)))
        .limit(1);
      return row ?? null;
    },

    async deleteFailed(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(failedJobs)
        .where(and(eq(failedJobs.orgId, orgId), eq(failedJobs.id, id)))
        .returning({ id: failedJobs.id });
      return rows.length > 0;
    },
  };
}

export type FailedJobsRepo = ReturnType<typeof createFailedJobsRepo>;
