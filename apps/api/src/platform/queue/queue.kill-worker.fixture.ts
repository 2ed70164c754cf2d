/**
 * A worker process for the contract's crash tests: it takes the jobs of `crashCatalog`, announces
 * each on stdout and never finishes them, so the test can SIGKILL it mid-job.
 * Run with `node --import tsx`.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { openDatabase } from '../../db/client.js';
import { createFailedJobsRepo } from '../../modules/jobs/failed-jobs.repo.js';
import { createBullmqQueue } from './bullmq.js';
import { createPostgresQueue } from './postgres.js';
import type { JobContext, Queue } from './queue.js';

/** The queue a doomed worker works on. */
export interface CrashSpec {
  queue: string;
}

/**
 * Two jobs die with the worker: one with tries left, which must run again, and one on its last
 * try, which must end up a dead letter rather than kill workers forever.
 */
export const crashCatalog = (spec: CrashSpec) => ({
  'campaign.send': {
    queue: spec.queue,
    payload: z.object({ n: z.number() }),
    attempts: 3,
    backoff: { delayMs: 10 },
  },
  'campaign.finish': {
    queue: spec.queue,
    payload: z.object({ n: z.number() }),
    attempts: 1,
    backoff: { delayMs: 10 },
  },
});

export const CRASH_JOB_COUNT = 2;

export type CrashWorkerConfig = CrashSpec &
  (
    | { driver: 'postgres'; databaseUrl: string; leaseMs: number }
    | {
        driver: 'bullmq';
        redisUrl: string;
        prefix: string;
        lockDurationMs: number;
        /** Also spaces everyone's stalled checks: BullMQ lets one run per interval per queue. */
        stalledIntervalMs: number;
      }
  );

/** One JSON object per stdout line. */
export type CrashWorkerEvent =
  { event: 'ready' } | { event: 'started'; id: string; attempt: number; n: number };

const announce = (event: CrashWorkerEvent) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(config: CrashWorkerConfig) {
  // Never outlive the test run: a parent that dies closes our stdin.
  process.stdin.on('end', () => process.exit(1));
  process.stdin.resume();

  const catalog = crashCatalog(config);
  let queue: Queue<typeof catalog>;
  if (config.driver === 'postgres') {
    const database = await openDatabase({ url: config.databaseUrl, poolSize: 2 });
    queue = createPostgresQueue({
      database,
      catalog,
      deadLetters: createFailedJobsRepo(database.db),
      leaseMs: config.leaseMs,
      pollIntervalMs: 20,
    });
  } else {
    queue = createBullmqQueue({
      redisUrl: config.redisUrl,
      prefix: config.prefix,
      catalog,
      lockDurationMs: config.lockDurationMs,
      stalledIntervalMs: config.stalledIntervalMs,
      // This worker only ever holds the jobs it dies with; it must not bury anything.
      deadLetters: {
        record: () => Promise.reject(new Error('The doomed worker records no dead letters')),
        countByQueue: () => Promise.resolve(new Map()),
      },
    });
  }
  const hang = async (payload: { n: number }, ctx: JobContext) => {
    announce({ event: 'started', id: ctx.id, attempt: ctx.attempt, n: payload.n });
    await new Promise<never>(() => undefined);
  };
  await queue.startWorker(
    { 'campaign.send': hang, 'campaign.finish': hang },
    { defaultConcurrency: CRASH_JOB_COUNT },
  );
  announce({ event: 'ready' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(JSON.parse(process.argv[2] ?? '{}') as CrashWorkerConfig).catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
