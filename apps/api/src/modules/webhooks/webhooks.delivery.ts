import { v7 as uuidv7 } from 'uuid';
import type { AppJobCatalog } from '../../jobs/catalog.js';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto.js';
import type { DomainEventMap, DomainEventType } from '../../platform/domain-events.js';
import { outboundRequest, OutboundRequestError } from '../../platform/outbound-http.js';
import type { Queue } from '../../platform/queue/queue.js';
import {
  contactIdsOf,
  isWebhookEventType,
  toWebhookMessages,
  type WebhookEventType,
} from './webhooks.events.js';
import type { AttemptRecord, DeliveryRow, EndpointRow, WebhooksRepo } from './webhooks.repo.js';
import { buildSignedRequest, parseEndpointSecrets, signingSecrets } from './webhooks.signing.js';

export interface WebhookDeliverySettings {
  /** Wait before each attempt, the first included; its length is the number of attempts. */
  retryDelaysMs: readonly number[];
  /** Per attempt. */
  timeoutMs: number;
  /** Private hosts that may be called anyway (WEBHOOK_ALLOWED_HOSTS). */
  allowedHosts: readonly string[];
  /** Dead deliveries in a row after which an endpoint is disabled. (Default: 5) */
  disableAfterDead?: number;
  /** How long an organization's subscriptions are cached per process. (Default: 5000) */
  cacheTtlMs?: number;
}

export const DISABLE_AFTER_DEAD = 5;
/** What an attempt keeps of the response body. */
const RESPONSE_KEEP_CHARS = 1024;
/** Grace before the sweep takes a due delivery as lost: its own job is normally on time. */
const SWEEP_GRACE_MS = 30_000;
const ENQUEUE_CONCURRENCY = 16;

export interface AttemptResult {
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  isSuccess: boolean;
  requestHeaders: Record<string, string>;
}

export function createWebhookDelivery(deps: {
  repo: WebhooksRepo;
  secrets: SecretBox;
  queue: Queue<AppJobCatalog>;
  clock: Clock;
  settings: WebhookDeliverySettings;
}) {
  const { repo, secrets, queue, clock, settings } = deps;
  const delays = settings.retryDelaysMs.length > 0 ? settings.retryDelaysMs : [0];
  const disableAfter = settings.disableAfterDead ?? DISABLE_AFTER_DEAD;
  const cacheTtlMs = settings.cacheTtlMs ?? 5000;
  const cache = new Map<string, { at: number; subs: { id: string; eventTypes: string[] }[] }>();

  /** Per process and short-lived: an event nobody subscribes to costs a map lookup, not a query. */
  async function subscribers(orgId: string, type: WebhookEventType): Promise<string[]> {
    const now = Date.now();
    let entry = cache.get(orgId);
    if (!entry || now - entry.at > cacheTtlMs) {
      if (cache.size > 10_000) cache.clear();
      entry = { at: now, subs: await repo.subscriptions(orgId) };
      cache.set(orgId, entry);
    }
    return entry.subs
      .filter((s) => s.eventTypes.length === 0 || s.eventTypes.includes(type))
      .map((s) => s.id);
  }

  async function enqueue(
    deliveries: { id: string; orgId: string; attempts: number }[],
    delayMs: number,
    tag = '',
  ) {
    for (let i = 0; i < deliveries.length; i += ENQUEUE_CONCURRENCY) {
      await Promise.all(
        deliveries
          .slice(i, i + ENQUEUE_CONCURRENCY)
          .map((d) =>
            queue.enqueue(
              'webhooks.deliver',
              { deliveryId: d.id, orgId: d.orgId },
              { jobId: `webhooks.deliver:${d.id}:${d.attempts}${tag}`, delayMs, orgId: d.orgId },
            ),
          ),
      );
    }
  }

  /** One HTTP request for a delivery, signed with the endpoint's current secret(s). */
  async function send(endpoint: EndpointRow, delivery: DeliveryRow): Promise<AttemptResult> {
    const now = clock.now();
    const payload = delivery.payload as { type: string; timestamp: string; data: unknown };
    const request = buildSignedRequest(
      signingSecrets(parseEndpointSecrets(secrets.open(endpoint.secretEncrypted)), now),
      delivery.eventId,
      payload,
      now,
    );
    try {
      const response = await outboundRequest({
        url: endpoint.url,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        timeoutMs: settings.timeoutMs,
        allow: settings.allowedHosts,
      });
      const isSuccess = response.status >= 200 && response.status < 300;
      const location = response.headers.location;
      return {
        statusCode: response.status,
        responseBody: response.body.slice(0, RESPONSE_KEEP_CHARS),
        error: isSuccess
          ? null
          : response.status >= 300 && response.status < 400
            ? `Redirects are not followed${location ? ` (Location: ${location.slice(0, 500)})` : ''}`
            : `HTTP ${response.status}`,
        durationMs: response.durationMs,
        isSuccess,
        requestHeaders: request.headers,
      };
    } catch (error) {
      const e =
        error instanceof OutboundRequestError
          ? error
          : new OutboundRequestError('network', String(error));
      return {
        statusCode: null,
        responseBody: null,
        error: `${e.code}: ${e.message}`,
        durationMs: e.durationMs,
        isSuccess: false,
        requestHeaders: request.headers,
      };
    }
  }

  function attemptRow(delivery: DeliveryRow, result: AttemptResult) {
    return {
      id: uuidv7(),
      orgId: delivery.orgId,
      deliveryId: delivery.id,
      requestHeaders: result.requestHeaders,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
      error: result.error,
      durationMs: result.durationMs,
      createdAt: clock.now(),
    };
  }

  function disableAlert(endpoint: EndpointRow): AttemptRecord['alert'] {
    return {
      id: uuidv7(),
      title: 'Webhook endpoint disabled',
      message:
        `${endpoint.url} failed ${disableAfter} deliveries in a row after every retry, so Herald ` +
        'stopped sending to it. Fix the receiver, then enable the endpoint again; replay the ' +
        'dead deliveries from its delivery log.',
      reason: `${disableAfter} deliveries in a row failed after every retry`,
    };
  }

  async function record(
    endpoint: EndpointRow,
    delivery: DeliveryRow,
    result: AttemptResult,
    patch: AttemptRecord['delivery'],
    outcome: AttemptRecord['outcome'],
  ) {
    const now = clock.now();
    const { delivery: updated, isDisabledNow } = await repo.recordAttempt(
      delivery.orgId,
      endpoint.id,
      {
        attempt: attemptRow(delivery, result),
        delivery: {
          lastStatusCode: result.statusCode,
          lastError: result.error,
          lastDurationMs: result.durationMs,
          ...patch,
        },
        outcome,
        disableAfter,
        alert: disableAlert(endpoint),
      },
      now,
    );
    if (isDisabledNow) cache.delete(delivery.orgId);
    return updated;
  }

  return {
    /** Forgets an organization's cached subscriptions after its endpoints change. */
    invalidate(orgId: string) {
      cache.delete(orgId);
    },

    /**
     * The domain-events listener: one delivery row per subscribed endpoint and message, written
     * before returning (the rows are the durable part), then one job each.
     */
    async dispatch<K extends DomainEventType>(orgId: string, type: K, data: DomainEventMap[K]) {
      if (!isWebhookEventType(type)) return;
      const endpointIds = await subscribers(orgId, type);
      if (endpointIds.length === 0) return;
      const contacts = await repo.contactSnapshots(orgId, contactIdsOf(type, data));
      const messages = toWebhookMessages(type, data as DomainEventMap[typeof type], contacts);
      if (messages.length === 0) return;
      const now = clock.now();
      const timestamp = now.toISOString();
      const nextAttemptAt = new Date(now.getTime() + delays[0]!);
      const rows = endpointIds.flatMap((endpointId) =>
        messages.map((m) => ({
          id: uuidv7(),
          orgId,
          endpointId,
          eventId: m.eventId,
          eventType: type,
          payload: { type, timestamp, data: m.data },
          status: 'pending' as const,
          nextAttemptAt,
          createdAt: now,
        })),
      );
      await repo.insertDeliveries(rows);
      await enqueue(
        rows.map((r) => ({ id: r.id, orgId, attempts: 0 })),
        delays[0]!,
      );
    },

    /** The `webhooks.deliver` job: the next scheduled attempt, then the next schedule step. */
    async deliver(deliveryId: string) {
      const now = clock.now();
      // A delivery whose job fires a moment early (clocks of two machines) is still taken.
      const delivery = await repo.claim(
        deliveryId,
        new Date(now.getTime() + 1000),
        new Date(now.getTime() + settings.timeoutMs + 60_000),
      );
      if (!delivery) return;
      const endpoint = await repo.findEndpoint(delivery.orgId, delivery.endpointId);
      if (!endpoint) return;
      if (!endpoint.isEnabled) {
        await repo.recordAttempt(
          delivery.orgId,
          endpoint.id,
          {
            attempt: attemptRow(delivery, {
              statusCode: null,
              responseBody: null,
              error: 'The endpoint is disabled; nothing was sent',
              durationMs: 0,
              isSuccess: false,
              requestHeaders: {},
            }),
            delivery: {
              status: 'dead',
              nextAttemptAt: null,
              lastError: 'The endpoint is disabled; nothing was sent',
            },
            outcome: 'neutral',
            disableAfter,
            alert: disableAlert(endpoint),
          },
          clock.now(),
        );
        return;
      }
      const result = await send(endpoint, delivery);
      if (result.isSuccess) {
        await record(
          endpoint,
          delivery,
          result,
          { status: 'succeeded', nextAttemptAt: null, deliveredAt: clock.now() },
          'succeeded',
        );
        return;
      }
      const delay = delays[delivery.attempts];
      if (delay === undefined) {
        await record(endpoint, delivery, result, { status: 'dead', nextAttemptAt: null }, 'dead');
        return;
      }
      await record(
        endpoint,
        delivery,
        result,
        { status: 'failed', nextAttemptAt: new Date(clock.now().getTime() + delay) },
        'neutral',
      );
      await enqueue(
        [{ id: delivery.id, orgId: delivery.orgId, attempts: delivery.attempts }],
        delay,
      );
    },

    /**
     * An attempt outside the schedule (replay, test). Success settles the delivery; a failure
     * leaves a scheduled delivery on its schedule, and `failedStatus` decides for the others.
     */
    async attemptNow(
      endpoint: EndpointRow,
      delivery: DeliveryRow,
      failedStatus: 'dead' | 'keep',
    ): Promise<{ delivery: DeliveryRow; result: AttemptResult }> {
      const counted = (await repo.countAttempt(delivery.id)) ?? delivery;
      const result = await send(endpoint, counted);
      const patch: AttemptRecord['delivery'] = result.isSuccess
        ? { status: 'succeeded', nextAttemptAt: null, deliveredAt: clock.now() }
        : failedStatus === 'dead'
          ? { status: 'dead', nextAttemptAt: null }
          : {};
      const updated = await record(
        endpoint,
        counted,
        result,
        patch,
        result.isSuccess ? 'succeeded' : 'neutral',
      );
      return { delivery: updated ?? counted, result };
    },

    /** Re-enqueues deliveries whose job was lost (a Redis restart, a dead worker's lease). */
    async sweep(limit = 1000): Promise<number> {
      const now = clock.now();
      const overdue = await repo.overdue(new Date(now.getTime() - SWEEP_GRACE_MS), limit);
      await enqueue(overdue, 0, `:sweep:${Math.floor(now.getTime() / 60_000)}`);
      return overdue.length;
    },
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
