import type { Config, Secrets } from './config.js';
import type { Database } from './db/client.js';
import { jobCatalog, type AppJobCatalog } from './jobs/catalog.js';
import { createApiKeysRepo } from './modules/api-keys/api-keys.repo.js';
import { createApiKeysService } from './modules/api-keys/api-keys.service.js';
import { createAuthRepo } from './modules/auth/auth.repo.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createAccessTokens } from './modules/auth/tokens.js';
import { createContactsService } from './modules/contacts/contacts.service.js';
import { createFieldsService } from './modules/fields/fields.service.js';
import { createIdempotencyRepo } from './modules/idempotency/idempotency.repo.js';
import { createImportsRepo } from './modules/imports/imports.repo.js';
import { createImportsService } from './modules/imports/imports.service.js';
import { createFailedJobsRepo } from './modules/jobs/failed-jobs.repo.js';
import { createJobsService } from './modules/jobs/jobs.service.js';
import { createListsService } from './modules/lists/lists.service.js';
import { createOrganizationsRepo } from './modules/organizations/organizations.repo.js';
import { createOrganizationsService } from './modules/organizations/organizations.service.js';
import { createSegmentsRepo } from './modules/segments/segments.repo.js';
import { createSegmentsService } from './modules/segments/segments.service.js';
import { createSuppressionsService } from './modules/suppressions/suppressions.service.js';
import type { Clock } from './platform/clock.js';
import type { Queue } from './platform/queue/queue.js';
import type { RateLimiter } from './platform/ratelimit/ratelimit.js';

export interface ServiceDeps {
  config: Config;
  secrets: Secrets;
  database: Database;
  queue: Queue<AppJobCatalog>;
  rateLimiter: RateLimiter;
  clock: Clock;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Every service, wired once. Routes (app.ts) and job handlers (jobs/handlers.ts) use the same
 * instances, so a job and an API call follow the same rules.
 */
export function createServices(deps: ServiceDeps) {
  const { config, secrets, database, queue, rateLimiter, clock } = deps;
  const db = database.db;
  const authRepo = createAuthRepo(db);
  const organizationsRepo = createOrganizationsRepo(db);
  const tokens = createAccessTokens(secrets.jwtSecret, config.accessTokenTtlSeconds);
  const segments = createSegmentsService({ repo: createSegmentsRepo(db), clock });
  return {
    auth: createAuthService({
      config,
      clock,
      repo: authRepo,
      organizations: organizationsRepo,
      tokens,
      rateLimiter,
    }),
    apiKeys: createApiKeysService({ repo: createApiKeysRepo(db), clock }),
    organizations: createOrganizationsService({ config, clock, repo: organizationsRepo, authRepo }),
    jobs: createJobsService({ queue, failedJobs: createFailedJobsRepo(db), catalog: jobCatalog }),
    segments,
    contacts: createContactsService({ db, clock, queue, segments }),
    lists: createListsService({ db, clock }),
    fields: createFieldsService({ db, clock }),
    suppressions: createSuppressionsService({ db, clock }),
    imports: createImportsService({
      repo: createImportsRepo(database),
      clock,
      queue,
      uploadDir: config.uploadDir,
    }),
    maintenance: {
      // Expired rows are kept a while so a late refresh still reads as "expired", not "unknown".
      async purge() {
        const now = clock.now().getTime();
        await authRepo.purgeRefreshTokens(new Date(now - DAY_MS));
        await organizationsRepo.purgeInvitations(new Date(now - 30 * DAY_MS));
        await createIdempotencyRepo(db).purge(new Date(now - DAY_MS));
      },
    },
  };
}

export type Services = ReturnType<typeof createServices>;
