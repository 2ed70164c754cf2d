import type { Clock } from '../../../platform/clock.js';
import type { DomainEvents } from '../../../platform/domain-events.js';
import { createMessageSkeleton, type MessageSkeleton } from '../../../platform/mail/mime.js';
import type { SmtpResult } from '../../../platform/mail/smtp-client.js';
import type { RateLimiter } from '../../../platform/ratelimit/ratelimit.js';
import type { ContactsRepo } from '../../contacts/contacts.repo.js';
import type { SenderRow } from '../../senders/senders.repo.js';
import type { SendersService } from '../../senders/senders.service.js';
import { isWithinWindow, nextWindowOpening } from '../../senders/window.js';
import type { CompiledTemplate, TemplateSource } from '../../templates/render/index.js';
import { renderTemplate } from '../../templates/render/index.js';
import type { TrackingTokens } from '../../tracking/tokens.js';
import type { CampaignRow, CampaignsRepo } from '../campaigns.repo.js';
import type {
  ClaimedMessage,
  LedgerRepo,
  MessageOutcome,
  RecipientContact,
} from '../ledger.repo.js';
import { rewriteLinks, withOpenPixel } from './links.js';
import { assignSenders, createTransportCache, takeQuota } from './sender-pool.js';

/**
 * The send pipeline (DESIGN.md §5). A lane claims a batch of due messages with a lease, renders
 * each one (Liquid only: the template is compiled once per campaign), hands them to the
 * senders' pooled transports, and records every outcome in one statement — then claims again,
 * until nothing is due, the campaign stops sending, or its window closes. Any number of lanes
 * in any number of processes work on one campaign: the ledger hands each row to one of them.
 */

export interface SendSettings {
  /** Messages claimed per batch. (Default: 500) */
  batchSize: number;
  /** How long a claim holds before another worker may take the messages over. (Default: 300000) */
  leaseMs: number;
  /** Tries per message, the first included, before a temporary failure becomes final. (Default: 5) */
  maxAttempts: number;
  /** Delay before the first retry; each further retry waits four times longer. (Default: 60000) */
  retryBaseMs: number;
}

export interface CampaignProgress {
  orgId: string;
  campaignId: string;
  /** Messages finished by this batch. */
  batch: { sent: number; failed: number; bounced: number; deferred: number };
}

export type LaneResult =
  { state: 'done' } | { state: 'stopped' } | { state: 'wait'; until: Date; reason: string };

/** Contacts who must not get mail any more, even though the snapshot included them. */
const UNSENDABLE = new Set(['unsubscribed', 'bounced', 'complained', 'blocked']);
/** 5xx replies that say the mailbox does not exist (RFC 3463 x.1.x): a hard bounce. */
const HARD_BOUNCE = /^5\.1\.\d+$/;

export interface PipelineDeps {
  ledger: LedgerRepo;
  campaigns: CampaignsRepo;
  contacts: ContactsRepo;
  senders: Pick<SendersService, 'transportFor' | 'recordOutcomes'>;
  compile: (source: TemplateSource, cacheKey: string) => Promise<CompiledTemplate>;
  organizationName: (orgId: string) => Promise<string>;
  limiter: RateLimiter;
  tokens: TrackingTokens;
  clock: Clock;
  publicUrl: string;
  settings: SendSettings;
  onProgress?: (progress: CampaignProgress) => void;
  /** message.sent / message.bounced, once per recorded batch (webhooks, flows). */
  events?: Pick<DomainEvents, 'emit'>;
  /** Each sender's SMTP results of a batch, after they are booked (metrics). */
  onSenderResults?: (senderId: string, results: readonly SmtpResult[]) => void;
}

export function createSendPipeline(deps: PipelineDeps) {
  const { ledger, campaigns, clock, settings } = deps;
  const transports = createTransportCache((sender) => deps.senders.transportFor(sender));
  const skeletons = new Map<string, MessageSkeleton>();
  const knownLinks = new Map<string, Map<string, string>>();
  const utmCaches = new Map<string, Map<string, string>>();

  async function contentOf(campaign: CampaignRow): Promise<CompiledTemplate> {
    if (campaign.templateId) {
      const template = await campaigns.template(campaign.orgId, campaign.templateId);
      if (!template) throw new Error('The campaign’s template was deleted.');
      const version = await campaigns.templateVersion(
        campaign.orgId,
        campaign.templateId,
        campaign.templateVersion ?? template.version,
      );
      if (!version) throw new Error('The campaign’s template version is gone.');
      // A flow's email step may replace the template's subject.
      if (campaign.subject)
        return deps.compile(
          { ...version, subject: campaign.subject },
          `version:${version.id}:subject:${campaign.subject}`,
        );
      return deps.compile(version, `version:${version.id}`);
    }
    return deps.compile(
      {
        subject: campaign.subject ?? '',
        preheader: campaign.preheader,
        format: campaign.format ?? 'html',
        body: campaign.body ?? '',
        text: campaign.text,
      },
      `campaign:${campaign.id}:${campaign.updatedAt.getTime()}`,
    );
  }

  function skeletonFor(campaign: CampaignRow, sender: SenderRow): MessageSkeleton {
    const key = `${campaign.id}:${campaign.updatedAt.getTime()}:${sender.id}:${sender.updatedAt.getTime()}`;
    let skeleton = skeletons.get(key);
    if (!skeleton) {
      if (skeletons.size > 500) skeletons.clear();
      const replyTo = campaign.replyTo ?? sender.replyTo;
      skeleton = createMessageSkeleton({
        from: { name: campaign.fromName ?? sender.fromName, email: sender.fromEmail },
        replyTo: replyTo ? { email: replyTo } : null,
        messageIdDomain: sender.fromEmail.split('@')[1]!,
        staticHeaders: [
          ['X-Herald-Campaign', campaign.id],
          ['Precedence', 'bulk'],
        ],
      });
      skeletons.set(key, skeleton);
    }
    return skeleton;
  }

  /** The campaign's link table as far as this process knows it: destination → link id. */
  function knownLinksOf(campaign: CampaignRow): Map<string, string> {
    let known = knownLinks.get(campaign.id);
    if (!known) {
      if (knownLinks.size > 200) knownLinks.clear();
      known = new Map();
      knownLinks.set(campaign.id, known);
    }
    return known;
  }

  /** Adds destinations to the link table (or finds them, added by another lane) in one go. */
  async function addLinks(campaign: CampaignRow, known: Map<string, string>, urls: Set<string>) {
    const ids = await ledger.linkIds(campaign.orgId, campaign.id, [...urls]);
    // Bounded: personalised URLs (one per recipient) are still tracked, just not all cached.
    if (known.size > 50_000) known.clear();
    for (const [url, id] of ids) known.set(url, id);
  }

  function utmCacheFor(campaign: CampaignRow): Map<string, string> {
    const key = `${campaign.id}:${campaign.updatedAt.getTime()}`;
    let cache = utmCaches.get(key);
    if (!cache) {
      if (utmCaches.size > 200) utmCaches.clear();
      cache = new Map();
      utmCaches.set(key, cache);
    }
    return cache;
  }

  function outcomeOf(
    message: ClaimedMessage,
    sender: SenderRow,
    messageId: string,
    r: SmtpResult,
  ): MessageOutcome {
    const base = {
      id: message.id,
      senderId: sender.id,
      providerMessageId: messageId,
      code: r.code,
      reply: r.reply.slice(0, 2000),
      nextAttemptAt: null,
    };
    if (r.outcome === 'sent') return { ...base, status: 'sent' };
    if (r.outcome === 'failed') {
      const isHard = r.code !== null && r.code >= 500 && HARD_BOUNCE.test(r.enhancedCode ?? '');
      return { ...base, status: isHard ? 'bounced' : 'failed' };
    }
    if (message.attempts >= settings.maxAttempts) return { ...base, status: 'failed' };
    const delay = settings.retryBaseMs * 4 ** (message.attempts - 1);
    return { ...base, status: 'queued', nextAttemptAt: new Date(clock.now().getTime() + delay) };
  }

  /** One batch; null when there was nothing to claim. */
  async function sendBatch(
    campaign: CampaignRow,
    template: CompiledTemplate,
    cursor: { next: number },
    onlyId?: string,
  ) {
    const now = clock.now();
    const senderRows = (await campaigns.sendersOf(campaign.orgId, campaign.senderIds)).sort(
      (a, b) => campaign.senderIds.indexOf(a.id) - campaign.senderIds.indexOf(b.id),
    );
    const usable = senderRows.filter(
      (s) => s.status === 'active' && (!s.window || isWithinWindow(s.window, now)),
    );
    if (usable.length === 0) {
      const opens = senderRows
        .filter((s) => s.status === 'active' && s.window)
        .map((s) => nextWindowOpening(s.window!, now))
        .filter((d): d is Date => d !== null)
        .sort((a, b) => a.getTime() - b.getTime());
      return {
        wait: {
          until: opens[0] ?? new Date(now.getTime() + 60_000),
          reason:
            senderRows.length === 0
              ? 'The campaign has no senders.'
              : opens[0]
                ? 'Every sender is outside its sending window.'
                : 'Every sender is paused.',
        },
      };
    }
    const grants: { sender: SenderRow; grant: number; retryInMs: number }[] = [];
    for (const sender of usable) {
      const quota = await takeQuota(deps.limiter, sender, onlyId ? 1 : settings.batchSize);
      grants.push({ sender, grant: quota.granted, retryInMs: quota.retryInMs });
    }
    const allowance = grants.reduce((sum, g) => sum + g.grant, 0);
    if (allowance === 0) {
      const retryIn = Math.min(...grants.map((g) => g.retryInMs || 1000));
      return {
        wait: { until: new Date(now.getTime() + retryIn), reason: 'Sender limits reached.' },
      };
    }

    const claimed = await ledger.claim(
      campaign.id,
      Math.min(settings.batchSize, allowance),
      settings.leaseMs,
      onlyId,
    );
    const assignment = assignSenders(
      campaign.rotation,
      grants.map((g) => ({
        id: g.sender.id,
        grant: g.grant,
        weight: campaign.senderWeights?.[g.sender.id] ?? 1,
      })),
      claimed.length,
      cursor,
    );
    // Quota not used by this batch goes back for the next one (and other workers).
    for (const g of grants) {
      const used = assignment.filter((id) => id === g.sender.id).length;
      if (used < g.grant) await takeQuotaBack(g.sender, g.grant - used);
    }
    if (claimed.length === 0) return null;

    const contactRows = await ledger.contactsFor(
      campaign.orgId,
      claimed.map((m) => m.contactId).filter((id): id is string => id !== null),
    );
    const contactsById = new Map(contactRows.map((c) => [c.id, c]));
    // A flow's email may print the event that started the run (`{{ event.total }}`).
    const triggers =
      campaign.kind === 'flow'
        ? await ledger.triggerEvents(
            campaign.orgId,
            claimed.map((m) => m.flowRunId).filter((id): id is string => id !== null),
          )
        : null;
    const orgName = await deps.organizationName(campaign.orgId);
    const sendersById = new Map(usable.map((s) => [s.id, s]));

    const outcomes: MessageOutcome[] = [];
    const prepared: {
      message: ClaimedMessage;
      contact: RecipientContact;
      sender: SenderRow;
      parts: { subject: string; html: string; text: string };
      unsubscribeUrl: string;
      viewUrl: string;
    }[] = [];
    for (let i = 0; i < claimed.length; i++) {
      const message = claimed[i]!;
      const contact = message.contactId ? contactsById.get(message.contactId) : undefined;
      const final = (status: MessageOutcome['status'], reply: string): MessageOutcome => ({
        id: message.id,
        status,
        senderId: null,
        providerMessageId: null,
        code: null,
        reply,
        nextAttemptAt: null,
      });
      if (!contact) {
        outcomes.push(final('cancelled', 'The contact was deleted before sending.'));
        continue;
      }
      if (UNSENDABLE.has(contact.status)) {
        outcomes.push(final('cancelled', `The contact is ${contact.status}; not sent.`));
        continue;
      }
      const window = campaign.window;
      if (window?.useContactTimezone && contact.timezone) {
        const local = { ...window, timezone: contact.timezone };
        if (!isWithinWindow(local, now)) {
          outcomes.push({
            ...final('queued', 'Waiting for the sending window in the contact’s timezone.'),
            nextAttemptAt: nextWindowOpening(local, now) ?? new Date(now.getTime() + 3_600_000),
            isDeferral: true,
          });
          continue;
        }
      }
      const senderId = assignment[i];
      if (!senderId) {
        outcomes.push({
          ...final('queued', 'Sender limits reached.'),
          nextAttemptAt: new Date(now.getTime() + 1_000),
          isDeferral: true,
        });
        continue;
      }
      const unsubscribeUrl = `${deps.publicUrl}/u/${deps.tokens.sign('unsubscribe', message.id)}`;
      const viewUrl = `${deps.publicUrl}/v/${deps.tokens.sign('view', message.id)}`;
      const rendered = renderTemplate(template, {
        contact,
        organization: { name: orgName },
        campaign: { id: campaign.id, name: campaign.name },
        event: message.flowRunId ? triggers?.get(message.flowRunId) : null,
        urls: { unsubscribe: unsubscribeUrl, preferences: unsubscribeUrl, viewInBrowser: viewUrl },
      });
      if (!rendered.ok) {
        outcomes.push(
          final('failed', `Could not render: ${rendered.errors[0]?.message ?? 'error'}`),
        );
        continue;
      }
      prepared.push({
        message,
        contact,
        sender: sendersById.get(senderId)!,
        parts: rendered,
        unsubscribeUrl,
        viewUrl,
      });
    }

    // Links: UTM, then click tracking through the campaign's link table. The table's ids are
    // cached per campaign, so a batch is normally rewritten in one pass; destinations seen for
    // the first time are added in one statement and only those messages rewritten again.
    const utmCache = utmCacheFor(campaign);
    const known = campaign.trackClicks ? knownLinksOf(campaign) : null;
    const rewrite = (p: (typeof prepared)[number], onUnknown?: (destination: string) => void) =>
      rewriteLinks(
        p.parts.html,
        p.parts.text,
        { keep: new Set([p.unsubscribeUrl, p.viewUrl]), utm: campaign.utm ?? null, utmCache },
        known
          ? (destination) => {
              const linkId = known.get(destination);
              if (!linkId) {
                onUnknown?.(destination);
                return null;
              }
              return `${deps.publicUrl}/t/c/${deps.tokens.sign('click', p.message.id, linkId)}`;
            }
          : null,
      );
    const unknown = new Set<string>();
    const bodies = prepared.map((p) => {
      // Per message: several recipients of one batch share each new destination.
      let hasUnknown = false;
      const body = rewrite(p, (destination) => {
        unknown.add(destination);
        hasUnknown = true;
      });
      return { body, hasUnknown };
    });
    if (known && unknown.size > 0) {
      await addLinks(campaign, known, unknown);
      for (let i = 0; i < prepared.length; i++)
        if (bodies[i]!.hasUnknown) bodies[i]!.body = rewrite(prepared[i]!);
    }

    const sends = prepared.map(async (p, i) => {
      const { html, text } = bodies[i]!.body;
      const composed = skeletonFor(campaign, p.sender).compose({
        to: {
          name: [p.contact.firstName, p.contact.lastName].filter(Boolean).join(' ') || null,
          email: p.contact.email,
        },
        subject: p.parts.subject,
        html: campaign.trackOpens
          ? withOpenPixel(html, `${deps.publicUrl}/t/o/${deps.tokens.sign('open', p.message.id)}`)
          : html,
        text,
        headers: [
          ['List-Unsubscribe', `<${p.unsubscribeUrl}>`],
          ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
        ],
        date: now,
      });
      const result = await transports.get(p.sender).send({
        from: p.sender.fromEmail,
        to: p.contact.email,
        raw: composed.raw,
        messageId: composed.messageId,
        subject: p.parts.subject,
        campaignId: campaign.id,
      });
      return { p, result, messageId: composed.messageId };
    });
    const results = await Promise.all(sends);

    const bySender = new Map<string, SmtpResult[]>();
    const bounced: RecipientContact[] = [];
    for (const { p, result, messageId } of results) {
      const outcome = outcomeOf(p.message, p.sender, messageId, result);
      outcomes.push(outcome);
      if (outcome.status === 'bounced') bounced.push(p.contact);
      const list = bySender.get(p.sender.id) ?? [];
      list.push(result);
      bySender.set(p.sender.id, list);
    }
    await ledger.record(campaign.id, outcomes);
    if (bounced.length > 0) {
      // A hard bounce means the address does not exist: never mail it again.
      await deps.contacts.setStatus(
        campaign.orgId,
        { ids: bounced.map((c) => c.id) },
        'bounced',
        `bounce:${campaign.id}`,
        now,
      );
      await ledger.recordEvents(
        outcomes
          .filter((o) => o.status === 'bounced')
          .map((o) => ({
            orgId: campaign.orgId,
            campaignId: campaign.id,
            messageId: o.id,
            contactId: claimed.find((m) => m.id === o.id)?.contactId ?? null,
            type: 'bounce' as const,
            data: { code: o.code, reply: o.reply },
          })),
      );
    }
    for (const [senderId, list] of bySender) {
      await deps.senders.recordOutcomes(campaign.orgId, senderId, list);
      deps.onSenderResults?.(senderId, list);
    }
    if (deps.events) await announceBatch(campaign, claimed, contactsById, outcomes);
    const count = (status: MessageOutcome['status']) =>
      outcomes.filter((o) => o.status === status).length;
    deps.onProgress?.({
      orgId: campaign.orgId,
      campaignId: campaign.id,
      batch: {
        sent: count('sent'),
        failed: count('failed'),
        bounced: count('bounced'),
        deferred: count('queued'),
      },
    });
    return { sent: results.length };
  }

  /** After the batch is recorded: one event per kind with the batch's messages in it. */
  async function announceBatch(
    campaign: CampaignRow,
    claimed: readonly ClaimedMessage[],
    contactsById: ReadonlyMap<string, RecipientContact>,
    outcomes: readonly MessageOutcome[],
  ) {
    const byId = new Map(claimed.map((m) => [m.id, m]));
    const describe = (o: MessageOutcome) => {
      const contactId = byId.get(o.id)?.contactId ?? null;
      const email = contactId ? contactsById.get(contactId)?.email : undefined;
      return {
        messageId: o.id,
        campaignId: campaign.id,
        contactId,
        ...(email ? { email } : {}),
      };
    };
    const sent = outcomes.filter((o) => o.status === 'sent').map(describe);
    const bounced = outcomes
      .filter((o) => o.status === 'bounced')
      .map((o) => ({ ...describe(o), reply: o.reply ?? '' }));
    if (sent.length > 0)
      await deps.events!.emit(campaign.orgId, 'message.sent', { messages: sent });
    if (bounced.length > 0)
      await deps.events!.emit(campaign.orgId, 'message.bounced', { messages: bounced });
  }

  async function takeQuotaBack(sender: SenderRow, units: number) {
    for (const [field, windowMs] of [
      ['perSecond', 1_000],
      ['perHour', 3_600_000],
      ['perDay', 86_400_000],
    ] as const) {
      if (sender[field] === null) continue;
      const key = `sender:${sender.id}:${field}:${Math.floor(Date.now() / windowMs)}`;
      await deps.limiter.take(key, -units, { limit: Number.MAX_SAFE_INTEGER, windowMs });
    }
  }

  return {
    /**
     * Sends batches until nothing is due. Stops (without waiting) as soon as the campaign is no
     * longer `sending` — a pause takes effect within one batch — or the signal aborts.
     */
    async runLane(campaignId: string, signal?: AbortSignal): Promise<LaneResult> {
      const cursor = { next: 0 };
      let template: CompiledTemplate | null = null;
      for (;;) {
        if (signal?.aborted) return { state: 'stopped' };
        const campaign = await campaigns.findById(campaignId);
        if (!campaign || campaign.status !== 'sending') return { state: 'stopped' };
        const window = campaign.window;
        if (window && !window.useContactTimezone && !isWithinWindow(window, clock.now())) {
          const until = nextWindowOpening(window, clock.now());
          return {
            state: 'wait',
            until: until ?? new Date(clock.now().getTime() + 3_600_000),
            reason: 'Outside the campaign’s sending window.',
          };
        }
        template ??= await contentOf(campaign);
        const batch = await sendBatch(campaign, template, cursor);
        if (batch === null) return { state: 'done' };
        if ('wait' in batch && batch.wait)
          return { state: 'wait', until: batch.wait.until, reason: batch.wait.reason };
        // Sending again after a wait: the campaign no longer shows one.
        if (campaign.waitingUntil !== null)
          await campaigns.transition(campaignId, ['sending'], {
            waitingUntil: null,
            waitingReason: null,
          });
      }
    },

    /**
     * One message now, if it is due (a flow's email): the same claim, render, links, MIME,
     * transport and record as a lane's batch, for that row alone. `wait` says when to look
     * again when no sender could take it.
     */
    async sendOne(
      campaignId: string,
      messageId: string,
    ): Promise<{ wait: { until: Date; reason: string } | null }> {
      const campaign = await campaigns.findById(campaignId);
      if (!campaign) return { wait: null };
      const batch = await sendBatch(campaign, await contentOf(campaign), { next: 0 }, messageId);
      return { wait: batch && 'wait' in batch && batch.wait ? batch.wait : null };
    },

    /** When a lane found nothing due: the campaign is sent once nothing is pending. */
    async settle(campaignId: string): Promise<{ isSent: boolean; nextDue: Date | null }> {
      const { at, pending } = await ledger.nextDue(campaignId);
      if (pending > 0) return { isSent: false, nextDue: at };
      const done = await campaigns.transition(campaignId, ['sending'], {
        status: 'sent',
        finishedAt: clock.now(),
        waitingUntil: null,
        waitingReason: null,
      });
      return { isSent: done !== null, nextDue: null };
    },

    /**
     * The message as its recipient got it, for "view in browser": rendered again from the
     * campaign's content, links pointing straight at their destinations. Null when unknown.
     */
    async renderView(messageId: string): Promise<{ subject: string; html: string } | null> {
      const message = await ledger.message(messageId);
      if (!message?.contactId) return null;
      const campaign = await campaigns.findById(message.campaignId);
      const [contact] = await ledger.contactsFor(message.orgId, [message.contactId]);
      if (!campaign || !contact) return null;
      const template = await contentOf(campaign);
      const unsubscribe = `${deps.publicUrl}/u/${deps.tokens.sign('unsubscribe', message.id)}`;
      const event = message.flowRunId
        ? (await ledger.triggerEvents(message.orgId, [message.flowRunId])).get(message.flowRunId)
        : null;
      const rendered = renderTemplate(template, {
        contact,
        organization: { name: await deps.organizationName(campaign.orgId) },
        campaign: { id: campaign.id, name: campaign.name },
        event,
        urls: {
          unsubscribe,
          preferences: unsubscribe,
          viewInBrowser: `${deps.publicUrl}/v/${deps.tokens.sign('view', message.id)}`,
        },
      });
      if (!rendered.ok) return null;
      const { html } = rewriteLinks(
        rendered.html,
        '',
        { keep: new Set([unsubscribe]), utm: campaign.utm ?? null },
        null,
      );
      return { subject: rendered.subject, html };
    },

    close: () => transports.closeAll(),
  };
}

export type SendPipeline = ReturnType<typeof createSendPipeline>;
