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
import { createImportApplyRepo } from './modules/imports/imports.apply.repo.js';
import { createImportsRepo } from './modules/imports/imports.repo.js';
import { createImportStreamRepo } from './modules/imports/imports.stream.repo.js';
import { createImportsService } from './modules/imports/imports.service.js';
import { createFailedJobsRepo } from './modules/jobs/failed-jobs.repo.js';
import { createJobsService } from './modules/jobs/jobs.service.js';
import { createListsService } from './modules/lists/lists.service.js';
import { createOrganizationsRepo } from './modules/organizations/organizations.repo.js';
import { createOrganizationsService } from './modules/organizations/organizations.service.js';
import { createSegmentsRepo } from './modules/segments/segments.repo.js';
import { createSegmentsService } from './modules/segments/segments.service.js';
import { createSuppressionsService } from './modules/suppressions/suppressions.service.js';
import { createAlertsRepo } from './modules/alerts/alerts.repo.js';
import { createAlertsService } from './modules/alerts/alerts.service.js';
import { createOutboxRepo } from './modules/outbox/outbox.repo.js';
import { createOutboxService } from './modules/outbox/outbox.service.js';
import { createSendersRepo } from './modules/senders/senders.repo.js';
import { createCampaignsRepo } from './modules/campaigns/campaigns.repo.js';
import { createSendersService } from './modules/senders/senders.service.js';
import { createTemplatesRepo } from './modules/templates/templates.repo.js';
import { createTemplatesService } from './modules/templates/templates.service.js';
import type { Clock } from './platform/clock.js';
import { createSecretBox } from './platform/crypto.js';
import { uuidV7Floor } from './platform/ids.js';
import type { Queue } from './platform/queue/queue.js';
import type { RateLimiter } from './platform/ratelimit/ratelimit.js';
import { createMemoryPubSub } from './platform/pubsub/memory.js';
import type { PubSub } from './platform/pubsub/pubsub.js';
import { createCampaignModule } from './modules/campaigns/campaigns.module.js';
import { createListsRepo } from './modules/lists/lists.repo.js';

export interface ServiceDeps {
  config: Config;
  secrets: Secrets;
  database: Database;
  queue: Queue<AppJobCatalog>;
  rateLimiter: RateLimiter;
  /** Realtime fan-out (campaign progress, engagement). (Default: in-process) */
  pubsub?: PubSub;
  clock: Clock;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Every service, wired once. Routes (app.ts) and job handlers (jobs/handlers.ts) use the same
 * instances, so a job and an API call follow the same rules.
 */
export function createServices(deps: ServiceDeps) {
  const { config, secrets, database, queue, rateLimiter, clock } = deps;
  const pubsub = deps.pubsub ?? createMemoryPubSub();
  const db = database.db;
  const authRepo = createAuthRepo(db);
  const organizationsRepo = createOrganizationsRepo(db);
  const tokens = createAccessTokens(secrets.jwtSecret, config.accessTokenTtlSeconds);
  // Templates and senders that campaigns still need are not deleted from under them.
  const campaignUsage = createCampaignsRepo(db);
  const senders = createSendersService({
    usedBy: (orgId, id) => campaignUsage.usingSender(orgId, id),
    repo: createSendersRepo(db),
    clock,
    secrets: createSecretBox(secrets.encryptionKey, secrets.previousEncryptionKeys),
  });
  // Embedded installations start with the built-in outbox, so a new user can send at once and
  // see what would go out; scale-out deployments configure real senders.
  const onOrganizationCreated =
    config.mode === 'embedded'
      ? async (orgId: string, creatorId: string) => {
          const creator = await authRepo.findUserById(creatorId);
          if (creator) await senders.createDefaultOutbox(orgId, creator.email, creator.name);
        }
      : undefined;
  const outboxRepo = createOutboxRepo(db);
  const segments = createSegmentsService({ repo: createSegmentsRepo(db), clock });
  const contacts = createContactsService({ db, clock, queue, segments });
  const templates = createTemplatesService({
    repo: createTemplatesRepo(db),
    clock,
    publicUrl: config.publicUrl,
    senders,
    usedBy: (orgId, id) => campaignUsage.usingTemplate(orgId, id),
    context: {
      contact: (principal, contactId) => contacts.get(principal, contactId),
      organization: async (orgId) => {
        const org = await organizationsRepo.find(orgId);
        return { name: org?.name ?? '' };
      },
    },
  });
  const templatesRepoForKeys = createTemplatesRepo(db);
  const listsRepo = createListsRepo(db);
  const campaignModule = createCampaignModule({
    db,
    config,
    secrets,
    clock,
    queue,
    rateLimiter,
    pubsub,
    segments,
    senders,
    templates,
    hasList: (orgId, listId) => listsRepo.exists(orgId, listId),
    attributeKeys: (orgId) => templatesRepoForKeys.attributeKeys(orgId),
    organizationName: async (orgId) => (await organizationsRepo.find(orgId))?.name ?? '',
  });
  return {
    pubsub,
    ...campaignModule,
    auth: createAuthService({
      config,
      clock,
      repo: authRepo,
      organizations: organizationsRepo,
      tokens,
      rateLimiter,
      onOrganizationCreated,
    }),
    apiKeys: createApiKeysService({ repo: createApiKeysRepo(db), clock }),
    organizations: createOrganizationsService({
      config,
      clock,
      repo: organizationsRepo,
      authRepo,
      onOrganizationCreated,
    }),
    jobs: createJobsService({ queue, failedJobs: createFailedJobsRepo(db), catalog: jobCatalog }),
    segments,
    contacts,
    templates,
    senders,
    outbox: createOutboxService({ repo: outboxRepo }),
    alerts: createAlertsService({ repo: createAlertsRepo(db), clock }),
    lists: createListsService({ db, clock }),
    fields: createFieldsService({ db, clock }),
    suppressions: createSuppressionsService({ db, clock }),
    imports: createImportsService({
      repo: createImportsRepo(database),
      applier: createImportApplyRepo(database),
      streamer: createImportStreamRepo(database),
      clock,
      queue,
      uploadDir: config.uploadDir,
      chunkRows: config.importChunkRows,
    }),
    maintenance: {
      // Expired rows are kept a while so a late refresh still reads as "expired", not "unknown".
      async purge() {
        const now = clock.now().getTime();
        await authRepo.purgeRefreshTokens(new Date(now - DAY_MS));
        await organizationsRepo.purgeInvitations(new Date(now - 30 * DAY_MS));
        await createIdempotencyRepo(db).purge(new Date(now - DAY_MS));
        // The outbox shows recent mail; a week is plenty to look at what would have gone out.
        await outboxRepo.purgeBefore(uuidV7Floor(new Date(now - 7 * DAY_MS)));
      },
    },
  };
}

export type Services = ReturnType<typeof createServices>;
