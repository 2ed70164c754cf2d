import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { buildApp, type AppDeps } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Database } from '../db/client.js';
import { memberships, organizations, users } from '../db/schema/index.js';
import type { Role } from '../http/access.js';
import { jobCatalog, type AppJobCatalog } from '../jobs/catalog.js';
import { createFailedJobsRepo } from '../modules/jobs/failed-jobs.repo.js';
import { hashPassword } from '../platform/crypto.js';
import { createMemoryRateLimiter } from '../platform/ratelimit/memory.js';
import { createRedisRateLimiter } from '../platform/ratelimit/redis.js';
import { systemClock } from '../platform/clock.js';
import { createBullmqQueue } from '../platform/queue/bullmq.js';
import { createPostgresQueue } from '../platform/queue/postgres.js';
import type { Queue, WorkerOptions } from '../platform/queue/queue.js';
import { createJobHandlers } from '../jobs/handlers.js';
import { createServices, type Services } from '../services.js';
import { inject } from 'vitest';
import { openTestDatabase, testRedis } from './database.js';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  role: Role;
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  database: Database;
  queue: Queue<AppJobCatalog>;
  /**
   * The environment of a `herald worker` process that shares this app's database, queue and
   * secrets (scale-out runs only: PGlite cannot be shared between processes).
   */
  workerEnv: Record<string, string> | undefined;
  services: Services;
  /** Runs this app's jobs with the same handlers `herald worker` uses (stopped by close()). */
  startWorker(options?: WorkerOptions): Promise<void>;
  /** inject() with a bearer token. */
  call(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Registers a fresh user with a fresh organization through the API. */
  register(
    overrides?: Partial<{
      email: string;
      password: string;
      name: string;
      organizationName: string;
    }>,
  ): Promise<Session & { password: string }>;
  /** Adds a new user with `role` to `orgId` and signs them in there. */
  memberOf(orgId: string, role: Role): Promise<Session>;
  /** Creates an API key in the session's organization. */
  apiKey(session: Session, role: Exclude<Role, 'owner'>): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

let counter = 0;
export const uniqueEmail = (label = 'user') =>
  `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}-${randomBytes(3).toString('hex')}@example.com`;

export const PASSWORD = 'correct horse battery';

/**
 * The real app on the run's database and queue (PGlite + table queue, or PostgreSQL + BullMQ),
 * driven through inject(). Each test makes its own organizations; nothing is truncated.
 */
export async function createTestApp(
  overrides: Partial<AppDeps> & { env?: Record<string, string> } = {},
): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://herald.test',
    ...overrides.env,
  });
  const database = await openTestDatabase();
  const redis = testRedis();
  const deadLetters = createFailedJobsRepo(database.db);
  const queuePrefix = redis ? `${redis.prefix}-${randomBytes(3).toString('hex')}` : undefined;
  const queue = redis
    ? createBullmqQueue({
        redisUrl: redis.url,
        prefix: queuePrefix!,
        catalog: jobCatalog,
        deadLetters,
      })
    : createPostgresQueue({ database, catalog: jobCatalog, deadLetters });
  const rateLimiter = redis
    ? createRedisRateLimiter(redis.url, `${redis.prefix}-${randomBytes(3).toString('hex')}`)
    : createMemoryRateLimiter(systemClock);
  const { env: _env, ...deps } = overrides;
  const jwtSecretText = randomBytes(32).toString('hex');
  const secrets = {
    jwtSecret: new TextEncoder().encode(jwtSecretText),
    encryptionKey: randomBytes(32),
  };
  const services = createServices({
    config,
    secrets,
    database,
    queue,
    rateLimiter,
    clock: deps.clock ?? systemClock,
  });
  const app = await buildApp({
    config,
    secrets,
    database,
    queue,
    rateLimiter,
    services,
    logger: false,
    ...deps,
  });
  await app.ready();

  const call = (token: string | undefined, options: InjectOptions) =>
    app.inject({
      ...options,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
    });

  const register: TestApp['register'] = async (o = {}) => {
    const password = o.password ?? PASSWORD;
    const res = await call(undefined, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: {
        email: o.email ?? uniqueEmail(),
        password,
        name: o.name ?? 'Test User',
        organizationName: o.organizationName ?? `Org ${randomBytes(3).toString('hex')}`,
      },
    });
    if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
    return { ...(res.json() as Session), password };
  };

  const memberOf: TestApp['memberOf'] = async (orgId, role) => {
    const email = uniqueEmail(role);
    const userId = uuidv7();
    await database.db.insert(users).values({
      id: userId,
      email,
      name: `${role} user`,
      passwordHash: await hashPassword(PASSWORD),
    });
    await database.db.insert(memberships).values({ orgId, userId, role });
    const res = await call(undefined, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: PASSWORD, organizationId: orgId },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return res.json() as Session;
  };

  const apiKey: TestApp['apiKey'] = async (session, role) => {
    const res = await call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { name: `${role} key`, role },
    });
    if (res.statusCode !== 201) throw new Error(`api key failed: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string; key: string };
  };

  return {
    app,
    config,
    database,
    queue,
    workerEnv:
      redis && queuePrefix
        ? {
            DATABASE_URL: inject('databaseUrl'),
            REDIS_URL: redis.url,
            REDIS_KEY_PREFIX: queuePrefix,
            JWT_SECRET: jwtSecretText,
            ENCRYPTION_KEY: secrets.encryptionKey.toString('base64'),
            PUBLIC_URL: config.publicUrl,
          }
        : undefined,
    services,
    startWorker: (options) => queue.startWorker(createJobHandlers(services), options),
    call,
    register,
    memberOf,
    apiKey,
    close: async () => {
      await app.close();
      await services.close();
      await queue.close();
      await rateLimiter.close();
      await database.close();
    },
  };
}

/** An organization with no members, for tests that need a bare tenant row. */
export async function createBareOrganization(
  database: Database,
  name = 'Bare org',
): Promise<string> {
  const id = uuidv7();
  await database.db.insert(organizations).values({ id, name });
  return id;
}
