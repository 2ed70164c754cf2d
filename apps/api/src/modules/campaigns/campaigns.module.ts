import type { Config, Secrets } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import type { Metrics } from '../../platform/metrics.js';
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
  /** campaign.*, message.* and contact.unsubscribed, told after they are stored. */
  domainEvents?: DomainEvents | undefined;
  metrics?: Metrics | undefined;
}) {
  const { db, config, clock, queue, pubsub } = deps;
  const events = deps.domainEvents;
  const repo = createCampaignsRepo(db);

  /** A lane found the campaign sent (the pipeline's settle, not a service transition). */
  async function announceSent(emitter: DomainEvents, campaignId: string) {
    try {
      const row = await repo.findById(campaignId);
      if (row?.kind !== 'campaign') return;
      await emitter.emit(row.orgId, 'campaign.completed', {
        campaignId: row.id,
        name: row.name,
        status: row.status,
      });
    } catch {
      // Best effort, like every domain event: the campaign is sent either way.
    }
  }
  const ledger = createLedgerRepo(db);
  const contactsRepo = createContactsRepo(db);
  const tokens = createTrackingTokens(deps.secrets.jwtSecret, deps.secrets.previousJwtSecrets);

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
    onStatus: (row, patch) => {
      pubsub.publish({
        orgId: row.orgId,
        type: 'campaign.status',
        campaignId: row.id,
        data: { status: row.status },
      });
      // Flows' hidden campaigns are not campaigns to the people who subscribe to these.
      if (!events || row.kind !== 'campaign') return;
      // startedAt is written only by the transition that starts sending (not by resume).
      if (row.status === 'sending' && patch.startedAt)
        void events.emit(row.orgId, 'campaign.started', { campaignId: row.id, name: row.name });
      else if (row.status === 'cancelled' || row.status === 'failed')
        void events.emit(row.orgId, 'campaign.completed', {
          campaignId: row.id,
          name: row.name,
          status: row.status,
        });
    },
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
    ...(events ? { events } : {}),
    onSenderResults: (senderId, results) => deps.metrics?.recordSends(senderId, results),
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
    onFinished: (e) => {
      pubsub.publish({
        orgId: e.orgId,
        type: 'campaign.status',
        campaignId: e.campaignId,
        data: { status: 'sent' },
      });
      if (events) void announceSent(events, e.campaignId);
    },
  });
  const tracking = createTrackingService({
    repo: createTrackingRepo(db),
    tokens,
    ...(events ? { events } : {}),
    unsubscribeContact: async (principal, contactId, source) => {
      const changed = await contactsRepo.setStatus(
        principal.orgId,
        { ids: [contactId], status: 'subscribed' },
        'unsubscribed',
        source,
        clock.now(),
      );
      if (changed > 0)
        await events?.emit(principal.orgId, 'contact.unsubscribed', { contactId, source });
    },
    onHit: (hit) => {
      deps.metrics?.recordTrackingHit(hit);
      return pubsub.publish({
        orgId: hit.orgId,
        type: 'engagement',
        campaignId: hit.campaignId,
        data: { type: hit.type, isMachine: hit.isMachine },
      });
    },
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
