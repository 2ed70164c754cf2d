import type { z } from 'zod';
import type { Db } from '../../db/client.js';

/**
 * One queue interface, two drivers: `postgres.ts` (a table claimed with FOR UPDATE SKIP LOCKED;
 * works on PGlite and on a real PostgreSQL with many workers) and `bullmq.ts` (Redis).
 * Both pass `queue.contract.ts`.
 */

export interface Backoff {
  /** First retry delay; doubles with each attempt. */
  delayMs: number;
  /** Upper bound on one delay. (Default: 1 hour) */
  maxDelayMs?: number;
}

export interface JobDefinition<P extends z.ZodType = z.ZodType> {
  /** Which queue (and so which concurrency limit) the job runs on. */
  queue: string;
  payload: P;
  /** Total tries, including the first. */
  attempts: number;
  backoff: Backoff;
}

/** `noun.verb` job name → definition. */
export type JobCatalog = Record<string, JobDefinition>;

export type JobPayload<C extends JobCatalog, K extends keyof C> = z.infer<C[K]['payload']>;

export interface EnqueueOptions {
  /** Deduplication key: while a job with this id exists (waiting, active or recently completed) no second one is added. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Owning organization, so its dead letters are shown only to it. */
  orgId?: string;
}

export interface EnqueueResult {
  id: string;
  /** True when a job with the same jobId already existed and nothing was added. */
  deduplicated: boolean;
}

export interface JobContext {
  id: string;
  name: string;
  /** 1 for the first try. */
  attempt: number;
  orgId: string | undefined;
  /** Aborted when the worker is shutting down and the job should stop soon. */
  signal: AbortSignal;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;

export type JobHandlers<C extends JobCatalog> = {
  [K in keyof C]: JobHandler<JobPayload<C, K>>;
};

export interface JobOutcome {
  queue: string;
  name: string;
  state: 'completed' | 'retrying' | 'failed';
  durationMs: number;
  error?: unknown;
}

export interface WorkerOptions {
  /** Jobs run at once per queue name. */
  concurrency?: Record<string, number>;
  /** For queues not named in `concurrency`. (Default: 5) */
  defaultConcurrency?: number;
  /** Called after every try, for metrics and logs. */
  onOutcome?: (outcome: JobOutcome) => void;
}

export interface QueueCounts {
  queue: string;
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  /** Dead letters in failed_jobs for this queue. */
  failed: number;
}

export interface Queue<C extends JobCatalog = JobCatalog> {
  readonly driver: 'postgres' | 'bullmq';
  enqueue<K extends keyof C & string>(
    name: K,
    payload: JobPayload<C, K>,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult>;
  /** Starts processing every queue in the catalog. Throws if a job has no handler. */
  startWorker(handlers: JobHandlers<C>, options?: WorkerOptions): Promise<void>;
  /**
   * Stops claiming, waits for running jobs up to `timeoutMs`, then hands the unfinished ones back
   * so another worker runs them. Nothing is lost.
   */
  stopWorker(timeoutMs?: number): Promise<void>;
  counts(): Promise<QueueCounts[]>;
  ping(): Promise<void>;
  /** Stops the worker (if any) and releases connections. */
  close(): Promise<void>;
}

/** A job that used up its attempts (or can never run), as kept in `failed_jobs`. */
export interface DeadLetter {
  queue: string;
  name: string;
  jobKey: string | null;
  orgId: string | null;
  payload: unknown;
  error: string;
  attempts: number;
}

/** Where both drivers put jobs that used up their attempts (the `failed_jobs` table). */
export interface DeadLetterSink {
  /**
   * `tx` joins a transaction on the same database, so the Postgres driver deletes the job row
   * and records its dead letter atomically. (Default: its own statement)
   */
  record(letter: DeadLetter, tx?: Db): Promise<void>;
  countByQueue(): Promise<Map<string, number>>;
}

export function backoffDelay(backoff: Backoff, attempt: number): number {
  const max = backoff.maxDelayMs ?? 3_600_000;
  return Math.min(max, backoff.delayMs * 2 ** Math.max(0, attempt - 1));
}

export function assertHandlers<C extends JobCatalog>(
  catalog: C,
  handlers: Partial<JobHandlers<C>>,
) {
  const missing = Object.keys(catalog).filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
