import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { z } from 'zod';
import type { Database, Db } from '../../db/client.js';
import * as schema from '../../db/schema/index.js';
import { createFailedJobsRepo } from '../../modules/jobs/failed-jobs.repo.js';
import { openTestDatabase } from '../../test/database.js';
import { createPostgresQueue } from './postgres.js';
import {
  queueContract,
  spawnDoomedWorker,
  type DoomedWorker,
  type QueueContractStore,
} from './queue.contract.js';
import { CRASH_JOB_COUNT, crashCatalog, type CrashSpec } from './queue.kill-worker.fixture.js';
import type { JobContext } from './queue.js';

const tuning = { pollIntervalMs: 20, leaseMs: 300 };

interface PostgresStore extends QueueContractStore {
  database: Database;
}

/**
 * The same database through a client that can be cut off. To the database, a worker whose
 * connection is gone is a dead worker: it can neither renew its lease nor hand the job back.
 */
function severable(database: Database) {
  let isSevered = false;
  const client = (database.db as unknown as { $client: object }).$client;
  const gated = new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        isSevered
          ? Promise.reject(new Error('connection lost'))
          : Reflect.apply(value, target, args);
    },
  });
  const db = (database.kind === 'pglite'
    ? drizzlePglite({ client: gated as PGlite, schema })
    : drizzlePg({ client: gated as pg.Pool, schema })) as unknown as Db;
  return {
    database: { ...database, db },
    sever: () => {
      isSevered = true;
    },
  };
}

async function workerThatLosesItsConnection(
  store: PostgresStore,
  spec: CrashSpec,
): Promise<DoomedWorker> {
  const link = severable(store.database);
  const queue = createPostgresQueue({
    database: link.database,
    catalog: crashCatalog(spec),
    deadLetters: createFailedJobsRepo(link.database.db),
    ...tuning,
    onError: () => undefined,
  });
  let begin!: () => void;
  const started = new Promise<void>((resolve) => (begin = resolve));
  let inHandler = 0;
  const hang = async (_payload: unknown, ctx: JobContext) => {
    if (++inHandler === CRASH_JOB_COUNT) begin();
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  };
  await queue.startWorker(
    { 'campaign.send': hang, 'campaign.finish': hang },
    { defaultConcurrency: CRASH_JOB_COUNT },
  );
  return {
    started,
    kill: async () => link.sever(),
    dispose: () => queue.close(),
  };
}

const databaseUrl = inject('databaseUrl');

queueContract<PostgresStore>(`postgres (${databaseUrl ? 'PostgreSQL' : 'PGlite'})`, {
  async setup() {
    const database = await openTestDatabase();
    const failedJobs = createFailedJobsRepo(database.db);
    return {
      database,
      failedJobs,
      open: (catalog) =>
        createPostgresQueue({ database, catalog, deadLetters: failedJobs, ...tuning }),
      close: () => database.close(),
    };
  },
  crashes: {
    'its database connection is lost': workerThatLosesItsConnection,
    // Other processes exist only with a real server; PGlite lives inside this one.
    ...(databaseUrl
      ? {
          'its process is SIGKILLed': (_store: PostgresStore, spec: CrashSpec) =>
            spawnDoomedWorker({ driver: 'postgres', databaseUrl, leaseMs: 300, ...spec }),
        }
      : {}),
  },
});

describe('postgres queue: completed jobs', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('purges completed jobs once their retention has passed, which frees their jobId', async () => {
    const catalog = {
      'digest.build': {
        queue: `retention-${randomBytes(4).toString('hex')}`,
        payload: z.object({}),
        attempts: 1,
        backoff: { delayMs: 10 },
      },
    };
    const open = () =>
      createPostgresQueue({
        database,
        catalog,
        deadLetters: createFailedJobsRepo(database.db),
        ...tuning,
        completedRetentionMs: 100,
      });
    const first = open();
    let runs = 0;
    const handlers = {
      'digest.build': async () => {
        runs++;
      },
    };
    await first.startWorker(handlers);
    const job = await first.enqueue('digest.build', {}, { jobId: 'digest:today' });
    await vi.waitFor(async () => expect((await first.counts())[0]?.completed).toBe(1));
    await first.stopWorker();
    expect(await first.enqueue('digest.build', {}, { jobId: 'digest:today' })).toEqual({
      id: job.id,
      deduplicated: true,
    });

    await sleep(150);
    const second = open();
    try {
      // Purging happens while polling, at most once a minute per worker: a fresh one purges now.
      await second.startWorker(handlers);
      await vi.waitFor(async () => expect((await second.counts())[0]?.completed).toBe(0));
      const rerun = await second.enqueue('digest.build', {}, { jobId: 'digest:today' });
      expect(rerun.deduplicated).toBe(false);
      await vi.waitFor(() => expect(runs).toBe(2));
    } finally {
      await second.close();
    }
  });
});
