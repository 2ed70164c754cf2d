import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { DomainEventMap } from '../../platform/domain-events.js';
import { createTestApp, uniqueEmail, type TestApp } from '../../test/harness.js';
import {
  contactByEmail,
  countContacts,
  countEvents,
  createWriteKey,
  eventsOf,
  send,
} from './events.fixtures.js';

describe('event ingestion', () => {
  let t: TestApp;
  const emitted: { orgId: string; type: string; data: unknown }[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    t.services.domainEvents.listen((orgId, type, data) => {
      emitted.push({ orgId, type, data });
    });
  });
  afterAll(() => t.close());

  async function org() {
    const owner = await t.register();
    const { key } = await createWriteKey(t, owner);
    return { owner, orgId: owner.organization.id, key };
  }
  const emittedFor = <K extends keyof DomainEventMap>(orgId: string, type: K) =>
    emitted
      .filter((e) => e.orgId === orgId && e.type === type)
      .map((e) => e.data as DomainEventMap[K]);
  /** Track events told to listeners, across the batches they were told in. */
  const trackedFor = (orgId: string) => emittedFor(orgId, 'event.tracked').flatMap((e) => e.events);

  it('identify creates a contact from traits, and a later identify updates it', async () => {
    const { owner, orgId, key } = await org();
    await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key: 'seats', label: 'Seats', type: 'number' },
    });
    const email = uniqueEmail('ada');
    const first = await send(t, key, '/v1/identify', {
      userId: 'u-ada',
      traits: {
        email: email.toUpperCase().replace('@EXAMPLE.COM', '@Example.COM'),
        name: 'Ada King Lovelace',
        phone: '+44 20 1234',
        timezone: 'europe/london',
        plan: 'pro',
        seats: 3,
      },
    });
    expect(first.statusCode).toBe(200);
    const contact = await contactByEmail(t, orgId, email);
    expect(contact).toMatchObject({
      externalId: 'u-ada',
      firstName: 'Ada',
      lastName: 'King Lovelace',
      phone: '+44 20 1234',
      timezone: 'Europe/London',
      source: 'events',
      status: 'subscribed',
      attributes: { plan: 'pro', seats: 3 },
    });
    // The domain is lowercased like the contacts API does; the local part keeps its case.
    expect(contact!.email.endsWith('@example.com')).toBe(true);
    expect(emittedFor(orgId, 'contact.created')).toEqual([
      { contactId: contact!.id, source: 'events' },
    ]);

    const second = await send(t, key, '/v1/identify', {
      userId: 'u-ada',
      traits: { first_name: 'Augusta', plan: null, seats: 5, company: { name: 'Analytical' } },
    });
    expect(second.statusCode).toBe(200);
    const updated = await contactByEmail(t, orgId, email);
    expect(updated).toMatchObject({
      id: contact!.id,
      firstName: 'Augusta',
      lastName: 'King Lovelace',
      attributes: { seats: 5, company: { name: 'Analytical' } },
    });
    expect(updated!.attributes).not.toHaveProperty('plan');
    expect(emittedFor(orgId, 'contact.updated')).toEqual([
      { contactId: contact!.id, changed: ['firstName', 'attributes'] },
    ]);

    // Custom field types are enforced as in the contacts API: the message is refused, nothing changes.
    const wrongType = await send(t, key, '/v1/identify', {
      userId: 'u-ada',
      traits: { seats: 'many', firstName: 'Nope' },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'body.traits.seats', message: 'must be a number' }],
    });
    expect((await contactByEmail(t, orgId, email))!.firstName).toBe('Augusta');
    expect(await countEvents(t, orgId)).toBe(2);
    expect(await countContacts(t, orgId)).toBe(1);
  });

  it('resolves track events by userId, by email, and keeps anonymous ones until an identify links them', async () => {
    const { owner, orgId, key } = await org();
    const known = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: uniqueEmail('known'), externalId: 'u-known' },
    });
    expect(known.statusCode).toBe(201);
    const knownId = (known.json() as { id: string }).id;
    const buyer = uniqueEmail('buyer');
    const visitor = uniqueEmail('visitor');
    const res = await send(t, key, '/v1/batch', {
      batch: [
        { type: 'track', userId: 'u-known', event: 'Logged In', messageId: 'm1' },
        {
          type: 'track',
          anonymousId: 'anon-b',
          event: 'Order Completed',
          properties: { email: buyer, total: 42 },
          messageId: 'm2',
        },
        { type: 'track', anonymousId: 'anon-v', event: 'Viewed Pricing', messageId: 'm3' },
        { type: 'page', anonymousId: 'anon-v', name: 'Pricing', messageId: 'm4' },
        { type: 'track', userId: 'u-later', event: 'Trial Started', messageId: 'm5' },
      ],
    });
    expect(res.json()).toEqual({ success: true, accepted: 5, rejected: [] });
    const buyerContact = await contactByEmail(t, orgId, buyer);
    expect(buyerContact).toMatchObject({ source: 'events', externalId: null });
    const byMessage = async () =>
      Object.fromEntries((await eventsOf(t, orgId)).map((e) => [e.messageId, e.contactId]));
    expect(await byMessage()).toEqual({
      m1: knownId,
      m2: buyerContact!.id,
      m3: null,
      m4: null,
      m5: null,
    });
    expect(trackedFor(orgId).map((e) => e.name)).toEqual(['Logged In', 'Order Completed']);

    // identify with the anonymousId and a userId nobody had: the visitor becomes a contact,
    // and their earlier events (by anonymousId and by userId) are attached.
    const linked = await send(t, key, '/v1/identify', {
      anonymousId: 'anon-v',
      userId: 'u-later',
      traits: { email: visitor },
      messageId: 'm6',
    });
    expect(linked.statusCode).toBe(200);
    const visitorContact = await contactByEmail(t, orgId, visitor);
    expect(visitorContact).toMatchObject({ externalId: 'u-later' });
    expect(await byMessage()).toMatchObject({
      m3: visitorContact!.id,
      m4: visitorContact!.id,
      m5: visitorContact!.id,
      m6: visitorContact!.id,
    });
    // From now on the anonymousId alone names the visitor.
    await send(t, key, '/v1/track', { anonymousId: 'anon-v', event: 'Came Back', messageId: 'm7' });
    expect((await byMessage()).m7).toBe(visitorContact!.id);
    expect(trackedFor(orgId).map((e) => e.name)).toEqual([
      'Logged In',
      'Order Completed',
      'Came Back',
    ]);
  });

  it('alias moves a previousId to the userId: earlier events follow, a known old userId is renamed', async () => {
    const { owner, orgId, key } = await org();
    const email = uniqueEmail('renamed');
    const created = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email, externalId: 'old-id' },
    });
    const contactId = (created.json() as { id: string }).id;
    await send(t, key, '/v1/track', { anonymousId: 'anon-x', event: 'Browsed', messageId: 'a1' });
    const res = await send(t, key, '/v1/batch', {
      batch: [
        { type: 'alias', previousId: 'old-id', userId: 'new-id', messageId: 'a2' },
        { type: 'alias', previousId: 'anon-x', userId: 'new-id', messageId: 'a3' },
        { type: 'track', userId: 'new-id', event: 'Upgraded', messageId: 'a4' },
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 3, rejected: [] });
    expect((await contactByEmail(t, orgId, email))!.externalId).toBe('new-id');
    const rows = await eventsOf(t, orgId);
    expect(rows.map((e) => [e.messageId, e.contactId])).toEqual([
      ['a1', contactId],
      ['a2', contactId],
      ['a3', contactId],
      ['a4', contactId],
    ]);
  });

  it('a retried batch stores and emits nothing twice', async () => {
    const { orgId, key } = await org();
    const email = uniqueEmail('retry');
    const batch = {
      batch: [
        { type: 'identify', userId: 'r1', traits: { email, plan: 'free' }, messageId: uuidv7() },
        ...Array.from({ length: 20 }, (_, i) => ({
          type: 'track',
          userId: 'r1',
          event: 'Clicked',
          properties: { i },
          messageId: `click-${i}`,
        })),
        // The same messageId twice in one request counts once too.
        { type: 'track', userId: 'r1', event: 'Clicked', messageId: 'click-0' },
      ],
    };
    const first = await send(t, key, '/v1/batch', batch);
    expect(first.json()).toEqual({ success: true, accepted: 22, rejected: [] });
    const tracked = trackedFor(orgId).length;
    const created = emittedFor(orgId, 'contact.created').length;
    const retry = await send(t, key, '/v1/batch', batch);
    expect(retry.json()).toEqual({ success: true, accepted: 22, rejected: [] });
    expect(await countEvents(t, orgId)).toBe(21);
    expect(await countContacts(t, orgId)).toBe(1);
    expect(tracked).toBe(20);
    expect(created).toBe(1);
    expect(trackedFor(orgId)).toHaveLength(20);
    expect(emittedFor(orgId, 'contact.created')).toHaveLength(1);
    expect(emittedFor(orgId, 'contact.updated')).toHaveLength(0);
  });

  it('concurrent batches naming the same new person create one contact and no error', async () => {
    const { orgId, key } = await org();
    const email = uniqueEmail('race');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        send(t, key, '/v1/batch', {
          batch: [
            { type: 'identify', userId: 'racer', traits: { email, n: i }, messageId: `id-${i}` },
            { type: 'track', userId: 'racer', event: 'Raced', messageId: `tr-${i}` },
            { type: 'track', userId: 'racer', event: 'Raced', messageId: 'tr-shared' },
          ],
        }),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await countContacts(t, orgId)).toBe(1);
    const contact = await contactByEmail(t, orgId, email);
    expect(contact!.externalId).toBe('racer');
    const rows = await eventsOf(t, orgId);
    expect(rows).toHaveLength(13);
    expect(rows.every((r) => r.contactId === contact!.id)).toBe(true);
    expect(trackedFor(orgId)).toHaveLength(7);
  });

  it('keeps the valid messages of a mixed batch and reports each bad one with its reasons', async () => {
    const { orgId, key } = await org();
    const res = await send(t, key, '/v1/batch', {
      batch: [
        { type: 'track', userId: 'u1', event: 'Good', messageId: 'ok-1' },
        { type: 'track', userId: 'u1', messageId: 'no-event' },
        { type: 'teleport', userId: 'u1' },
        'not an object',
        { type: 'track', event: 'Nobody', messageId: 'nobody' },
        { type: 'identify', userId: 'u1', traits: { email: 'not-an-email' } },
        { type: 'track', userId: 'u1', event: 'Bad time', timestamp: 'yesterday' },
        { type: 'track', userId: 'u1', event: 'Nul', properties: { note: 'a\u0000b' } },
        { type: 'track', userId: 'u1', event: 'Big', properties: { blob: 'x'.repeat(33_000) } },
        { type: 'page', anonymousId: 'a1', name: 'Home', messageId: 'ok-2' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      accepted: number;
      rejected: { index: number; messageId?: string; errors: { path: string }[] }[];
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.errors[0]!.path])).toEqual([
      [1, 'event'],
      [2, 'type'],
      [3, ''],
      [4, 'userId'],
      [5, 'traits.email'],
      [6, 'timestamp'],
      [7, ''],
      [8, ''],
    ]);
    expect(body.rejected[0]!.messageId).toBe('no-event');
    expect((await eventsOf(t, orgId)).map((e) => e.messageId)).toEqual(['ok-1', 'ok-2']);
  });

  it('refuses an oversized body with 413 problem+json and stores nothing', async () => {
    const { orgId, key } = await org();
    const big = {
      batch: Array.from({ length: 40 }, (_, i) => ({
        type: 'track',
        userId: 'u',
        event: 'Big',
        messageId: `big-${i}`,
        properties: { blob: 'x'.repeat(14_000) },
      })),
    };
    const res = await send(t, key, '/v1/batch', big);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'payload_too_large' });
    const single = await send(t, key, '/v1/track', {
      userId: 'u',
      event: 'Big',
      properties: { blob: 'x'.repeat(33_000) },
    });
    expect(single.statusCode).toBe(413);
    expect(await countEvents(t, orgId)).toBe(0);
  });

  it('keeps timestamps: given, skew-corrected originalTimestamp, or the time received', async () => {
    const { orgId, key } = await org();
    const before = Date.now();
    await send(t, key, '/v1/batch', {
      sentAt: new Date(Date.parse('2020-01-01T00:00:10Z')).toISOString(),
      batch: [
        {
          type: 'track',
          userId: 'u',
          event: 'Given',
          timestamp: '2024-03-01T12:00:00Z',
          messageId: 't1',
        },
        // The device thinks it is 2020; the 10 s between event and send are what counts.
        {
          type: 'track',
          userId: 'u',
          event: 'Skewed',
          originalTimestamp: '2020-01-01T00:00:00Z',
          messageId: 't2',
        },
        { type: 'track', userId: 'u', event: 'Now', messageId: 't3' },
      ],
    });
    const rows = Object.fromEntries((await eventsOf(t, orgId)).map((e) => [e.name, e.occurredAt]));
    expect(rows.Given!.toISOString()).toBe('2024-03-01T12:00:00.000Z');
    expect(Math.abs(rows.Skewed!.getTime() - (before - 10_000))).toBeLessThan(5_000);
    expect(rows.Now!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('a write key writes only into its organization; GET /events shows each organization its own', async () => {
    const a = await org();
    const b = await org();
    await send(t, a.key, '/v1/track', { userId: 'shared-id', event: 'From A', messageId: 'same' });
    await send(t, b.key, '/v1/track', { userId: 'shared-id', event: 'From B', messageId: 'same' });
    expect((await eventsOf(t, a.orgId)).map((e) => e.name)).toEqual(['From A']);
    expect((await eventsOf(t, b.orgId)).map((e) => e.name)).toEqual(['From B']);

    const listA = await t.call(a.owner.accessToken, { method: 'GET', url: '/api/v1/events' });
    expect((listA.json() as { items: { name: string }[] }).items.map((e) => e.name)).toEqual([
      'From A',
    ]);
    const aEventId = (await eventsOf(t, a.orgId))[0]!.id;
    const listB = await t.call(b.owner.accessToken, { method: 'GET', url: '/api/v1/events' });
    expect(listB.body).not.toContain(aEventId);
  });

  it('lists events newest first with filters and keyset pages, and shows them on the contact timeline', async () => {
    const { owner, orgId, key } = await org();
    const email = uniqueEmail('timeline');
    await send(t, key, '/v1/batch', {
      batch: [
        { type: 'identify', userId: 'tl', traits: { email }, messageId: 'e0' },
        ...Array.from({ length: 5 }, (_, i) => ({
          type: 'track',
          userId: 'tl',
          event: i % 2 ? 'Odd' : 'Even',
          properties: { i },
          messageId: `e${i + 1}`,
        })),
        { type: 'track', anonymousId: 'someone', event: 'Even', messageId: 'e6' },
      ],
    });
    const contact = await contactByEmail(t, orgId, email);
    const get = (query: string) =>
      t.call(owner.accessToken, { method: 'GET', url: `/api/v1/events?${query}` });
    const page1 = (await get('limit=3')).json() as {
      items: { messageId: string; contactEmail: string | null }[];
      nextCursor: string;
    };
    expect(page1.items.map((e) => e.messageId)).toEqual(['e6', 'e5', 'e4']);
    const page2 = (await get(`limit=3&cursor=${page1.nextCursor}`)).json() as {
      items: { messageId: string }[];
    };
    expect(page2.items.map((e) => e.messageId)).toEqual(['e3', 'e2', 'e1']);
    const evens = (await get('name=Even')).json() as { items: { messageId: string }[] };
    expect(evens.items.map((e) => e.messageId)).toEqual(['e6', 'e5', 'e3', 'e1']);
    const mine = (await get(`contactId=${contact!.id}&type=track`)).json() as {
      items: { messageId: string; contactEmail: string }[];
    };
    expect(mine.items.map((e) => e.messageId)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
    expect(mine.items[0]!.contactEmail).toBe(contact!.email);
    expect((await get('type=nonsense')).statusCode).toBe(400);

    const timeline = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/contacts/${contact!.id}/timeline`,
    });
    const items = (timeline.json() as { items: { type: string; data: Record<string, unknown> }[] })
      .items;
    expect(
      items.filter((i) => i.type === 'event').map((i) => i.data.name ?? i.data.eventType),
    ).toEqual(['Even', 'Odd', 'Even', 'Odd', 'Even', 'identify']);
    expect(items.at(-1)!.type).toBe('created');
  });

  it('erasing a contact deletes its events, and only its own', async () => {
    const { owner, orgId, key } = await org();
    const email = uniqueEmail('forget');
    await send(t, key, '/v1/batch', {
      batch: [
        { type: 'identify', userId: 'gone', traits: { email }, messageId: 'g1' },
        { type: 'track', userId: 'gone', event: 'Private', messageId: 'g2' },
        { type: 'track', anonymousId: 'someone-else', event: 'Kept', messageId: 'g3' },
      ],
    });
    const contact = await contactByEmail(t, orgId, email);
    const erased = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/contacts/${contact!.id}/erase`,
    });
    expect(erased.statusCode).toBe(204);
    expect((await eventsOf(t, orgId)).map((e) => e.messageId)).toEqual(['g3']);
  });

  it('exposes externalId in the contacts API, unique per organization', async () => {
    const { owner } = await org();
    const create = (email: string, externalId: string) =>
      t.call(owner.accessToken, {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: { email, externalId },
      });
    const first = await create(uniqueEmail('x1'), 'ext-1');
    expect(first.json()).toMatchObject({ externalId: 'ext-1' });
    const clash = await create(uniqueEmail('x2'), 'ext-1');
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ errors: [{ path: 'body.externalId' }] });
    const id = (first.json() as { id: string }).id;
    const cleared = await t.call(owner.accessToken, {
      method: 'PATCH',
      url: `/api/v1/contacts/${id}`,
      payload: { externalId: null },
    });
    expect(cleared.json()).toMatchObject({ externalId: null });
  });
});
