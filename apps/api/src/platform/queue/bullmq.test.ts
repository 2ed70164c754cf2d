import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createFailedJobsRepo } from '../../modules/jobs/failed-jobs.repo.js';
import { openTestDatabase, testRedis } from '../../test/database.js';
import { createBullmqQueue } from './bullmq.js';
import { queueContract, spawnDoomedWorker, type QueueContractStore } from './queue.contract.js';

const tuning = { lockDurationMs: 1_000, stalledIntervalMs: 300 };

interface BullmqStore extends QueueContractStore {
  redisUrl: string;
  prefix: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Without REDIS_URL the contract still runs, against a throwaway redis-server of our own. */
async function startPrivateRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const failedToSpawn = new Promise<never>((_, reject) => server.once('error', reject));
  failedToSpawn.catch(() => undefined);
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await Promise.race([probe.connect().then(() => probe.ping()), failedToSpawn]);
      probe.disconnect();
      break;
    } catch (error) {
      probe.disconnect();
      if (Date.now() > deadline || server.exitCode !== null) {
        server.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}`, { cause: error });
      }
      await sleep(25);
    }
  }
  return {
    url,
    stop: async () => {
      server.kill('SIGTERM');
      await exited;
    },
  };
}

const configured = testRedis();

queueContract<BullmqStore>(`bullmq (${configured ? 'REDIS_URL' : 'private redis-server'})`, {
  async setup() {
    const privateRedis = configured ? undefined : await startPrivateRedis();
    const redisUrl = configured?.url ?? privateRedis!.url;
    // Under the run's prefix, so global teardown removes every key this file wrote.
    const prefix = `${configured?.prefix ?? 'herald-test'}-${randomBytes(3).toString('hex')}`;
    const database = await openTestDatabase();
    const failedJobs = createFailedJobsRepo(database.db);
    return {
      redisUrl,
      prefix,
      failedJobs,
      open: (catalog) =>
        createBullmqQueue({ redisUrl, prefix, catalog, deadLetters: failedJobs, ...tuning }),
      close: async () => {
        await database.close();
        await privateRedis?.stop();
      },
    };
  },
  crashes: {
    'its process is SIGKILLed': (store, spec) =>
      spawnDoomedWorker({
        driver: 'bullmq',
        redisUrl: store.redisUrl,
        prefix: store.prefix,
        lockDurationMs: 300,
        stalledIntervalMs: tuning.stalledIntervalMs,
        ...spec,
      }),
  },
});
