import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import type { Config, Secrets } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { jobCatalog, type AppJobCatalog } from './jobs/catalog.js';
import { createJobHandlers } from './jobs/handlers.js';
import { createServices } from './services.js';
import { createFailedJobsRepo } from './modules/jobs/failed-jobs.repo.js';
import { systemClock } from './platform/clock.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { startMetricsServer } from './platform/metrics-server.js';
import { createBullmqQueue } from './platform/queue/bullmq.js';
import { createPostgresQueue } from './platform/queue/postgres.js';
import type { Queue } from './platform/queue/queue.js';
import { createMemoryPubSub } from './platform/pubsub/memory.js';
import type { PubSub } from './platform/pubsub/pubsub.js';
import { createRedisPubSub } from './platform/pubsub/redis.js';
import type { RateLimiter } from './platform/ratelimit/ratelimit.js';
import { createMemoryRateLimiter } from './platform/ratelimit/memory.js';
import { createRedisRateLimiter } from './platform/ratelimit/redis.js';
import { loadOrCreateEmbeddedSecrets } from './platform/secrets.js';
import { createTracing, inSpan, type Tracing } from './platform/tracing.js';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));
const MAINTENANCE_EVERY_MS = 3_600_000;

export interface Runtime {
  config: Config;
  secrets: Secrets;
  database: Database;
  queue: Queue<AppJobCatalog>;
  /** Shared by the API and the worker: login limits and sender quotas across processes. */
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  metrics: Metrics;
  tracing: Tracing;
}

/** Opens the database (migrating it) and the queue for this deployment shape. */
export async function openRuntime(config: Config): Promise<Runtime> {
  const secrets = config.secrets ?? loadOrCreateEmbeddedSecrets(config.dataDir);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'pglite'),
    poolSize: config.dbPoolSize,
  });
  await runMigrations(database);
  const deadLetters = createFailedJobsRepo(database.db);
  const queue = config.redisUrl
    ? createBullmqQueue({
        redisUrl: config.redisUrl,
        prefix: config.redisKeyPrefix,
        catalog: jobCatalog,
        deadLetters,
      })
    : createPostgresQueue({ database, catalog: jobCatalog, deadLetters });
  const tracing = createTracing({ endpoint: config.otlpEndpoint, serviceName: config.serviceName });
  const rateLimiter = config.redisUrl
    ? createRedisRateLimiter(config.redisUrl, config.redisKeyPrefix)
    : createMemoryRateLimiter(systemClock);
  const pubsub = config.redisUrl
    ? createRedisPubSub(config.redisUrl, config.redisKeyPrefix)
    : createMemoryPubSub();
  return {
    config,
    secrets,
    database,
    queue,
    rateLimiter,
    pubsub,
    metrics: createMetrics(),
    tracing,
  };
}

/** Starts processing jobs, with metrics and a span per try, plus the hourly maintenance job. */
export async function startJobWorker(runtime: Runtime): Promise<() => Promise<void>> {
  const { queue, metrics, tracing, config } = runtime;
  const services = createServices({ ...runtime, clock: systemClock });
  const handlers = createJobHandlers(services);
  const traced = Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (payload: never, ctx: Parameters<typeof handler>[1]) =>
        inSpan(
          tracing.tracer,
          `job ${name}`,
          { 'job.id': ctx.id, 'job.attempt': ctx.attempt },
          () => handler(payload, ctx),
        ),
    ]),
  ) as typeof handlers;
  await queue.startWorker(traced, {
    defaultConcurrency: config.workerConcurrency,
    onOutcome: (outcome) => metrics.recordJob(outcome),
  });
  // The job id is the hour, so any number of workers schedule it once per hour between them.
  const schedule = () =>
    queue
      .enqueue(
        'maintenance.purge',
        {},
        { jobId: `maintenance.purge:${Math.floor(Date.now() / MAINTENANCE_EVERY_MS)}` },
      )
      .catch(() => undefined);
  void schedule();
  const timer = setInterval(schedule, MAINTENANCE_EVERY_MS);
  timer.unref();
  // Every minute one worker (the job id is the minute) looks for sending campaigns whose lanes
  // were lost — a Redis without persistence restarted, a job deleted — and starts them again.
  const sweep = () =>
    queue
      .enqueue(
        'campaigns.sweep',
        {},
        { jobId: `campaigns.sweep:${Math.floor(Date.now() / 60_000)}` },
      )
      .catch(() => undefined);
  const sweepTimer = setInterval(sweep, 60_000);
  sweepTimer.unref();
  // Likewise for webhook deliveries whose next attempt is overdue because its job was lost.
  const webhookSweep = () =>
    queue
      .enqueue('webhooks.sweep', {}, { jobId: `webhooks.sweep:${Math.floor(Date.now() / 60_000)}` })
      .catch(() => undefined);
  const webhookSweepTimer = setInterval(webhookSweep, 60_000);
  webhookSweepTimer.unref();
  // Flows: every minute, the repair sweep (overdue timers, runs whose step job was lost) and the
  // periodic triggers (segment entries, date attributes); one worker per minute by job id.
  const flowTicks = () => {
    const minute = Math.floor(Date.now() / 60_000);
    for (const name of ['flows.sweep', 'flows.triggers'] as const)
      void queue.enqueue(name, {}, { jobId: `${name}:${minute}` }).catch(() => undefined);
  };
  const flowTimer = setInterval(flowTicks, 60_000);
  flowTimer.unref();
  return async () => {
    clearInterval(timer);
    clearInterval(sweepTimer);
    clearInterval(webhookSweepTimer);
    clearInterval(flowTimer);
    await queue.stopWorker(config.shutdownTimeoutMs);
    await services.close();
  };
}

/** Waits for `work`, but no longer than `ms`: shutdown must finish even when a client hangs. */
async function boundedWait(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

export interface RunningHerald {
  url: string;
  app: FastifyInstance | undefined;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * `herald serve` (HTTP + in-process worker unless worker=false) and `herald worker` (worker=true,
 * http=false). close() is the graceful shutdown: stop accepting, finish or hand back jobs, close pools.
 */
export async function startHerald(
  config: Config,
  options: { worker?: boolean; http?: boolean; logger?: boolean } = {},
): Promise<RunningHerald> {
  const runtime = await openRuntime(config);
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true })
    : undefined;
  redis?.on('error', () => undefined);
  const { rateLimiter } = runtime;

  let app: FastifyInstance | undefined;
  let url = '';
  if (options.http !== false) {
    app = await buildApp({
      ...runtime,
      rateLimiter,
      dashboardDir: DASHBOARD_DIR,
      readiness: redis ? { redis: async () => void (await redis.ping()) } : {},
      ...(options.logger === false ? { logger: false } : {}),
    });
    url = await app.listen({ host: config.host, port: config.port });
  }
  const stopWorker = options.worker === false ? undefined : await startJobWorker(runtime);
  // A worker-only process has no HTTP API for Prometheus to scrape: it gets a port of its own.
  const metricsServer =
    options.http === false && config.metricsEnabled && config.workerMetricsPort !== undefined
      ? await startMetricsServer(runtime.metrics, {
          host: config.host,
          port: config.workerMetricsPort,
        })
      : undefined;

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    runtime,
    close: () => {
      closing ??= (async () => {
        await app?.close();
        // Jobs get SHUTDOWN_TIMEOUT_MS and are then handed back; a queue client stuck on a
        // connection that came back from a Redis restart must not hold the exit past that.
        await boundedWait(stopWorker?.(), config.shutdownTimeoutMs + 10_000);
        await boundedWait(runtime.queue.close(), 10_000);
        await metricsServer?.close();
        await rateLimiter.close();
        await runtime.pubsub.close();
        redis?.disconnect();
        await runtime.tracing.shutdown();
        await runtime.database.close();
      })();
      return closing;
    },
  };
}
