import type { Config, Secrets } from './config.js';
import type { Database } from './db/client.js';
import { jobCatalog, type AppJobCatalog } from './jobs/catalog.js';
import { createApiKeysRepo } from './modules/api-keys/api-keys.repo.js';
import { createApiKeysService } from './modules/api-keys/api-keys.service.js';
import { createEventsService } from './modules/events/events.service.js';
import { createWriteKeysRepo } from './modules/write-keys/write-keys.repo.js';
import { createWriteKeysService } from './modules/write-keys/write-keys.service.js';
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
import { createFlowsModule } from './modules/flows/flows.module.js';
import { createListsRepo } from './modules/lists/lists.repo.js';
import { createDomainEvents, type DomainEvents } from './platform/domain-events.js';
import { createWebhookDelivery } from './modules/webhooks/webhooks.delivery.js';
import { createWebhooksRepo } from './modules/webhooks/webhooks.repo.js';
import { createWebhooksService } from './modules/webhooks/webhooks.service.js';
import { createAuditLogRepo } from './modules/audit-log/audit-log.repo.js';
import { createAuditLogService } from './modules/audit-log/audit-log.service.js';
import type { Metrics } from './platform/metrics.js';

export interface ServiceDeps {
  config: Config;
  secrets: Secrets;
  database: Database;
  queue: Queue<AppJobCatalog>;
  rateLimiter: RateLimiter;
  /** Realtime fan-out (campaign progress, engagement). (Default: in-process) */
  pubsub?: PubSub;
  clock: Clock;
  /** What happened, for webhooks and flow triggers. (Default: a fresh in-process emitter) */
  domainEvents?: DomainEvents;
  /** Sends, tracking hits and ingested events are counted here when given. */
  metrics?: Metrics;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Every service, wired once. Routes (app.ts) and job handlers (jobs/handlers.ts) use the same
 * instances, so a job and an API call follow the same rules.
 */
export function createServices(deps: ServiceDeps) {
  const { config, secrets, database, queue, rateLimiter, clock } = deps;
  const pubsub = deps.pubsub ?? createMemoryPubSub();
  const domainEvents =
    deps.domainEvents ??
    createDomainEvents((error, type) => {
      // A listener's failure must not fail the change that was already committed.
      process.stderr.write(
        `${JSON.stringify({ level: 50, msg: 'domain event listener failed', type, err: String(error) })}\n`,
      );
    });
  deps.metrics?.watchDomainEvents(domainEvents);
  const db = database.db;
  const authRepo = createAuthRepo(db);
  const organizationsRepo = createOrganizationsRepo(db);
  const tokens = createAccessTokens(
    secrets.jwtSecret,
    config.accessTokenTtlSeconds,
    secrets.previousJwtSecrets,
  );
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
  const contacts = createContactsService({ db, clock, queue, segments, domainEvents });
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
    metrics: deps.metrics,
    domainEvents,
  });
  // Outgoing webhooks listen to every domain event; each services instance has its own listener.
  const webhooksRepo = createWebhooksRepo(db);
  const webhookSecrets = createSecretBox(secrets.encryptionKey, secrets.previousEncryptionKeys);
  const webhookDelivery = createWebhookDelivery({
    repo: webhooksRepo,
    secrets: webhookSecrets,
    queue,
    clock,
    settings: config.webhooks,
  });
  domainEvents.listen((orgId, type, data) => webhookDelivery.dispatch(orgId, type, data));
  // Flow triggers listen to domain events too (registered inside the module).
  const flowsModule = createFlowsModule({
    db,
    config,
    clock,
    queue,
    domainEvents,
    segments,
    contacts,
    templates,
    senders,
    pipeline: campaignModule.pipeline,
  });
  return {
    pubsub,
    domainEvents,
    webhookDelivery,
    webhooks: createWebhooksService({
      repo: webhooksRepo,
      delivery: webhookDelivery,
      secrets: webhookSecrets,
      clock,
      allowedHosts: config.webhooks.allowedHosts,
    }),
    ...campaignModule,
    flows: flowsModule,
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
    writeKeys: createWriteKeysService({ repo: createWriteKeysRepo(db), clock }),
    events: createEventsService({ db, clock, domainEvents }),
    auditLog: createAuditLogService({ repo: createAuditLogRepo(db), clock }),
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
    lists: createListsService({ db, clock, domainEvents }),
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
      domainEvents,
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
