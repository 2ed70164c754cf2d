import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { DISABLE_AFTER_DEAD } from './webhooks.delivery.js';
import {
  eventually,
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from './webhooks.receiver.fixture.js';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}
interface DeliveryDetail extends Delivery {
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  attempts: number;
}

/** Three attempts 150 ms apart instead of eight over 27 hours. */
const RETRY_DELAYS = [0, 150, 150];

const headersOf = (r: ReceivedWebhook) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

describe('webhook delivery', () => {
  let t: TestApp;
  let owner: Session;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS.join(','),
        WEBHOOK_TIMEOUT_MS: '2000',
      },
    });
    owner = await t.register();
    await t.startWorker({ defaultConcurrency: 4 });
  });
  afterAll(async () => {
    await t.close();
  });

  async function endpointFor(
    receiver: WebhookReceiver,
    eventTypes: string[] = [],
    session = owner,
  ): Promise<{ id: string; secret: string }> {
    const res = await t.call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { url: receiver.url, eventTypes },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  }

  const deliveries = async (endpointId: string, query = '', session = owner) =>
    (
      (
        await t.call(session.accessToken, {
          method: 'GET',
          url: `/api/v1/webhooks/${endpointId}/deliveries?limit=200${query}`,
        })
      ).json() as { items: Delivery[] }
    ).items;

  const detail = async (endpointId: string, deliveryId: string, session = owner) =>
    (
      await t.call(session.accessToken, {
        method: 'GET',
        url: `/api/v1/webhooks/${endpointId}/deliveries/${deliveryId}`,
      })
    ).json() as Omit<DeliveryDetail, 'attempts'> & {
      attempts: {
        statusCode: number | null;
        error: string | null;
        responseBody: string | null;
        requestHeaders: Record<string, string>;
        durationMs: number;
      }[];
    };

  const emitContactCreated = async (session: Session) => {
    const res = await t.call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: `ada-${Date.now()}-${Math.random()}@example.com`, firstName: 'Ada' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; email: string };
  };

  it('delivers a signed event that the official standardwebhooks package verifies', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const session = await t.register();
      const endpoint = await endpointFor(receiver, ['contact.created'], session);
      await t.services.domainEvents.emit(session.organization.id, 'campaign.started', {
        campaignId: '00000000-0000-7000-8000-000000000001',
        name: 'Not subscribed',
      });
      const contact = await emitContactCreated(session);
      const [request] = await receiver.waitFor(1);
      expect(request!.headers['content-type']).toBe('application/json');
      expect(request!.headers['user-agent']).toBe('Herald-Webhooks/1');
      expect(request!.headers['webhook-id']).toMatch(/^msg_/);
      const timestamp = Number(request!.headers['webhook-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(30);

      const verified = new Webhook(endpoint.secret).verify(request!.body, headersOf(request!)) as {
        type: string;
        timestamp: string;
        data: { contact: { id: string; email: string; firstName: string }; source: string };
      };
      expect(verified.type).toBe('contact.created');
      expect(verified.data.contact).toMatchObject({
        id: contact.id,
        email: contact.email,
        firstName: 'Ada',
      });
      expect(Object.keys(JSON.parse(request!.body) as object)).toEqual([
        'type',
        'timestamp',
        'data',
      ]);
      // A tampered body or another secret does not verify.
      expect(() =>
        new Webhook(endpoint.secret).verify(
          request!.body.replace('Ada', 'Eve'),
          headersOf(request!),
        ),
      ).toThrow();
      expect(() =>
        new Webhook('whsec_' + Buffer.alloc(32, 1).toString('base64')).verify(
          request!.body,
          headersOf(request!),
        ),
      ).toThrow();

      const [delivery] = await eventually(async () => {
        const items = await deliveries(endpoint.id, '&status=succeeded', session);
        return items.length === 1 ? items : undefined;
      });
      expect(delivery).toMatchObject({
        eventType: 'contact.created',
        attempts: 1,
        lastStatusCode: 200,
      });
      expect(delivery!.eventId).toBe(request!.headers['webhook-id']);
      // campaign.started was not subscribed: one delivery only.
      expect(await deliveries(endpoint.id, '', session)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('retries after a 500 with the same webhook-id and records every attempt', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const session = await t.register();
      const endpoint = await endpointFor(receiver, [], session);
      receiver.respondWith(500, 503);
      await emitContactCreated(session);
      const received = await receiver.waitFor(3);
      const ids = new Set(received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      // Each attempt is signed with its own timestamp and verifies on its own.
      for (const r of received) new Webhook(endpoint.secret).verify(r.body, headersOf(r));

      const [delivery] = await eventually(async () => {
        const items = await deliveries(endpoint.id, '&status=succeeded', session);
        return items.length === 1 ? items : undefined;
      });
      expect(delivery!.attempts).toBe(3);
      const full = await detail(endpoint.id, delivery!.id, session);
      expect(full.attempts.map((a) => a.statusCode)).toEqual([500, 503, 200]);
      expect(full.attempts[0]!.error).toBe('HTTP 500');
      expect(full.attempts[0]!.responseBody).toBe('nope 500');
      expect(full.attempts[0]!.requestHeaders['webhook-id']).toBe(delivery!.eventId);
      expect(full.attempts[2]!.error).toBeNull();
      expect(full.payload.type).toBe('contact.created');
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the schedule (dead), disables the endpoint after repeated deaths and raises an alert', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const session = await t.register();
      const endpoint = await endpointFor(receiver, ['campaign.started'], session);
      receiver.respondWith(...Array<number>(RETRY_DELAYS.length * DISABLE_AFTER_DEAD).fill(500));
      for (let i = 0; i < DISABLE_AFTER_DEAD; i++) {
        await t.services.domainEvents.emit(session.organization.id, 'campaign.started', {
          campaignId: '00000000-0000-7000-8000-000000000002',
          name: `Launch ${i}`,
        });
      }
      const dead = await eventually(async () => {
        const items = await deliveries(endpoint.id, '&status=dead', session);
        return items.length === DISABLE_AFTER_DEAD ? items : undefined;
      }, 30_000);
      expect(dead.every((d) => d.attempts === RETRY_DELAYS.length)).toBe(true);
      expect(receiver.received).toHaveLength(RETRY_DELAYS.length * DISABLE_AFTER_DEAD);

      const got = await t.call(session.accessToken, {
        method: 'GET',
        url: `/api/v1/webhooks/${endpoint.id}`,
      });
      expect(got.json()).toMatchObject({
        isEnabled: false,
        consecutiveFailures: DISABLE_AFTER_DEAD,
      });
      expect((got.json() as { disabledReason: string }).disabledReason).toMatch(/in a row/);
      const open = await t.database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.orgId, session.organization.id), eq(alerts.kind, 'webhook.disabled')));
      expect(open).toHaveLength(1);
      expect(open[0]!.subject).toEqual({ webhookId: endpoint.id });

      // Disabled: new events are not delivered to it.
      await t.services.domainEvents.emit(session.organization.id, 'campaign.started', {
        campaignId: '00000000-0000-7000-8000-000000000002',
        name: 'After disable',
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(await deliveries(endpoint.id, '', session)).toHaveLength(DISABLE_AFTER_DEAD);

      // Replay a dead delivery now that the receiver is fixed: it succeeds and resets the count.
      const replay = await t.call(session.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/deliveries/${dead[0]!.id}/replay`,
      });
      expect(replay.statusCode, replay.body).toBe(200);
      expect(replay.json()).toMatchObject({
        attempt: { isSuccess: true, statusCode: 200 },
        delivery: { status: 'succeeded', attempts: RETRY_DELAYS.length + 1 },
      });
      const last = receiver.received.at(-1)!;
      expect(last.headers['webhook-id']).toBe(dead[0]!.eventId);

      // Enabling it again resolves the alert.
      const enabled = await t.call(session.accessToken, {
        method: 'PATCH',
        url: `/api/v1/webhooks/${endpoint.id}`,
        payload: { isEnabled: true },
      });
      expect(enabled.json()).toMatchObject({ isEnabled: true, consecutiveFailures: 0 });
      const [alert] = await t.database.db.select().from(alerts).where(eq(alerts.id, open[0]!.id));
      expect(alert!.resolvedAt).not.toBeNull();
    } finally {
      await receiver.close();
    }
  });

  it('sends a test event synchronously and answers how the endpoint took it', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await endpointFor(receiver);
      const ok = await t.call(owner.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/test`,
        payload: { eventType: 'message.clicked' },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({
        attempt: { isSuccess: true, statusCode: 200, responseBody: 'thanks', error: null },
        delivery: { status: 'succeeded', eventType: 'message.clicked', attempts: 1 },
      });
      const body = new Webhook(endpoint.secret).verify(
        receiver.received[0]!.body,
        headersOf(receiver.received[0]!),
      ) as { type: string; data: { url: string; test: boolean } };
      expect(body.type).toBe('message.clicked');
      expect(body.data).toMatchObject({ url: 'https://example.com/pricing', test: true });

      receiver.respondWith(410);
      const failed = await t.call(owner.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/test`,
        payload: { eventType: 'job.failed' },
      });
      expect(failed.json()).toMatchObject({
        attempt: { isSuccess: false, statusCode: 410, error: 'HTTP 410' },
        delivery: { status: 'dead' },
      });
      // A failed test is not retried and does not count against the endpoint.
      await new Promise((r) => setTimeout(r, 400));
      expect(receiver.received).toHaveLength(2);
      const got = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/webhooks/${endpoint.id}`,
      });
      expect(got.json()).toMatchObject({ consecutiveFailures: 0, isEnabled: true });
      expect((await deliveries(endpoint.id)).map((d) => d.eventType)).toEqual([
        'job.failed',
        'message.clicked',
      ]);

      const bad = await t.call(owner.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/test`,
        payload: { eventType: 'contact.deleted' },
      });
      expect(bad.statusCode).toBe(400);
      expect(await deliveries(endpoint.id)).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await endpointFor(receiver);
      const rotated = (
        await t.call(owner.accessToken, {
          method: 'POST',
          url: `/api/v1/webhooks/${endpoint.id}/rotate-secret`,
        })
      ).json() as { secret: string };
      await t.call(owner.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/test`,
        payload: {},
      });
      const [request] = receiver.received;
      expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(() =>
        new Webhook(rotated.secret).verify(request!.body, headersOf(request!)),
      ).not.toThrow();
      expect(() =>
        new Webhook(endpoint.secret).verify(request!.body, headersOf(request!)),
      ).not.toThrow();
    } finally {
      await receiver.close();
    }
  });

  it('records timeouts and refused connections as failed attempts', async () => {
    const receiver = await startWebhookReceiver();
    const endpoint = await endpointFor(receiver);
    await receiver.close();
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/webhooks/${endpoint.id}/test`,
      payload: {},
    });
    expect(res.json()).toMatchObject({
      attempt: { isSuccess: false, statusCode: null },
      delivery: { status: 'dead' },
    });
    expect((res.json() as { attempt: { error: string } }).attempt.error).toMatch(
      /^network: ECONNREFUSED/,
    );
  });

  it('the sweep re-enqueues a delivery whose job was lost', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await endpointFor(receiver);
      // A delivery row with no job behind it, overdue by a minute.
      const test = await t.call(owner.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/test`,
        payload: {},
      });
      const { id } = (test.json() as { delivery: { id: string } }).delivery;
      await t.database.db
        .update(webhookDeliveries)
        .set({ status: 'failed', nextAttemptAt: new Date(Date.now() - 60_000) })
        .where(eq(webhookDeliveries.id, id));
      expect(await t.services.webhookDelivery.sweep()).toBeGreaterThanOrEqual(1);
      await receiver.waitFor(2);
      const delivery = await eventually(async () => {
        const d = await detail(endpoint.id, id);
        return d.status === 'succeeded' && d.attempts.length === 2 ? d : undefined;
      });
      expect(delivery.attempts).toHaveLength(2);
      const [row] = await t.database.db
        .select({ isEnabled: webhookEndpoints.isEnabled })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, endpoint.id));
      expect(row!.isEnabled).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});
