import type { Principal } from '../../http/access.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import type { RecordedHit, TrackingHit, TrackingRepo } from './tracking.repo.js';
import { isMachineClick, isMachineOpen, type Hit } from './machine.js';
import type { TrackingTokens } from './tokens.js';

export interface TrackingOptions {
  /** Hits written per statement at most. (Default: 500) */
  maxBatch: number;
  /** How long a hit waits for others to share its write. (Default: 5 ms) */
  maxWaitMs: number;
}

/**
 * Opens, clicks and unsubscribes. Hits are written in groups (group commit): each request waits
 * for the one statement that writes its hit and the ones that arrived with it, and is answered
 * only after that commit — batched writes, and an acknowledged hit is never lost.
 */
export function createTrackingService(deps: {
  repo: TrackingRepo;
  tokens: TrackingTokens;
  /** Unsubscribes the contact (status, timeline, webhooks later) as the contacts module does. */
  unsubscribeContact: (principal: Principal, contactId: string, source: string) => Promise<void>;
  options?: Partial<TrackingOptions>;
  /** After a hit is stored: realtime updates. */
  onHit?: (event: { orgId: string; campaignId: string; type: string; isMachine: boolean }) => void;
  /** message.opened / message.clicked, told after the batch that stored them commits. */
  events?: Pick<DomainEvents, 'emit'>;
}) {
  const { repo, tokens } = deps;
  const maxBatch = deps.options?.maxBatch ?? 500;
  const maxWaitMs = deps.options?.maxWaitMs ?? 5;
  const pending: { hit: TrackingHit; done: (error?: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  const linkCache = new Map<string, string>();

  function flush() {
    timer = undefined;
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatch);
      const write = repo.recordHits(batch.map((p) => p.hit)).then(
        (recorded) => {
          batch.forEach((p) => p.done());
          for (const r of recorded) deps.onHit?.(r);
          if (deps.events) void announce(deps.events, recorded);
        },
        (error: unknown) => batch.forEach((p) => p.done(error)),
      );
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
    }
  }

  /** After the answer went out: listeners never slow a pixel or a redirect down. */
  async function announce(events: Pick<DomainEvents, 'emit'>, recorded: readonly RecordedHit[]) {
    for (const hit of recorded) {
      const base = {
        messageId: hit.messageId,
        campaignId: hit.campaignId,
        contactId: hit.contactId,
        isMachine: hit.isMachine,
      };
      if (hit.type === 'open') await events.emit(hit.orgId, 'message.opened', base);
      else if (hit.type === 'click')
        await events.emit(hit.orgId, 'message.clicked', {
          ...base,
          url: (hit.linkId && linkCache.get(hit.linkId)) ?? '',
        });
    }
  }

  function record(hit: TrackingHit): Promise<void> {
    return new Promise((resolve, reject) => {
      pending.push({ hit, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (pending.length >= maxBatch) flush();
      else timer ??= setTimeout(flush, maxWaitMs);
    });
  }

  return {
    /** Records an open; false (nothing recorded) for a token that does not verify. */
    async open(token: string, request: Hit): Promise<boolean> {
      const verified = tokens.verify(token, 'open');
      if (!verified) return false;
      await record({
        type: 'open',
        messageId: verified.messageId,
        linkId: null,
        isMachine: isMachineOpen(request),
        userAgent: request.userAgent ?? null,
      });
      return true;
    },

    /** Records a click and says where to send the reader: always a URL from the link table. */
    async click(token: string, request: Hit): Promise<string | null> {
      const verified = tokens.verify(token, 'click');
      if (!verified) return null;
      // By link alone: the signature already ties this link to this message's campaign, and a
      // campaign's handful of links then stay cached across all of its recipients.
      const key = verified.linkId!;
      let url = linkCache.get(key) ?? null;
      if (!url) {
        url = await repo.linkUrl(verified.linkId!, verified.messageId);
        if (!url) return null;
        if (linkCache.size > 10_000) linkCache.clear();
        linkCache.set(key, url);
      }
      await record({
        type: 'click',
        messageId: verified.messageId,
        linkId: verified.linkId,
        isMachine: isMachineClick(request),
        userAgent: request.userAgent ?? null,
      });
      return url;
    },

    /** What the unsubscribe page shows, or null for a token that does not verify. */
    async unsubscribePage(token: string) {
      const verified = tokens.verify(token, 'unsubscribe');
      if (!verified) return null;
      return repo.messageContext(verified.messageId);
    },

    /**
     * Unsubscribes the recipient of a message (the page's button, or RFC 8058 one-click POST).
     * Idempotent: a second click changes nothing and still answers "unsubscribed".
     */
    async unsubscribe(
      token: string,
    ): Promise<{ organizationName: string; email: string | null } | null> {
      const verified = tokens.verify(token, 'unsubscribe');
      if (!verified) return null;
      const message = await repo.messageContext(verified.messageId);
      if (!message) return null;
      if (message.contactId) {
        await deps.unsubscribeContact(
          { kind: 'apiKey', orgId: message.orgId, role: 'editor', userId: null, apiKeyId: null },
          message.contactId,
          `unsubscribe:${message.campaignId}`,
        );
      }
      const isFirst = await repo.markUnsubscribed(
        message.id,
        message.orgId,
        message.campaignId,
        message.contactId,
      );
      if (isFirst)
        deps.onHit?.({
          orgId: message.orgId,
          campaignId: message.campaignId,
          type: 'unsubscribe',
          isMachine: false,
        });
      return { organizationName: message.organizationName, email: message.email };
    },

    /** Which message a web-view token names. */
    viewTarget(token: string): string | null {
      return tokens.verify(token, 'view')?.messageId ?? null;
    },

    /** Writes what is buffered (shutdown). */
    async drain() {
      if (timer) clearTimeout(timer);
      flush();
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
