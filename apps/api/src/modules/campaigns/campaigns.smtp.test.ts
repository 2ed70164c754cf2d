import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { contacts, messages } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../test/smtp-test-server.js';

/** The send pipeline against a real SMTP server that refuses some recipients on purpose. */
describe('campaign delivery over SMTP', () => {
  let t: TestApp;
  let server: SmtpTestServer;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        SEND_BATCH_SIZE: '3',
        SEND_LANES: '2',
        SEND_MAX_ATTEMPTS: '3',
        SEND_RETRY_BASE_MS: '0',
      },
    });
    await t.startWorker();
    server = await startSmtpTestServer({
      rules: [
        { command: 'RCPT', match: 'softfail@', reply: '451 4.3.0 Try again later', times: 2 },
        { command: 'RCPT', match: 'gone@', reply: '550 5.1.1 <gone@example.com>: User unknown' },
        { command: 'RCPT', match: 'always@', reply: '452 4.2.2 Mailbox full' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('retries 4xx with backoff, bounces 5.1.1 and suppresses the contact, spreads over senders', async () => {
    const s = await t.register();
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });
    const addresses = [
      ...Array.from({ length: 8 }, (_, i) => `ok${i}@example.com`),
      'softfail@example.com',
      'gone@example.com',
      'always@example.com',
    ];
    const list = (await call('POST', '/api/v1/lists', { name: 'All' })).json() as { id: string };
    const ids: string[] = [];
    for (const email of addresses)
      ids.push(((await call('POST', '/api/v1/contacts', { email })).json() as { id: string }).id);
    await call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: ids });
    const sender = async (fromEmail: string) =>
      (
        (
          await call('POST', '/api/v1/senders', {
            name: fromEmail,
            fromEmail,
            provider: 'smtp',
            smtp: { host: server.host, port: server.port, tls: 'none', auth: 'none' },
          })
        ).json() as { id: string }
      ).id;
    const [a, b] = [await sender('a@news.example'), await sender('b@news.example')];
    const campaign = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Over SMTP',
        audience: { listIds: [list.id] },
        content: {
          subject: 'Hello {{ email }}',
          format: 'markdown',
          body: '# Hello\n\n[Unsubscribe]({{ unsubscribe_url }})',
        },
        senderIds: [a, b],
        rotation: 'round_robin',
      })
    ).json() as { id: string };
    expect((await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`)).statusCode).toBe(200);

    const deadline = Date.now() + 30_000;
    let final: { status: string; progress: Record<string, number> };
    for (;;) {
      final = (await call('GET', `/api/v1/campaigns/${campaign.id}`)).json() as typeof final;
      if (final.status === 'sent' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(final.status).toBe('sent');
    expect(final.progress).toMatchObject({
      recipients: 11,
      sent: 9,
      bounced: 1,
      failed: 1,
      pending: 0,
    });

    const rows = await t.database.db
      .select({
        email: messages.email,
        status: messages.status,
        attempts: messages.attempts,
        lastCode: messages.lastCode,
        lastReply: messages.lastReply,
        senderId: messages.senderId,
      })
      .from(messages)
      .where(eq(messages.campaignId, campaign.id));
    const by = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(by['softfail@example.com']).toMatchObject({ status: 'sent', attempts: 3 });
    expect(by['always@example.com']).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastCode: 452,
    });
    expect(by['gone@example.com']).toMatchObject({ status: 'bounced', attempts: 1, lastCode: 550 });
    expect(by['gone@example.com']!.lastReply).toContain('User unknown');
    // Both senders carried part of the campaign.
    expect(new Set(rows.filter((r) => r.status === 'sent').map((r) => r.senderId))).toEqual(
      new Set([a, b]),
    );

    // Each delivered recipient got exactly one message.
    const received = server.messages
      .filter((m) => m.data.toString().includes(campaign.id))
      .flatMap((m) => m.to);
    expect(received.sort()).toEqual(
      [...Array.from({ length: 8 }, (_, i) => `ok${i}@example.com`), 'softfail@example.com'].sort(),
    );

    // The hard bounce never gets mail again.
    const [gone] = await t.database.db
      .select({ status: contacts.status })
      .from(contacts)
      .where(and(eq(contacts.orgId, s.organization.id), eq(contacts.email, 'gone@example.com')));
    expect(gone!.status).toBe('bounced');
    const stats = (await call('GET', `/api/v1/campaigns/${campaign.id}/stats`)).json() as {
      rates: { bounce: number };
    };
    expect(stats.rates.bounce).toBeCloseTo(1 / 10, 3);
    // Sender health saw the refusals as deferrals and failures, not as a dead server.
    const health = (await call('GET', `/api/v1/senders/${a}`)).json() as {
      status: string;
      health: { sent24h: number };
    };
    expect(health.status).toBe('active');
    expect(health.health.sent24h).toBeGreaterThan(0);
  });
});
