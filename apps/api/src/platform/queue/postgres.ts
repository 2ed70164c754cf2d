import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { jobs } from '../../db/schema/index.js';
import {
  assertHandlers,
  backoffDelay,
  errorMessage,
  type DeadLetterSink,
  type EnqueueOptions,
  type EnqueueResult,
  type JobCatalog,
  type JobDefinition,
  type JobHandler,
  type JobHandlers,
  type JobOutcome,
  type JobPayload,
  type Queue,
  type QueueCounts,
  type WorkerOptions,
} from './queue.js';

export interface PostgresQueueOptions<C extends JobCatalog> {
  database: Database;
  catalog: C;
  deadLetters: DeadLetterSink;
  /** Written to `locked_by`; must differ between processes. (Default: host:pid:random) */
  workerId?: string;
  /** How often an idle worker looks for due jobs. (Default: 250) */
  pollIntervalMs?: number;
  /** How long a claimed job stays reserved; renewed every leaseMs/3 while it runs. (Default: 30000) */
  leaseMs?: number;
  /** How long completed rows are kept, and so how long their jobId still deduplicates. (Default: 24 hours) */
  completedRetentionMs?: number;
  /** Background failures (a poll, heartbeat or state write); the work itself is retried. (Default: a process warning) */
  onError?: (error: unknown) => void;
}

const PURGE_EVERY_MS = 60_000;

type JobRow = Pick<
  typeof jobs.$inferSelect,
  | 'id'
  | 'queue'
  | 'name'
  | 'jobKey'
  | 'orgId'
  | 'payload'
  | 'attempts'
  | 'maxAttempts'
  | 'lastError'
>;

interface RunningJob {
  row: JobRow;
  controller: AbortController;
  /** Handed back on shutdown: whatever the handler does later must not touch the row. */
  released: boolean;
  done: Promise<void>;
}

interface Lane {
  queue: string;
  concurrency: number;
  active: number;
  timer: NodeJS.Timeout | undefined;
  claiming: Promise<void> | undefined;
  /** A wake-up arrived while a claim was in flight: claim again when it returns. */
  again: boolean;
}

interface WorkerState {
  handlers: Record<string, JobHandler<unknown>>;
  onOutcome: ((outcome: JobOutcome) => void) | undefined;
  lanes: Map<string, Lane>;
  running: Set<RunningJob>;
  heartbeat: NodeJS.Timeout;
  beating: boolean;
  stopping: boolean;
  stopped: Promise<void> | undefined;
  purging: Promise<void> | undefined;
  lastPurgeAt: number;
}

const interval = (ms: number) => sql`(${ms}::float8 * interval '1 millisecond')`;

/**
 * The embedded queue: rows in `jobs`, claimed with FOR UPDATE SKIP LOCKED under a lease. All
 * times come from the database's clock so any number of processes agree on what is due.
 */
export function createPostgresQueue<C extends JobCatalog>(
  options: PostgresQueueOptions<C>,
): Queue<C> {
  const { database, catalog, deadLetters } = options;
  const db = database.db;
  const workerId =
    options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const leaseMs = options.leaseMs ?? 30_000;
  const completedRetentionMs = options.completedRetentionMs ?? 24 * 3_600_000;
  const onError =
    options.onError ??
    ((error: unknown) => process.emitWarning(`postgres queue: ${errorMessage(error)}`));
  const queueNames = [...new Set(Object.values(catalog).map((def) => def.queue))];
  let worker: WorkerState | undefined;

  const definitionOf = (name: string): JobDefinition | undefined =>
    Object.hasOwn(catalog, name) ? catalog[name] : undefined;

  // Fencing by worker and attempt: a row reclaimed after our lease expired belongs to someone else.
  const isOurs = (row: JobRow) =>
    and(
      eq(jobs.id, row.id),
      eq(jobs.state, 'active'),
      eq(jobs.lockedBy, workerId),
      eq(jobs.attempts, row.attempts),
    );

  const claim = (queue: string, limit: number) => {
    const due = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          eq(jobs.queue, queue),
          or(
            and(eq(jobs.state, 'waiting'), lte(jobs.runAt, sql`now()`)),
            // An expired lease means the worker died: the job runs again and that try counts.
            and(eq(jobs.state, 'active'), lt(jobs.lockedUntil, sql`now()`)),
          ),
        ),
      )
      .orderBy(jobs.runAt, jobs.id)
      .limit(limit)
      .for('update', { skipLocked: true });
    return db
      .update(jobs)
      .set({
        state: 'active',
        attempts: sql`${jobs.attempts} + 1`,
        lockedUntil: sql`now() + ${interval(leaseMs)}`,
        lockedBy: workerId,
      })
      .where(inArray(jobs.id, due))
      .returning({
        id: jobs.id,
        queue: jobs.queue,
        name: jobs.name,
        jobKey: jobs.jobKey,
        orgId: jobs.orgId,
        payload: jobs.payload,
        attempts: jobs.attempts,
        maxAttempts: jobs.maxAttempts,
        lastError: jobs.lastError,
      });
  };

  const complete = (row: JobRow) =>
    db
      .update(jobs)
      .set({
        state: 'completed',
        finishedAt: sql`now()`,
        lockedUntil: null,
        lockedBy: null,
        lastError: null,
      })
      .where(isOurs(row));

  const retryLater = (row: JobRow, delayMs: number, error: string) =>
    db
      .update(jobs)
      .set({
        state: 'waiting',
        runAt: sql`now() + ${interval(delayMs)}`,
        lastError: error,
        lockedUntil: null,
        lockedBy: null,
      })
      .where(isOurs(row));

  // The try did not really happen (shutdown), so it is not counted against the job.
  const release = (row: JobRow) =>
    db
      .update(jobs)
      .set({
        state: 'waiting',
        attempts: sql`${jobs.attempts} - 1`,
        lockedUntil: null,
        lockedBy: null,
      })
      .where(isOurs(row));

  const bury = (row: JobRow, error: string) =>
    db.transaction(async (tx) => {
      const [gone] = await tx.delete(jobs).where(isOurs(row)).returning({ id: jobs.id });
      if (!gone) return;
      await deadLetters.record(
        {
          queue: row.queue,
          name: row.name,
          jobKey: row.jobKey,
          orgId: row.orgId,
          payload: row.payload,
          error,
          attempts: row.attempts,
        },
        tx,
      );
    });

  function report(w: WorkerState, outcome: JobOutcome) {
    try {
      w.onOutcome?.(outcome);
    } catch (error) {
      onError(error);
    }
  }

  async function execute(w: WorkerState, job: RunningJob): Promise<void> {
    const { row } = job;
    const started = performance.now();
    const outcome = (state: JobOutcome['state'], error?: unknown) =>
      report(w, {
        queue: row.queue,
        name: row.name,
        state,
        durationMs: performance.now() - started,
        ...(error === undefined ? {} : { error }),
      });
    const fail = async (error: string) => {
      await bury(row, error);
      outcome('failed', error);
    };

    const def = definitionOf(row.name);
    const handler = w.handlers[row.name];
    if (!def || !handler) return fail(`No job named ${row.name} in this worker's catalog`);
    if (row.attempts > row.maxAttempts) {
      return fail(
        `The worker running attempt ${row.maxAttempts} stopped without finishing it (its lease expired)` +
          (row.lastError ? `; the try before failed with: ${row.lastError}` : ''),
      );
    }
    const parsed = def.payload.safeParse(row.payload);
    if (!parsed.success) {
      return fail(`Invalid payload for job ${row.name}: ${z.prettifyError(parsed.error)}`);
    }

    try {
      await handler(parsed.data, {
        id: String(row.id),
        name: row.name,
        attempt: row.attempts,
        orgId: row.orgId ?? undefined,
        signal: job.controller.signal,
      });
    } catch (error) {
      if (job.released) return;
      if (w.stopping && job.controller.signal.aborted) {
        job.released = true;
        await release(row);
        return;
      }
      if (row.attempts < row.maxAttempts) {
        await retryLater(row, backoffDelay(def.backoff, row.attempts), errorMessage(error));
        outcome('retrying', error);
      } else {
        await bury(row, errorMessage(error));
        outcome('failed', error);
      }
      return;
    }
    if (job.released) return;
    await complete(row);
    outcome('completed');
  }

  function start(w: WorkerState, lane: Lane, row: JobRow) {
    lane.active += 1;
    const job: RunningJob = {
      row,
      controller: new AbortController(),
      released: false,
      done: Promise.resolve(),
    };
    w.running.add(job);
    // A failed state write leaves the lease to expire, so the job runs again elsewhere.
    job.done = execute(w, job)
      .catch(onError)
      .finally(() => {
        w.running.delete(job);
        lane.active -= 1;
        pump(w, lane);
      });
  }

  async function claimDue(w: WorkerState, lane: Lane) {
    try {
      do {
        lane.again = false;
        const free = lane.concurrency - lane.active;
        if (free <= 0) return;
        const rows = await claim(lane.queue, free);
        if (w.stopping) {
          await Promise.all(rows.map((row) => release(row)));
          return;
        }
        for (const row of rows) start(w, lane, row);
      } while (lane.again && !w.stopping);
    } catch (error) {
      onError(error);
    }
  }

  /** Claims what the lane has room for now, and schedules the next poll. */
  function pump(w: WorkerState, lane: Lane) {
    if (w.stopping) return;
    if (lane.claiming) {
      lane.again = true;
      return;
    }
    clearTimeout(lane.timer);
    lane.timer = undefined;
    // finally() runs on a later tick, so `claiming` is set before it is cleared.
    lane.claiming = claimDue(w, lane).finally(() => {
      lane.claiming = undefined;
      if (w.stopping) return;
      lane.timer = setTimeout(() => pump(w, lane), pollIntervalMs);
      maybePurge(w);
    });
  }

  function maybePurge(w: WorkerState) {
    if (w.purging || Date.now() - w.lastPurgeAt < PURGE_EVERY_MS) return;
    w.lastPurgeAt = Date.now();
    w.purging = db
      .delete(jobs)
      .where(
        and(
          inArray(jobs.queue, queueNames),
          eq(jobs.state, 'completed'),
          lt(jobs.finishedAt, sql`now() - ${interval(completedRetentionMs)}`),
        ),
      )
      .then(
        () => undefined,
        (error: unknown) => onError(error),
      )
      .finally(() => {
        w.purging = undefined;
      });
  }

  async function beat(w: WorkerState) {
    const held = [...w.running].filter((job) => !job.released);
    if (w.beating || held.length === 0) return;
    w.beating = true;
    try {
      const renewed = await db
        .update(jobs)
        .set({ lockedUntil: sql`now() + ${interval(leaseMs)}` })
        .where(
          and(
            inArray(
              jobs.id,
              held.map((job) => job.row.id),
            ),
            eq(jobs.state, 'active'),
            eq(jobs.lockedBy, workerId),
          ),
        )
        .returning({ id: jobs.id, attempts: jobs.attempts });
      const kept = new Set(renewed.map((row) => `${row.id}:${row.attempts}`));
      for (const job of held) {
        // Another worker took the job over; ours should stop rather than run it twice.
        if (w.running.has(job) && !kept.has(`${job.row.id}:${job.row.attempts}`)) {
          job.controller.abort(new Error('The job lease was lost'));
        }
      }
    } catch (error) {
      onError(error);
    } finally {
      w.beating = false;
    }
  }

  async function stop(w: WorkerState, timeoutMs: number) {
    w.stopping = true;
    for (const lane of w.lanes.values()) clearTimeout(lane.timer);
    for (const job of w.running) job.controller.abort(new Error('The worker is shutting down'));
    await Promise.all([...w.lanes.values()].map((lane) => lane.claiming));

    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...w.running].map((job) => job.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);

    const unfinished = [...w.running].filter((job) => !job.released);
    for (const job of unfinished) job.released = true;
    await Promise.all(unfinished.map((job) => release(job.row).catch(onError)));
    clearInterval(w.heartbeat);
    await w.purging;
  }

  const postgresQueue: Queue<C> = {
    driver: 'postgres',

    async enqueue<K extends keyof C & string>(
      name: K,
      payload: JobPayload<C, K>,
      enqueueOptions: EnqueueOptions = {},
    ): Promise<EnqueueResult> {
      const def = definitionOf(name);
      if (!def) throw new Error(`Unknown job: ${name}`);
      const parsed = def.payload.safeParse(payload);
      if (!parsed.success) {
        throw new Error(`Invalid payload for job ${name}: ${z.prettifyError(parsed.error)}`);
      }
      const delayMs = Math.max(0, enqueueOptions.delayMs ?? 0);
      const jobKey = enqueueOptions.jobId ?? null;
      for (;;) {
        const [inserted] = await db
          .insert(jobs)
          .values({
            queue: def.queue,
            name,
            jobKey,
            orgId: enqueueOptions.orgId ?? null,
            payload: parsed.data,
            state: 'waiting',
            maxAttempts: def.attempts,
            runAt: sql`now() + ${interval(delayMs)}`,
          })
          .onConflictDoNothing({ target: [jobs.queue, jobs.jobKey] })
          .returning({ id: jobs.id });
        if (inserted) {
          const lane = worker?.lanes.get(def.queue);
          if (worker && lane && delayMs === 0) pump(worker, lane);
          return { id: String(inserted.id), deduplicated: false };
        }
        if (jobKey === null) throw new Error('Insert into jobs returned no row');
        const [existing] = await db
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.queue, def.queue), eq(jobs.jobKey, jobKey)));
        if (existing) return { id: String(existing.id), deduplicated: true };
        // The holder of the key finished and was removed in between; the key is free again.
      }
    },

    async startWorker(handlers: JobHandlers<C>, workerOptions: WorkerOptions = {}) {
      assertHandlers(catalog, handlers);
      if (worker) throw new Error('The worker is already running');
      const w: WorkerState = {
        handlers: handlers as unknown as Record<string, JobHandler<unknown>>,
        onOutcome: workerOptions.onOutcome,
        lanes: new Map(
          queueNames.map((queue) => [
            queue,
            {
              queue,
              concurrency:
                workerOptions.concurrency?.[queue] ?? workerOptions.defaultConcurrency ?? 5,
              active: 0,
              timer: undefined,
              claiming: undefined,
              again: false,
            },
          ]),
        ),
        running: new Set(),
        heartbeat: setInterval(() => void beat(w), Math.max(1, Math.floor(leaseMs / 3))),
        beating: false,
        stopping: false,
        stopped: undefined,
        purging: undefined,
        lastPurgeAt: 0,
      };
      worker = w;
      for (const lane of w.lanes.values()) pump(w, lane);
    },

    async stopWorker(timeoutMs = 30_000) {
      const w = worker;
      if (!w) return;
      w.stopped ??= stop(w, timeoutMs).finally(() => {
        if (worker === w) worker = undefined;
      });
      await w.stopped;
    },

    async counts(): Promise<QueueCounts[]> {
      const count = (condition: SQL) =>
        sql<number>`count(*) filter (where ${condition})`.mapWith(Number);
      const [rows, failed] = await Promise.all([
        db
          .select({
            queue: jobs.queue,
            waiting: count(sql`${jobs.state} = 'waiting' and ${jobs.runAt} <= now()`),
            delayed: count(sql`${jobs.state} = 'waiting' and ${jobs.runAt} > now()`),
            active: count(sql`${jobs.state} = 'active'`),
            completed: count(sql`${jobs.state} = 'completed'`),
          })
          .from(jobs)
          .where(inArray(jobs.queue, queueNames))
          .groupBy(jobs.queue),
        deadLetters.countByQueue(),
      ]);
      const byQueue = new Map(rows.map((row) => [row.queue, row]));
      return queueNames.map((queue) => ({
        queue,
        waiting: byQueue.get(queue)?.waiting ?? 0,
        delayed: byQueue.get(queue)?.delayed ?? 0,
        active: byQueue.get(queue)?.active ?? 0,
        completed: byQueue.get(queue)?.completed ?? 0,
        failed: failed.get(queue) ?? 0,
      }));
    },

    ping: () => database.ping(),

    // The database belongs to the caller, who closes it after the queue.
    close: () => postgresQueue.stopWorker(),
  };
  return postgresQueue;
}
