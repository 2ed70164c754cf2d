import { simpleParser } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imports } from '../../db/schema/index.js';
import { createJobHandlers } from '../../jobs/handlers.js';
import { systemClock } from '../../platform/clock.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { createWebhookDelivery } from './webhooks.delivery.js';
import type { WebhooksRepo } from './webhooks.repo.js';
import {
  eventually,
  startWebhookReceiver,
  type WebhookReceiver,
} from './webhooks.receiver.fixture.js';

interface Event {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & {
    contact?: { id: string; email: string; status: string };
  };
}

function multipart(csv: string) {
  const boundary = `----herald${Math.random().toString(16).slice(2)}`;
  return {
    payload: Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    ),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The modules that own the facts tell webhooks about them: one real flow through each. */
describe('webhook events from the modules', () => {
  let t: TestApp;
  let s: Session;
  let receiver: WebhookReceiver;
  let secret: string;

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });

  /** Every event received so far, verified with the official package. */
  const events = () =>
    receiver.received.map((r) =>
      new Webhook(secret).verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }),
    ) as Event[];
  const ofType = (type: string) => events().filter((e) => e.type === type);
  const waitForType = (type: string, count = 1) =>
    eventually(async () => {
      const found = ofType(type);
      return found.length >= count ? found : undefined;
    }, 20_000);

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_RETRY_DELAYS_MS: '0,100',
        SEND_BATCH_SIZE: '2',
      },
    });
    await t.startWorker();
    s = await t.register();
    receiver = await startWebhookReceiver();
    const endpoint = await call('POST', '/api/v1/webhooks', { url: receiver.url });
    secret = (endpoint.json() as { secret: string }).secret;
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('contacts: created, updated (naming the fields) and unsubscribed through the API', async () => {
    const created = (
      await call('POST', '/api/v1/contacts', { email: 'grace@example.com', firstName: 'Grace' })
    ).json() as { id: string };
    const [event] = await waitForType('contact.created');
    expect(event!.data).toMatchObject({
      source: 'api',
      contact: { id: created.id, email: 'grace@example.com', firstName: 'Grace' },
    });

    await call('PATCH', `/api/v1/contacts/${created.id}`, { lastName: 'Hopper', tags: ['navy'] });
    const [updated] = await waitForType('contact.updated');
    expect(updated!.data).toMatchObject({
      changed: ['lastName', 'tags'],
      contact: { id: created.id, lastName: 'Hopper' },
    });
    // Nothing changed: nothing told.
    await call('PATCH', `/api/v1/contacts/${created.id}`, { lastName: 'Hopper' });

    await call('PATCH', `/api/v1/contacts/${created.id}`, { status: 'unsubscribed' });
    const [unsubscribed] = await waitForType('contact.unsubscribed');
    expect(unsubscribed!.data).toMatchObject({
      source: 'api',
      contact: { id: created.id, status: 'unsubscribed' },
    });
    await waitForType('contact.updated', 2);
    expect(ofType('contact.updated')).toHaveLength(2);
  });

  it('a campaign sent to the outbox: campaign.started, one message.sent per message, campaign.completed; then opens, clicks and the unsubscribe link', async () => {
    const list = (await call('POST', '/api/v1/lists', { name: 'Readers' })).json() as {
      id: string;
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = (
        await call('POST', '/api/v1/contacts', { email: `reader${i}@example.com` })
      ).json() as { id: string };
      ids.push(c.id);
    }
    await call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: ids });
    const senders = (await call('GET', '/api/v1/senders')).json() as { items: { id: string }[] };
    const campaign = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Autumn news',
        audience: { listIds: [list.id] },
        content: {
          subject: 'News',
          format: 'html',
          body: '<p><a href="https://shop.example/autumn">Shop</a></p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
        },
        senderIds: [senders.items[0]!.id],
      })
    ).json() as { id: string };
    const sent = await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);
    expect(sent.statusCode, sent.body).toBe(200);

    const [completed] = await waitForType('campaign.completed');
    expect(completed!.data).toEqual({
      campaignId: campaign.id,
      name: 'Autumn news',
      status: 'sent',
    });
    const [started] = await waitForType('campaign.started');
    expect(started!.data).toEqual({ campaignId: campaign.id, name: 'Autumn news' });
    const messages = await waitForType('message.sent', 3);
    expect(messages.map((m) => m.data.email).sort()).toEqual([
      'reader0@example.com',
      'reader1@example.com',
      'reader2@example.com',
    ]);
    expect(messages.every((m) => m.data.campaignId === campaign.id)).toBe(true);
    expect(new Set(messages.map((m) => m.data.contactId))).toEqual(new Set(ids));
    // One webhook-id per message.
    const sentIds = receiver.received
      .filter((r) => r.body.includes('"message.sent"'))
      .map((r) => r.headers['webhook-id']);
    expect(new Set(sentIds).size).toBe(3);

    const outbox = (await call('GET', `/api/v1/outbox?campaignId=${campaign.id}`)).json() as {
      items: { id: string; toEmail: string }[];
    };
    const first = outbox.items.find((m) => m.toEmail === 'reader0@example.com')!;
    const raw = ((await call('GET', `/api/v1/outbox/${first.id}`)).json() as { raw: string }).raw;
    const html = (await simpleParser(raw)).html as string;
    const click = /href="http:\/\/herald\.test(\/t\/c\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const open = /src="http:\/\/herald\.test(\/t\/o\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const unsubscribe = /href="http:\/\/herald\.test(\/u\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const reader = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Thunderbird/115' };
    await t.app.inject({ method: 'GET', url: open, headers: reader });
    await t.app.inject({ method: 'GET', url: click, headers: reader });
    const [opened] = await waitForType('message.opened');
    expect(opened!.data).toMatchObject({ campaignId: campaign.id, contactId: ids[0] });
    expect(typeof opened!.data.messageId).toBe('string');
    const [clicked] = await waitForType('message.clicked');
    expect(clicked!.data).toMatchObject({
      campaignId: campaign.id,
      contactId: ids[0],
      url: expect.stringContaining('https://shop.example/autumn') as unknown,
    });

    const before = ofType('contact.unsubscribed').length;
    const res = await t.app.inject({ method: 'POST', url: unsubscribe });
    expect(res.statusCode).toBeLessThan(400);
    const unsubscribed = await waitForType('contact.unsubscribed', before + 1);
    expect(unsubscribed.at(-1)!.data).toMatchObject({
      source: `unsubscribe:${campaign.id}`,
      contact: { id: ids[0], status: 'unsubscribed' },
    });
    // A second click changes nothing and tells nothing.
    await t.app.inject({ method: 'POST', url: unsubscribe });
    await new Promise((r) => setTimeout(r, 300));
    expect(ofType('contact.unsubscribed')).toHaveLength(before + 1);
  });

  it('an import tells import.completed with its counts', async () => {
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/imports',
      ...multipart('email,first_name\nlin@example.com,Lin\nmo@example.com,Mo\nbad-address,X\n'),
    });
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json() as { id: string };
    const [event] = await waitForType('import.completed');
    expect(event!.data).toEqual({ importId: id, created: 2, updated: 0, failed: 1 });
  });

  it('a job out of attempts tells job.failed', async () => {
    const handlers = createJobHandlers(t.services);
    // An import whose file is gone: its job fails on every try.
    const importId = uuidv7();
    await t.database.db.insert(imports).values({
      id: importId,
      orgId: s.organization.id,
      status: 'pending',
      fileName: 'gone.csv',
      filePath: `/nonexistent/${importId}.csv`,
      fileSize: 10,
      options: {},
    });
    const payload = { importId, orgId: s.organization.id };
    const ctx = {
      id: 'job-42',
      name: 'imports.run',
      attempt: 1,
      orgId: s.organization.id,
      signal: new AbortController().signal,
    };
    // An attempt that will be retried is not a dead letter yet.
    await expect(handlers['imports.run'](payload, ctx)).rejects.toThrow(/ENOENT/);
    await new Promise((r) => setTimeout(r, 300));
    expect(ofType('job.failed')).toHaveLength(0);

    await expect(handlers['imports.run'](payload, { ...ctx, attempt: 3 })).rejects.toThrow();
    const [event] = await waitForType('job.failed');
    expect(event!.data).toMatchObject({ jobId: 'job-42', name: 'imports.run' });
    expect(String(event!.data.error)).toMatch(/ENOENT/);
    expect(String(event!.data.error)).not.toContain('\n');
  });
});

describe('emitting when nobody subscribes', () => {
  it('costs one subscription lookup per organization for many events (cached), no delivery', async () => {
    let lookups = 0;
    let inserts = 0;
    const repo = {
      subscriptions: () => {
        lookups += 1;
        return Promise.resolve([]);
      },
      insertDeliveries: () => {
        inserts += 1;
        return Promise.resolve();
      },
    } as unknown as WebhooksRepo;
    const delivery = createWebhookDelivery({
      repo,
      secrets: { seal: (v) => v, open: (v) => v, isStale: () => false },
      queue: {} as never,
      clock: systemClock,
      settings: { retryDelaysMs: [0], timeoutMs: 1000, allowedHosts: [] },
    });
    for (let i = 0; i < 1000; i++) {
      await delivery.dispatch('00000000-0000-7000-8000-000000000001', 'message.sent', {
        messages: [{ messageId: `m${i}`, campaignId: 'c', contactId: null }],
      });
    }
    // Not a webhook event type at all: not even a lookup.
    await delivery.dispatch('00000000-0000-7000-8000-000000000002', 'event.tracked', {
      events: [{ eventId: 'e', contactId: 'c', name: 'n', properties: {} }],
    });
    expect(lookups).toBe(1);
    expect(inserts).toBe(0);
  });
});
