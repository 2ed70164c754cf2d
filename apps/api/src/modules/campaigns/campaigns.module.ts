import type { Config, Secrets } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { PubSub } from '../../platform/pubsub/pubsub.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { RateLimiter } from '../../platform/ratelimit/ratelimit.js';
import { createContactsRepo } from '../contacts/contacts.repo.js';
import type { SegmentsService } from '../segments/segments.service.js';
import type { SendersService } from '../senders/senders.service.js';
import type { TemplatesService } from '../templates/templates.service.js';
import { createTrackingRepo } from '../tracking/tracking.repo.js';
import { createTrackingService } from '../tracking/tracking.service.js';
import { createTrackingTokens } from '../tracking/tokens.js';
import { createCampaignsRepo } from './campaigns.repo.js';
import { createCampaignSending } from './campaigns.sending.js';
import { createCampaignsService } from './campaigns.service.js';
import { createCampaignStats } from './campaigns.stats.js';
import { createLedgerRepo } from './ledger.repo.js';
import { createSendPipeline } from './send/pipeline.js';

/** Campaigns, their send pipeline, tracking and stats, wired once for services.ts. */
export function createCampaignModule(deps: {
  db: Db;
  config: Config;
  secrets: Secrets;
  clock: Clock;
  queue: Queue<AppJobCatalog>;
  rateLimiter: RateLimiter;
  pubsub: PubSub;
  segments: SegmentsService;
  senders: SendersService;
  templates: TemplatesService;
  hasList: (orgId: string, listId: string) => Promise<boolean>;
  attributeKeys: (orgId: string) => Promise<string[]>;
  organizationName: (orgId: string) => Promise<string>;
}) {
  const { db, config, clock, queue, pubsub } = deps;
  const repo = createCampaignsRepo(db);
  const ledger = createLedgerRepo(db);
  const contactsRepo = createContactsRepo(db);
  const tokens = createTrackingTokens(deps.secrets.jwtSecret);

  const campaigns = createCampaignsService({
    repo,
    ledger,
    segments: deps.segments,
    hasList: deps.hasList,
    attributeKeys: deps.attributeKeys,
    queue,
    clock,
    lanes: config.send.lanes,
    publicUrl: config.publicUrl,
    onStatus: (row) =>
      pubsub.publish({
        orgId: row.orgId,
        type: 'campaign.status',
        campaignId: row.id,
        data: { status: row.status },
      }),
  });
  const pipeline = createSendPipeline({
    ledger,
    campaigns: repo,
    contacts: contactsRepo,
    senders: deps.senders,
    compile: (source, key) => deps.templates.compiledVersion(source, key),
    organizationName: deps.organizationName,
    limiter: deps.rateLimiter,
    tokens,
    clock,
    publicUrl: config.publicUrl,
    settings: config.send,
    onProgress: (p) =>
      pubsub.publish({
        orgId: p.orgId,
        type: 'campaign.progress',
        campaignId: p.campaignId,
        data: p.batch,
      }),
  });
  const sending = createCampaignSending({
    pipeline,
    campaigns,
    queue,
    clock,
    onFinished: (e) =>
      pubsub.publish({
        orgId: e.orgId,
        type: 'campaign.status',
        campaignId: e.campaignId,
        data: { status: 'sent' },
      }),
  });
  const tracking = createTrackingService({
    repo: createTrackingRepo(db),
    tokens,
    unsubscribeContact: async (principal, contactId, source) => {
      await contactsRepo.setStatus(
        principal.orgId,
        { ids: [contactId], status: 'subscribed' },
        'unsubscribed',
        source,
        clock.now(),
      );
    },
    onHit: (hit) =>
      pubsub.publish({
        orgId: hit.orgId,
        type: 'engagement',
        campaignId: hit.campaignId,
        data: { type: hit.type, isMachine: hit.isMachine },
      }),
  });
  return {
    campaigns,
    campaignSending: sending,
    campaignStats: createCampaignStats({ db, campaigns: repo }),
    tracking,
    pipeline,
    async close() {
      await tracking.drain();
      await pipeline.close();
    },
  };
}
