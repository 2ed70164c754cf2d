import { randomUUID } from 'node:crypto';
import {
  Queue as BullQueue,
  DelayedError,
  UnrecoverableError,
  WaitingError,
  Worker,
  type Job,
  type MinimalJob,
} from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
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

export interface BullmqQueueOptions<C extends JobCatalog> {
  redisUrl: string;
  /** Namespaces every key, so several installations (or test runs) can share one Redis. */
  prefix: string;
  catalog: C;
  deadLetters: DeadLetterSink;
  /**
   * How long a running job's lock lasts; renewed at half of it. A job whose worker was killed runs
   * again at most this long plus two stalled checks later. (Default: 30000)
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. (Default: 30000) */
  stalledIntervalMs?: number;
  /** How long completed jobs are kept, and so how long their jobId still deduplicates. (Default: 24 hours) */
  completedRetentionMs?: number;
  /** Background failures (a state write that did not reach Redis); the work itself is retried. (Default: a process warning) */
  onError?: (error: unknown) => void;
}

/** What a job carries in Redis besides its payload. */
interface Envelope {
  payload: unknown;
  orgId: string | null;
  jobKey: string | null;
  /** Present with a jobKey: tells the add that created the job from a later one that found it. */
  addedBy?: string;
}

interface RunningJob {
  jobId: string;
  controller: AbortController;
  /** Gives up on the handler so the job can be handed back to the queue. */
  release(): void;
}

interface WorkerState {
  connection: Redis;
  workers: Worker<Envelope>[];
  running: Set<RunningJob>;
  stopping: boolean;
  stopped: Promise<void> | undefined;
}

const BACKOFF_TYPE = 'herald';
/** Retries are bounded by the job's attempts (a stall counts as one), not by this limit. */
const MAX_STALLED_COUNT = Number.MAX_SAFE_INTEGER;

// BullMQ refuses integer-looking ids and most ':'; escaping keeps distinct keys distinct.
const toBullJobId = (jobKey: string) =>
  `key-${jobKey.replaceAll('%', '%25').replaceAll(':', '%3A')}`;

/** Tries so far, counting the ones whose worker died (BullMQ counts only thrown errors). */
const attemptOf = (job: Job<Envelope>) => job.attemptsMade + job.stalledCounter + 1;

/**
 * BullMQ on Redis: one BullMQ queue and worker per catalog queue name. Failed jobs are moved to
 * `failed_jobs` by this driver and removed from Redis, so only one place holds dead letters.
 */
export function createBullmqQueue<C extends JobCatalog>(options: BullmqQueueOptions<C>): Queue<C> {
  const { catalog, deadLetters, prefix, redisUrl } = options;
  const lockDurationMs = options.lockDurationMs ?? 30_000;
  const stalledIntervalMs = options.stalledIntervalMs ?? 30_000;
  const completedRetentionMs = options.completedRetentionMs ?? 24 * 3_600_000;
  const onError =
    options.onError ??
    ((error: unknown) => process.emitWarning(`bullmq queue: ${errorMessage(error)}`));
  const queueNames = [...new Set(Object.values(catalog).map((def) => def.queue))];

  // Producers fail fast while Redis is away instead of queueing commands without bound.
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  // Reconnecting is ioredis's job; the listener keeps a Redis restart from crashing the process.
  producer.on('error', () => undefined);
  const queues = new Map(
    queueNames.map((name) => {
      const queue = new BullQueue<Envelope>(name, { connection: producer, prefix });
      queue.on('error', () => undefined);
      return [name, queue] as const;
    }),
  );
  let current: WorkerState | undefined;

  const definitionOf = (name: string): JobDefinition | undefined =>
    Object.hasOwn(catalog, name) ? catalog[name] : undefined;

  const backoffStrategy = (
    attemptsMade: number,
    _type?: string,
    _err?: Error,
    job?: MinimalJob,
  ) => {
    const def = job ? definitionOf(job.name) : undefined;
    const stalls = (job as Partial<Job> | undefined)?.stalledCounter ?? 0;
    return def ? backoffDelay(def.backoff, attemptsMade + stalls) : 0;
  };

  function processorFor(
    queueName: string,
    handlers: Record<string, JobHandler<unknown>>,
    onOutcome: ((outcome: JobOutcome) => void) | undefined,
    w: WorkerState,
  ) {
    return async (job: Job<Envelope>, token?: string): Promise<void> => {
      const started = performance.now();
      const attempt = attemptOf(job);
      const outcome = (state: JobOutcome['state'], error?: unknown) => {
        try {
          onOutcome?.({
            queue: queueName,
            name: job.name,
            state,
            durationMs: performance.now() - started,
            ...(error === undefined ? {} : { error }),
          });
        } catch (callbackError) {
          onError(callbackError);
        }
      };
      // The dead letter is written before BullMQ drops the job (removeOnFail), so it is never lost.
      const bury = async (error: string): Promise<never> => {
        try {
          await deadLetters.record({
            queue: queueName,
            name: job.name,
            jobKey: job.data.jobKey,
            orgId: job.data.orgId,
            payload: job.data.payload,
            error,
            attempts: attempt,
          });
        } catch (recordError) {
          onError(recordError);
          // Keep the job in Redis and come back to it (re-running this try) rather than drop it.
          await job.moveToDelayed(Date.now() + lockDurationMs, token);
          throw new DelayedError();
        }
        outcome('failed', error);
        throw new UnrecoverableError(error);
      };
      // A shutdown interrupted this try: it goes back to the queue and is not counted.
      const handBack = async (): Promise<never> => {
        await job.moveToWait(token);
        throw new WaitingError();
      };

      const def = definitionOf(job.name);
      const handler = handlers[job.name];
      if (!def || !handler) return bury(`No job named ${job.name} in this worker's catalog`);
      if (attempt > def.attempts) {
        return bury(
          `The worker running attempt ${def.attempts} stopped without finishing it (its lock expired)`,
        );
      }
      const parsed = def.payload.safeParse(job.data.payload);
      if (!parsed.success) {
        return bury(`Invalid payload for job ${job.name}: ${z.prettifyError(parsed.error)}`);
      }

      const controller = new AbortController();
      let release!: () => void;
      const released = new Promise<'released'>((resolve) => {
        release = () => resolve('released');
      });
      const running: RunningJob = { jobId: job.id ?? '', controller, release };
      w.running.add(running);
      if (w.stopping) controller.abort(new Error('The worker is shutting down'));
      try {
        const run = Promise.resolve().then(() =>
          handler(parsed.data, {
            id: job.id ?? '',
            name: job.name,
            attempt,
            orgId: job.data.orgId ?? undefined,
            signal: controller.signal,
          }),
        );
        // The handler may outlive a hand-back; its late failure must not go unhandled.
        run.catch(() => undefined);
        if ((await Promise.race([run, released])) === 'released') return handBack();
        outcome('completed');
      } catch (error) {
        if (w.stopping && controller.signal.aborted) return handBack();
        if (attempt >= def.attempts) return bury(errorMessage(error));
        outcome('retrying', error);
        throw error instanceof Error ? error : new Error(String(error));
      } finally {
        w.running.delete(running);
      }
    };
  }

  async function stop(w: WorkerState, timeoutMs: number) {
    w.stopping = true;
    for (const job of w.running) job.controller.abort(new Error('The worker is shutting down'));
    // close() stops fetching and waits for the running jobs; past the deadline they are handed back.
    const closing = Promise.all(w.workers.map((worker) => worker.close()));
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      closing.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished) for (const job of w.running) job.release();
    await closing;
    w.connection.disconnect();
  }

  const bullmqQueue: Queue<C> = {
    driver: 'bullmq',

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
      const queue = queues.get(def.queue)!;
      const jobKey = enqueueOptions.jobId ?? null;
      const addedBy = jobKey === null ? undefined : randomUUID();
      const job = await queue.add(
        name,
        {
          payload: parsed.data,
          orgId: enqueueOptions.orgId ?? null,
          jobKey,
          ...(addedBy ? { addedBy } : {}),
        },
        {
          ...(jobKey === null ? {} : { jobId: toBullJobId(jobKey) }),
          delay: Math.max(0, enqueueOptions.delayMs ?? 0),
          attempts: def.attempts,
          backoff: { type: BACKOFF_TYPE },
          removeOnComplete: { age: Math.ceil(completedRetentionMs / 1000) },
          removeOnFail: true,
        },
      );
      const id = job.id!;
      if (!addedBy) return { id, deduplicated: false };
      // add() answers the same for a new job and an existing one; the stored marker tells them apart.
      const stored = await queue.getJob(id);
      return { id, deduplicated: stored !== undefined && stored.data.addedBy !== addedBy };
    },

    async startWorker(handlers: JobHandlers<C>, workerOptions: WorkerOptions = {}) {
      assertHandlers(catalog, handlers);
      if (current) throw new Error('The worker is already running');
      // Workers block on Redis, so their connection must retry forever (BullMQ requires it).
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', () => undefined);
      const w: WorkerState = {
        connection,
        workers: [],
        running: new Set(),
        stopping: false,
        stopped: undefined,
      };
      current = w;
      const byName = handlers as unknown as Record<string, JobHandler<unknown>>;
      for (const queueName of queueNames) {
        const worker = new Worker<Envelope>(
          queueName,
          processorFor(queueName, byName, workerOptions.onOutcome, w),
          {
            connection,
            prefix,
            concurrency:
              workerOptions.concurrency?.[queueName] ?? workerOptions.defaultConcurrency ?? 5,
            lockDuration: lockDurationMs,
            stalledInterval: stalledIntervalMs,
            maxStalledCount: MAX_STALLED_COUNT,
            settings: { backoffStrategy },
          },
        );
        worker.on('error', (error) => onError(error));
        worker.on('lockRenewalFailed', (jobIds) => {
          for (const job of w.running) {
            if (jobIds.includes(job.jobId)) {
              job.controller.abort(new Error('The job lock was lost'));
            }
          }
        });
        w.workers.push(worker);
      }
      await Promise.all(w.workers.map((worker) => worker.waitUntilReady()));
    },

    async stopWorker(timeoutMs = 30_000) {
      const w = current;
      if (!w) return;
      w.stopped ??= stop(w, timeoutMs).finally(() => {
        if (current === w) current = undefined;
      });
      await w.stopped;
    },

    async counts(): Promise<QueueCounts[]> {
      const [perQueue, failed] = await Promise.all([
        Promise.all(
          queueNames.map(async (name) => {
            const counts = await queues
              .get(name)!
              .getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed');
            return { name, counts };
          }),
        ),
        deadLetters.countByQueue(),
      ]);
      return perQueue.map(({ name, counts }) => ({
        queue: name,
        waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: failed.get(name) ?? 0,
      }));
    },

    async ping() {
      await producer.ping();
    },

    async close() {
      await bullmqQueue.stopWorker();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      producer.disconnect();
    },
  };
  return bullmqQueue;
}
