import { randomBytes } from 'node:crypto';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { jobCatalog } from './jobs/catalog.js';
import { createFailedJobsRepo } from './modules/jobs/failed-jobs.repo.js';
import { systemClock } from './platform/clock.js';
import { createPostgresQueue } from './platform/queue/postgres.js';
import { createMemoryRateLimiter } from './platform/ratelimit/memory.js';

/** The OpenAPI document as the server would serve it, built without touching real state. */
export async function buildOpenApiDocument(): Promise<unknown> {
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:3000' });
  const database = await openDatabase({});
  const queue = createPostgresQueue({
    database,
    catalog: jobCatalog,
    deadLetters: createFailedJobsRepo(database.db),
  });
  const app = await buildApp({
    config,
    secrets: { jwtSecret: randomBytes(32), encryptionKey: randomBytes(32) },
    database,
    queue,
    rateLimiter: createMemoryRateLimiter(systemClock),
    logger: false,
  });
  await app.ready();
  const document = app.swagger();
  await app.close();
  await queue.close();
  await database.close();
  return document;
}
