import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { and, eq } from 'drizzle-orm';
import { campaigns, contacts, messages, suppressions } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { v7 as uuidv7 } from 'uuid';

interface Campaign {
  id: string;
  status: string;
  recipients?: number;
  progress: { recipients: number; sent: number; pending: number; percent: number };
  waitingReason: string | null;
}

const BODY =
  '<html><body><h1>Hi {{ firstName | default: "there" }}</h1>' +
  '<p><a href="https://shop.example/spring?x=1&amp;y=2">Shop the sale</a></p>' +
  '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p></body></html>';

describe('campaigns', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Small batches and several lanes: every campaign here crosses batch boundaries.
    t = await createTestApp({
      env: { SEND_BATCH_SIZE: '2', SEND_LANES: '2', SEND_RETRY_BASE_MS: '0' },
    });
    await t.startWorker();
  });
  afterAll(() => t.close());

  async function setUp(count = 5) {
    const s = await t.register();
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.call(s.accessToken, { method, url, ...(payload ? { payload } : {}) });
    const list = (await call('POST', '/api/v1/lists', { name: 'Newsletter' })).json() as {
      id: string;
    };
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const c = (
        await call('POST', '/api/v1/contacts', {
          email: `reader${i}@example.com`,
          firstName: `Reader${i}`,
        })
      ).json() as { id: string };
      ids.push(c.id);
    }
    await call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: ids });
    const template = (
      await call('POST', '/api/v1/templates', {
        name: 'Spring',
        subject: 'Spring sale, {{ firstName }}',
        format: 'html',
        body: BODY,
      })
    ).json() as { id: string };
    const senders = (await call('GET', '/api/v1/senders')).json() as { items: { id: string }[] };
    return { s, call, list, ids, template, outboxId: senders.items[0]!.id };
  }

  async function waitFor(s: Session, id: string, status: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = (
        await t.call(s.accessToken, { method: 'GET', url: `/api/v1/campaigns/${id}` })
      ).json() as Campaign;
      if (c.status === status) return c;
      if (Date.now() > deadline) throw new Error(`campaign stuck: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('sends a campaign to a list through the outbox, personalised, tracked and unsubscribable', async () => {
    const { s, call, list, template, outboxId, ids } = await setUp(5);
    // An unsubscribed contact and a suppressed address never get a ledger row.
    await call('PATCH', `/api/v1/contacts/${ids[3]}`, { status: 'unsubscribed' });
    await t.database.db.insert(suppressions).values({
      id: uuidv7(),
      orgId: s.organization.id,
      email: 'reader4@example.com',
      reason: 'complaint',
    });

    const created = await call('POST', '/api/v1/campaigns', {
      name: 'Spring sale',
      audience: { listIds: [list.id] },
      templateId: template.id,
      senderIds: [outboxId],
      utm: { source: 'herald', medium: 'email' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const campaign = created.json() as Campaign;
    expect(campaign.status).toBe('draft');
    const preflight = (await call('GET', `/api/v1/campaigns/${campaign.id}/preflight`)).json() as {
      ok: boolean;
      audienceCount: number;
    };
    expect(preflight).toMatchObject({ ok: true, audienceCount: 3 });

    const started = await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);
    expect(started.statusCode, started.body).toBe(200);
    const done = await waitFor(s, campaign.id, 'sent');
    expect(done.progress).toMatchObject({ recipients: 3, sent: 3, pending: 0, percent: 100 });

    const ledger = await t.database.db
      .select({ email: messages.email, status: messages.status, attempts: messages.attempts })
      .from(messages)
      .where(eq(messages.campaignId, campaign.id));
    expect(ledger.map((m) => m.email).sort()).toEqual([
      'reader0@example.com',
      'reader1@example.com',
      'reader2@example.com',
    ]);
    expect(ledger.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);

    const outbox = (await call('GET', `/api/v1/outbox?campaignId=${campaign.id}`)).json() as {
      items: { id: string; toEmail: string; subject: string }[];
    };
    expect(outbox.items.map((m) => m.subject).sort()).toEqual([
      'Spring sale, Reader0',
      'Spring sale, Reader1',
      'Spring sale, Reader2',
    ]);
    // Every message's links are tracked, including the first batch's, where each destination
    // is new to the link table for every recipient at once.
    for (const item of outbox.items) {
      const body = ((await call('GET', `/api/v1/outbox/${item.id}`)).json() as { raw: string }).raw;
      const itemHtml = (await simpleParser(body)).html as string;
      expect(itemHtml, item.toEmail).toMatch(/href="http:\/\/herald\.test\/t\/c\//);
      expect(itemHtml, item.toEmail).not.toContain('href="https://shop.example');
    }
    const first = outbox.items.find((m) => m.toEmail === 'reader0@example.com')!;
    const raw = ((await call('GET', `/api/v1/outbox/${first.id}`)).json() as { raw: string }).raw;
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get('x-herald-campaign')).toBe(campaign.id);
    const html = parsed.html as string;
    const click = /href="http:\/\/herald\.test(\/t\/c\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const open = /src="http:\/\/herald\.test(\/t\/o\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const unsubscribe = /href="http:\/\/herald\.test(\/u\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    expect(raw).toContain(`List-Unsubscribe: <http://herald.test${unsubscribe}>`);

    // A click within seconds of delivery is a scanner's; readers come later.
    await t.database.db
      .update(messages)
      .set({ sentAt: new Date(Date.now() - 60_000) })
      .where(eq(messages.campaignId, campaign.id));
    // The open pixel and the click record once per hit; the click goes where the link went,
    // with the campaign's UTM parameters added and the original ones kept.
    const pixel = await t.app.inject({
      method: 'GET',
      url: open,
      headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) AppleWebKit Thunderbird/115' },
    });
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    const redirect = await t.app.inject({
      method: 'GET',
      url: click,
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' },
    });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(
      'https://shop.example/spring?x=1&y=2&utm_source=herald&utm_medium=email',
    );
    // A link scanner's visit is recorded but counted apart.
    await t.app.inject({ method: 'HEAD', url: click, headers: { 'user-agent': 'Barracuda' } });
    // Tampered tokens: 404, nothing recorded.
    const tampered = `${click.slice(0, -3)}${click.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
    expect((await t.app.inject({ method: 'GET', url: tampered })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/t/o/short' })).statusCode).toBe(404);

    const stats = (await call('GET', `/api/v1/campaigns/${campaign.id}/stats`)).json() as {
      sent: number;
      opens: { total: number; unique: number; machine: number };
      clicks: { total: number; unique: number; machine: number };
      links: { url: string; clicks: number }[];
      rates: { open: number };
      series: { points: { opens: number; clicks: number; sent: number }[] };
    };
    expect(stats.sent).toBe(3);
    expect(stats.opens).toEqual({ total: 1, unique: 1, machine: 0 });
    expect(stats.clicks).toEqual({ total: 1, unique: 1, machine: 1 });
    expect(stats.rates.open).toBeCloseTo(1 / 3, 3);
    expect(stats.links).toEqual([
      expect.objectContaining({
        url: 'https://shop.example/spring?x=1&y=2&utm_source=herald&utm_medium=email',
        clicks: 1,
      }),
    ]);
    expect(stats.series.points.reduce((n, p) => n + p.sent, 0)).toBe(3);
    // The list shows unique engagement by people without a stats call per campaign; a second
    // open of the same message does not count again.
    await t.app.inject({ method: 'GET', url: open, headers: { 'user-agent': 'Thunderbird/115' } });
    const listed = (await call('GET', '/api/v1/campaigns')).json() as {
      items: (Campaign & { engagement: Record<string, number> })[];
    };
    expect(listed.items.find((c) => c.id === campaign.id)!.engagement).toEqual({
      opened: 1,
      clicked: 1,
      openRate: 1 / 3,
      clickRate: 1 / 3,
    });
    // A copy starts with no engagement of its own.
    const copy = (await call('POST', `/api/v1/campaigns/${campaign.id}/duplicate`)).json() as {
      id: string;
    };
    const relisted = (await call('GET', '/api/v1/campaigns')).json() as {
      items: (Campaign & { engagement: Record<string, number> })[];
    };
    expect(relisted.items.find((c) => c.id === copy.id)!.engagement).toMatchObject({
      opened: 0,
      clicked: 0,
    });

    // Segments see engagement: who received, opened and clicked (this or any campaign).
    const count = async (definition: object) =>
      ((await call('POST', '/api/v1/segments/preview', { definition })).json() as { count: number })
        .count;
    expect(await count({ engagement: 'received', op: 'has' })).toBe(3);
    expect(await count({ engagement: 'opened', op: 'has', campaign: campaign.id })).toBe(1);
    expect(await count({ engagement: 'clicked', op: 'has', withinDays: 7 })).toBe(1);
    expect(
      await count({
        all: [
          { engagement: 'received', op: 'has', campaign: campaign.id },
          { engagement: 'opened', op: 'has_not', campaign: campaign.id },
        ],
      }),
    ).toBe(2);
    const unknownCampaign = await call('POST', '/api/v1/segments/preview', {
      definition: { engagement: 'opened', op: 'has', campaign: uuidv7() },
    });
    expect(unknownCampaign.statusCode).toBe(422);

    // The contact's timeline shows the message and what they did with it.
    const reader0Id = ids[0]!;
    const timeline = (await call('GET', `/api/v1/contacts/${reader0Id}/timeline`)).json() as {
      items: { type: string; data: { campaignName?: string; url?: string } }[];
    };
    const types = timeline.items.map((i) => i.type);
    expect(types).toEqual(expect.arrayContaining(['message_sent', 'open', 'click']));
    expect(timeline.items.find((i) => i.type === 'click')!.data).toMatchObject({
      campaignName: 'Spring sale',
      url: 'https://shop.example/spring?x=1&y=2&utm_source=herald&utm_medium=email',
    });

    // GET shows a page and changes nothing (scanners follow links); POST unsubscribes.
    const page = await t.app.inject({ method: 'GET', url: unsubscribe });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post">');
    const reader0 = () =>
      t.database.db
        .select({ status: contacts.status })
        .from(contacts)
        .where(
          and(eq(contacts.orgId, s.organization.id), eq(contacts.email, 'reader0@example.com')),
        );
    expect((await reader0())[0]!.status).toBe('subscribed');
    const oneClick = await t.app.inject({
      method: 'POST',
      url: unsubscribe,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect((await reader0())[0]!.status).toBe('unsubscribed');
    const again = await t.app.inject({ method: 'POST', url: unsubscribe });
    expect(again.statusCode).toBe(200);
    expect(
      (
        (await call('GET', `/api/v1/campaigns/${campaign.id}/stats`)).json() as {
          unsubscribes: number;
        }
      ).unsubscribes,
    ).toBe(1);

    // The recipients table shows each message's state and attempts.
    const recipients = (
      await call('GET', `/api/v1/campaigns/${campaign.id}/messages?limit=2`)
    ).json() as { items: { status: string; attempts: number }[]; nextCursor: string };
    expect(recipients.items).toHaveLength(2);
    expect(recipients.nextCursor).toBeTruthy();

    // Erasing a contact scrubs their rows but keeps the campaign's numbers.
    const data = (await call('GET', `/api/v1/contacts/${ids[1]}/data`)).json() as {
      messages: { email: string }[];
    };
    expect(data.messages.map((m) => m.email)).toEqual(['reader1@example.com']);
    expect((await call('POST', `/api/v1/contacts/${ids[1]}/erase`, {})).statusCode).toBe(204);
    const scrubbed = await t.database.db
      .select({ email: messages.email, contactId: messages.contactId })
      .from(messages)
      .where(eq(messages.campaignId, campaign.id));
    expect(scrubbed.map((m) => m.email)).not.toContain('reader1@example.com');
    expect(scrubbed).toHaveLength(3);
    expect(
      ((await call('GET', `/api/v1/campaigns/${campaign.id}/stats`)).json() as { sent: number })
        .sent,
    ).toBe(3);

    // Another organization sees none of it.
    const other = await t.register();
    for (const url of [
      `/api/v1/campaigns/${campaign.id}`,
      `/api/v1/campaigns/${campaign.id}/stats`,
      `/api/v1/campaigns/${campaign.id}/messages`,
    ]) {
      expect((await t.call(other.accessToken, { method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('refuses illegal transitions with 409 and blocked starts with 422, changing nothing', async () => {
    const { s: session, call, list, template, outboxId } = await setUp(1);
    const noSender = (
      await call('POST', '/api/v1/campaigns', {
        name: 'No sender',
        audience: { listIds: [list.id] },
        templateId: template.id,
      })
    ).json() as Campaign;
    expect((await call('POST', `/api/v1/campaigns/${noSender.id}/pause`)).statusCode).toBe(409);
    expect((await call('POST', `/api/v1/campaigns/${noSender.id}/resume`)).statusCode).toBe(409);
    const blocked = await call('POST', `/api/v1/campaigns/${noSender.id}/send-now`);
    expect(blocked.statusCode).toBe(422);
    expect((blocked.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(
      'no_sender',
    );
    expect(
      ((await call('GET', `/api/v1/campaigns/${noSender.id}`)).json() as Campaign).status,
    ).toBe('draft');

    // No unsubscribe link is a blocking check too.
    const noUnsubscribe = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Inline',
        audience: { listIds: [list.id] },
        content: { subject: 'Hi', format: 'html', body: '<p>Hello</p>' },
        senderIds: [outboxId],
      })
    ).json() as Campaign;
    const refused = await call('POST', `/api/v1/campaigns/${noUnsubscribe.id}/send-now`);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('missing_unsubscribe');

    // Scheduled in the future, then cancelled: nothing is ever sent.
    const later = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Later',
        audience: { listIds: [list.id] },
        templateId: template.id,
        senderIds: [outboxId],
      })
    ).json() as Campaign;
    const scheduled = await call('POST', `/api/v1/campaigns/${later.id}/schedule`, {
      sendAt: '2099-03-01T09:00',
      timezone: 'Europe/Paris',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json()).toMatchObject({
      status: 'scheduled',
      sendAt: '2099-03-01T08:00:00.000Z',
      timezone: 'Europe/Paris',
    });
    // What a campaign still needs cannot be deleted from under it.
    for (const url of [`/api/v1/templates/${template.id}`, `/api/v1/senders/${outboxId}`]) {
      const del = await t.call(session.accessToken, { method: 'DELETE', url });
      expect(del.statusCode, url).toBe(409);
      expect(del.body).toContain('Later');
      expect((await call('GET', url)).statusCode).toBe(200);
    }
    const past = await call('POST', `/api/v1/campaigns/${later.id}/schedule`, {
      sendAt: '2001-01-01T00:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    expect((await call('POST', `/api/v1/campaigns/${later.id}/cancel`)).json()).toMatchObject({
      status: 'cancelled',
    });
    expect((await call('POST', `/api/v1/campaigns/${later.id}/cancel`)).statusCode).toBe(409);
    expect((await call('PATCH', `/api/v1/campaigns/${later.id}`, { name: 'x' })).statusCode).toBe(
      409,
    );
    const copy = await call('POST', `/api/v1/campaigns/${later.id}/duplicate`);
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ status: 'draft', name: 'Later (copy)' });

    // References to another organization's things are refused by name.
    const other = await setUp(0);
    const foreign = await call('POST', '/api/v1/campaigns', {
      name: 'Foreign',
      audience: { listIds: [other.list.id] },
      senderIds: [other.outboxId],
      templateId: other.template.id,
    });
    expect(foreign.statusCode).toBe(400);
    expect(
      (foreign.json() as { errors: { path: string }[] }).errors.map((e) => e.path).sort(),
    ).toEqual(['audience.listIds', 'senderIds', 'templateId']);
  });

  it('pauses within a batch, resumes from the ledger, and a follow-up targets non-openers', async () => {
    const { s, call, list, template, outboxId } = await setUp(12);
    const campaign = (
      await call('POST', '/api/v1/campaigns', {
        name: 'Pausable',
        audience: { listIds: [list.id] },
        templateId: template.id,
        senderIds: [outboxId],
        // A send quota of 1 message per second keeps it sending long enough to pause.
      })
    ).json() as Campaign;
    await call('PATCH', `/api/v1/senders/${outboxId}`, { limits: { perSecond: 2 } });
    await call('POST', `/api/v1/campaigns/${campaign.id}/send-now`);
    await waitFor(s, campaign.id, 'sending');
    // Throttled by a per-second limit is ordinary sending, not a visible wait.
    await new Promise((r) => setTimeout(r, 1_200));
    const throttled = (await call('GET', `/api/v1/campaigns/${campaign.id}`)).json() as Campaign;
    expect(throttled.waitingReason).toBeNull();
    const paused = await call('POST', `/api/v1/campaigns/${campaign.id}/pause`);
    expect(paused.statusCode).toBe(200);
    const sentAtPause = (paused.json() as Campaign).progress.sent;
    await new Promise((r) => setTimeout(r, 1_500));
    const still = (await call('GET', `/api/v1/campaigns/${campaign.id}`)).json() as Campaign;
    expect(still.status).toBe('paused');
    // At most the batch that was on its way when the pause came.
    expect(still.progress.sent - sentAtPause).toBeLessThanOrEqual(2);
    expect(still.progress.sent).toBeLessThan(12);

    await call('PATCH', `/api/v1/senders/${outboxId}`, { limits: {} });
    expect((await call('POST', `/api/v1/campaigns/${campaign.id}/resume`)).statusCode).toBe(200);
    const done = await waitFor(s, campaign.id, 'sent');
    expect(done.progress).toMatchObject({ recipients: 12, sent: 12, pending: 0 });
    const rows = await t.database.db
      .select({ attempts: messages.attempts })
      .from(messages)
      .where(eq(messages.campaignId, campaign.id));
    expect(rows.every((r) => r.attempts === 1)).toBe(true);

    const followUp = await call('POST', `/api/v1/campaigns/${campaign.id}/follow-up`, {
      to: 'non_openers',
    });
    expect(followUp.statusCode).toBe(201);
    const draft = followUp.json() as Campaign & { audience: { followUp: { to: string } } };
    expect(draft.audience.followUp).toEqual({ campaignId: campaign.id, to: 'non_openers' });
    const preflight = (await call('GET', `/api/v1/campaigns/${draft.id}/preflight`)).json() as {
      audienceCount: number;
    };
    expect(preflight.audienceCount).toBe(12);
  });

  it('the sweep starts campaigns whose start job a queue lost', async () => {
    const { s, call, list, template, outboxId } = await setUp(3);
    const draft = async (name: string) =>
      (
        await call('POST', '/api/v1/campaigns', {
          name,
          audience: { listIds: [list.id] },
          templateId: template.id,
          senderIds: [outboxId],
        })
      ).json() as Campaign;
    // Two campaigns in the states a lost job leaves, with no job in the queue for either:
    // scheduled for five minutes ago, and marked sending five minutes ago without a ledger.
    const scheduled = await draft('Lost schedule');
    const started = await draft('Lost start');
    const fiveMinutesAgo = new Date(Date.now() - 300_000);
    await t.database.db
      .update(campaigns)
      .set({ status: 'scheduled', sendAt: fiveMinutesAgo })
      .where(eq(campaigns.id, scheduled.id));
    await t.database.db
      .update(campaigns)
      .set({ status: 'sending', startedAt: fiveMinutesAgo })
      .where(eq(campaigns.id, started.id));

    await t.services.campaigns.sweep();
    for (const c of [scheduled, started]) {
      const sent = await waitFor(s, c.id, 'sent');
      expect(sent.progress).toMatchObject({ recipients: 3, sent: 3, pending: 0 });
    }
    // A second sweep finds nothing to start: nobody gets the campaign twice.
    await t.services.campaigns.sweep();
    await new Promise((r) => setTimeout(r, 500));
    const delivered = await t.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.campaignId, started.id));
    expect(delivered).toHaveLength(3);
  });
});
