import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../http/access.js';
import { AppError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto.js';
import {
  OutboundRequestError,
  parseOutboundUrl,
  resolveOutboundTarget,
} from '../../platform/outbound-http.js';
import type { WebhookDelivery } from './webhooks.delivery.js';
import { newEventId, SAMPLE_DATA, type WebhookEventType } from './webhooks.events.js';
import type {
  AttemptRow,
  DeliveryRow,
  DeliveryStatus,
  EndpointRow,
  WebhooksRepo,
} from './webhooks.repo.js';
import {
  generateWebhookSecret,
  parseEndpointSecrets,
  ROTATION_GRACE_MS,
  type EndpointSecrets,
} from './webhooks.signing.js';

export interface EndpointInput {
  url: string;
  description?: string | null | undefined;
  eventTypes?: WebhookEventType[] | undefined;
  isEnabled?: boolean | undefined;
}

/** How long creating an endpoint waits for DNS before accepting the URL unchecked. */
const CREATE_DNS_TIMEOUT_MS = 3000;

function presentEndpoint(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as WebhookEventType[],
    isEnabled: row.isEnabled,
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function presentDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastDurationMs: row.lastDurationMs,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
  };
}

function presentAttempt(row: AttemptRow) {
  return {
    id: row.id,
    requestHeaders: row.requestHeaders,
    statusCode: row.statusCode,
    responseBody: row.responseBody,
    error: row.error,
    durationMs: row.durationMs,
    createdAt: row.createdAt,
  };
}

export function createWebhooksService(deps: {
  repo: WebhooksRepo;
  delivery: WebhookDelivery;
  secrets: SecretBox;
  clock: Clock;
  allowedHosts: readonly string[];
}) {
  const { repo, delivery, secrets, clock, allowedHosts } = deps;

  async function getRow(principal: Principal, id: string): Promise<EndpointRow> {
    const row = await repo.findEndpoint(principal.orgId, id);
    if (!row) throw notFound('Webhook endpoint');
    return row;
  }

  async function getDeliveryRow(principal: Principal, endpointId: string, id: string) {
    const row = await repo.findDelivery(principal.orgId, endpointId, id);
    if (!row) throw notFound('Delivery');
    return row;
  }

  /**
   * Refuses a URL that points into Herald's own network now, so the mistake shows when it is
   * made. Deliveries check again (DNS can change); a name that does not resolve yet is accepted.
   */
  async function checkUrl(url: string): Promise<void> {
    const refuse = (message: string) =>
      new AppError('unprocessable', message, { errors: [{ path: 'url', message }] });
    try {
      const target = parseOutboundUrl(url);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        resolveOutboundTarget(target, allowedHosts),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CREATE_DNS_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
    } catch (error) {
      if (!(error instanceof OutboundRequestError) || error.code === 'network') return;
      throw refuse(
        error.code === 'blocked_address'
          ? `${error.message.replace(/; add it to .*$/, '')}. Herald only calls public addresses unless the operator lists the host in WEBHOOK_ALLOWED_HOSTS.`
          : error.message,
      );
    }
  }

  function openSecrets(row: EndpointRow): EndpointSecrets {
    return parseEndpointSecrets(secrets.open(row.secretEncrypted));
  }

  return {
    async list(principal: Principal, query: { cursor?: string | undefined; limit: number }) {
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.listEndpoints(principal.orgId, {
        limit: query.limit + 1,
        ...(before ? { beforeId: before[0] } : {}),
      });
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return { items: page.items.map(presentEndpoint), nextCursor: page.nextCursor };
    },

    async get(principal: Principal, id: string) {
      return presentEndpoint(await getRow(principal, id));
    },

    /** The secret is in the answer this once; later only through `secret`. */
    async create(principal: Principal, input: EndpointInput) {
      await checkUrl(input.url);
      const secret = generateWebhookSecret();
      const now = clock.now();
      const row = await repo.insertEndpoint({
        id: uuidv7(),
        orgId: principal.orgId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: [...new Set(input.eventTypes ?? [])],
        secretEncrypted: secrets.seal(JSON.stringify({ current: secret })),
        isEnabled: input.isEnabled ?? true,
        createdAt: now,
        updatedAt: now,
      });
      delivery.invalidate(principal.orgId);
      return { ...presentEndpoint(row), secret };
    },

    async update(principal: Principal, id: string, patch: Partial<EndpointInput>) {
      const current = await getRow(principal, id);
      if (patch.url !== undefined && patch.url !== current.url) await checkUrl(patch.url);
      const now = clock.now();
      const isReenabled = patch.isEnabled === true && !current.isEnabled;
      const row = await repo.updateEndpoint(principal.orgId, id, {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
        ...(patch.isEnabled !== undefined ? { isEnabled: patch.isEnabled } : {}),
        // Enabling again is a fresh start: the dead count and the reason go.
        ...(isReenabled ? { consecutiveFailures: 0, disabledReason: null } : {}),
        ...(patch.isEnabled === false && current.isEnabled
          ? { disabledReason: 'Disabled by a person' }
          : {}),
        updatedAt: now,
      });
      if (!row) throw notFound('Webhook endpoint');
      if (isReenabled) await repo.resolveAlerts(principal.orgId, id, now);
      delivery.invalidate(principal.orgId);
      return presentEndpoint(row);
    },

    async remove(principal: Principal, id: string) {
      if (!(await repo.deleteEndpoint(principal.orgId, id))) throw notFound('Webhook endpoint');
      await repo.resolveAlerts(principal.orgId, id, clock.now());
      delivery.invalidate(principal.orgId);
    },

    async secret(principal: Principal, id: string) {
      return { secret: openSecrets(await getRow(principal, id)).current };
    },

    /** A new secret signs at once; the old one keeps signing alongside it for a day. */
    async rotateSecret(principal: Principal, id: string) {
      const row = await getRow(principal, id);
      const previous = openSecrets(row).current;
      const secret = generateWebhookSecret();
      const now = clock.now();
      const sealed: EndpointSecrets = {
        current: secret,
        previous,
        previousUntil: new Date(now.getTime() + ROTATION_GRACE_MS).toISOString(),
      };
      await repo.updateEndpoint(principal.orgId, id, {
        secretEncrypted: secrets.seal(JSON.stringify(sealed)),
        updatedAt: now,
      });
      return { secret, previousValidUntil: sealed.previousUntil! };
    },

    async listDeliveries(
      principal: Principal,
      endpointId: string,
      query: { cursor?: string | undefined; limit: number; status?: DeliveryStatus | undefined },
    ) {
      await getRow(principal, endpointId);
      const before = decodeCursor(query.cursor, ['uuid']) as [string] | undefined;
      const rows = await repo.listDeliveries(principal.orgId, endpointId, {
        limit: query.limit + 1,
        ...(before ? { beforeId: before[0] } : {}),
        ...(query.status ? { status: query.status } : {}),
      });
      const page = toPage(rows, query.limit, (r) => [r.id]);
      return { items: page.items.map(presentDelivery), nextCursor: page.nextCursor };
    },

    async getDelivery(principal: Principal, endpointId: string, id: string) {
      const row = await getDeliveryRow(principal, endpointId, id);
      const attempts = await repo.listAttempts(principal.orgId, row.id);
      const { type, timestamp, data } = row.payload;
      return {
        ...presentDelivery(row),
        // In the order the request body has it (jsonb keeps its own).
        payload: { type, timestamp, data },
        attempts: attempts.map(presentAttempt),
      };
    },

    /** Sends a delivery again now, whatever its state; the answer is this attempt. */
    async replay(principal: Principal, endpointId: string, id: string) {
      const endpoint = await getRow(principal, endpointId);
      const row = await getDeliveryRow(principal, endpointId, id);
      const { delivery: updated, result } = await delivery.attemptNow(endpoint, row, 'keep');
      return { delivery: presentDelivery(updated), attempt: result };
    },

    /** Sends a sample event now and answers how the endpoint took it; it shows in the log. */
    async test(principal: Principal, endpointId: string, type: WebhookEventType) {
      const endpoint = await getRow(principal, endpointId);
      const now = clock.now();
      const row = await repo.insertDelivery({
        id: uuidv7(),
        orgId: principal.orgId,
        endpointId,
        eventId: newEventId(),
        eventType: type,
        payload: { type, timestamp: now.toISOString(), data: { ...SAMPLE_DATA[type], test: true } },
        status: 'pending',
        // No schedule: a failed test is not retried.
        nextAttemptAt: null,
        createdAt: now,
      });
      const { delivery: updated, result } = await delivery.attemptNow(endpoint, row, 'dead');
      return { delivery: presentDelivery(updated), attempt: result };
    },

    /** `herald rotate-key`: seals every endpoint secret again with the current key. */
    async resealSecrets(): Promise<{ checked: number; resealed: number; unreadable: number }> {
      let resealed = 0;
      let unreadable = 0;
      const rows = await repo.allSecrets();
      for (const row of rows) {
        if (!secrets.isStale(row.secret)) continue;
        let plaintext: string;
        try {
          plaintext = secrets.open(row.secret);
        } catch {
          unreadable += 1;
          continue;
        }
        if (await repo.replaceSecret(row.id, row.secret, secrets.seal(plaintext))) resealed += 1;
      }
      return { checked: rows.length, resealed, unreadable };
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
