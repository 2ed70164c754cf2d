import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { contactActivities, contacts } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface Contact {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  timezone: string | null;
  locale: string | null;
  status: string;
  tags: string[];
  attributes: Record<string, unknown>;
  source: string | null;
  createdAt: string;
  updatedAt: string;
}
interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

describe('contacts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const upsert = (s: Session, payload: object) =>
    t.call(s.accessToken, { method: 'POST', url: '/api/v1/contacts', payload });
  const get = (s: Session, id: string) =>
    t.call(s.accessToken, { method: 'GET', url: `/api/v1/contacts/${id}` });
  const patch = (s: Session, id: string, payload: object) =>
    t.call(s.accessToken, { method: 'PATCH', url: `/api/v1/contacts/${id}`, payload });
  const all = async (s: Session) =>
    (
      (
        await t.call(s.accessToken, { method: 'GET', url: '/api/v1/contacts?limit=200' })
      ).json() as {
        items: Contact[];
      }
    ).items;
  const defineField = async (s: Session, key: string, type: string) => {
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key, label: key, type },
    });
    expect(res.statusCode).toBe(201);
  };

  it('creates with normalized values, then upserts the same address case-insensitively', async () => {
    const owner = await t.register();
    const created = await upsert(owner, {
      email: '  Ada.Lovelace@Example.COM ',
      firstName: 'Ada',
      timezone: 'europe/london',
      locale: 'EN-gb',
      tags: ['vip', 'vip', 'beta'],
      attributes: { plan: 'pro', nested: { a: [1, 2] } },
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json() as Contact;
    expect(contact).toMatchObject({
      email: 'Ada.Lovelace@example.com',
      firstName: 'Ada',
      lastName: null,
      timezone: 'Europe/London',
      locale: 'en-GB',
      status: 'subscribed',
      tags: ['vip', 'beta'],
      attributes: { plan: 'pro', nested: { a: [1, 2] } },
      source: 'api',
    });

    for (const email of ['ada.lovelace@EXAMPLE.com', 'ADA.LOVELACE@example.com']) {
      const again = await upsert(owner, { email, lastName: 'Lovelace', attributes: { seats: 3 } });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({
        id: contact.id,
        email: 'Ada.Lovelace@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        attributes: { plan: 'pro', nested: { a: [1, 2] }, seats: 3 },
        tags: ['vip', 'beta'],
      });
    }
    expect((await all(owner)).map((c) => c.id)).toEqual([contact.id]);
    expect((await get(owner, contact.id)).json()).toMatchObject({ lastName: 'Lovelace' });

    // The same address in another organization is another contact.
    const other = await t.register();
    const elsewhere = await upsert(other, { email: 'ada.lovelace@example.com' });
    expect(elsewhere.statusCode).toBe(201);
    expect((elsewhere.json() as Contact).id).not.toBe(contact.id);
  });

  it('PATCH merges attributes (null removes a key), replaces tags and records status changes', async () => {
    const owner = await t.register();
    const { id } = (
      await upsert(owner, {
        email: 'grace@example.com',
        tags: ['a', 'b'],
        attributes: { plan: 'pro', seats: 2 },
      })
    ).json() as Contact;

    const res = await patch(owner, id, {
      attributes: { plan: null, region: 'eu' },
      tags: ['c'],
      firstName: 'Grace',
      status: 'unsubscribed',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      attributes: { seats: 2, region: 'eu' },
      tags: ['c'],
      firstName: 'Grace',
      status: 'unsubscribed',
    });
    expect((res.json() as Contact).attributes).not.toHaveProperty('plan');

    // Omitted fields stay; an empty string clears a text field.
    const cleared = await patch(owner, id, { firstName: '' });
    expect(cleared.json()).toMatchObject({ firstName: null, tags: ['c'], status: 'unsubscribed' });

    await patch(owner, id, { status: 'subscribed' });
    const timeline = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/contacts/${id}/timeline`,
    });
    expect(timeline.statusCode).toBe(200);
    const items = (timeline.json() as { items: { type: string; data: unknown }[] }).items;
    expect(items.map((i) => [i.type, i.data])).toEqual([
      ['status_changed', { from: 'unsubscribed', to: 'subscribed', source: 'api' }],
      ['status_changed', { from: 'subscribed', to: 'unsubscribed', source: 'api' }],
      ['created', { status: 'subscribed', source: 'api' }],
    ]);
  });

  it('pages the timeline newest first without repeats', async () => {
    const owner = await t.register();
    const { id } = (await upsert(owner, { email: 'pager@example.com' })).json() as Contact;
    const statuses = ['unsubscribed', 'subscribed', 'bounced', 'complained', 'subscribed'];
    for (const status of statuses)
      expect((await patch(owner, id, { status })).statusCode).toBe(200);
    const seen: { id: string; type: string; data: { to?: string } }[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/contacts/${id}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      const page = res.json() as { items: typeof seen; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((a) => a.id)).size).toBe(6);
    expect(seen.map((a) => a.data.to ?? a.type)).toEqual([...statuses].reverse().concat('created'));
  });

  it('rejects invalid input with field errors and stores nothing', async () => {
    const owner = await t.register();
    const cases: [object, string][] = [
      [{ email: 'not-an-email' }, 'body.email'],
      [{ email: 'a@b' }, 'body.email'],
      [{ email: 'x@example.com', timezone: 'Mars/Olympus' }, 'body.timezone'],
      [{ email: 'x@example.com', timezone: '+01:00' }, 'body.timezone'],
      [{ email: 'x@example.com', locale: 'not a locale!' }, 'body.locale'],
      [{ email: 'x@example.com', status: 'vip' }, 'body.status'],
      [{ email: 'x@example.com', tags: ['ok', ''] }, 'body.tags.1'],
      [{ email: 'x@example.com', attributes: ['not', 'an', 'object'] }, 'body.attributes'],
      [{ email: 'x@example.com', orgId: owner.organization.id }, 'body'],
    ];
    for (const [payload, path] of cases) {
      const res = await upsert(owner, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const problem = res.json() as Problem;
      expect(problem.code).toBe('validation_failed');
      expect(
        problem.errors?.some((e) => e.path === path),
        JSON.stringify(problem.errors),
      ).toBe(true);
    }
    expect(await all(owner)).toEqual([]);
  });

  it('types attributes by the custom field definitions; undefined keys are free-form', async () => {
    const owner = await t.register();
    await defineField(owner, 'age', 'number');
    await defineField(owner, 'vip', 'boolean');
    await defineField(owner, 'since', 'date');
    await defineField(owner, 'nick', 'string');

    const bad = await upsert(owner, {
      email: 'typed@example.com',
      attributes: { age: '42', vip: 'yes', since: '2024-02-30', nick: 5, free: { any: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    const problem = bad.json() as Problem;
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      'body.attributes.age',
      'body.attributes.nick',
      'body.attributes.since',
      'body.attributes.vip',
    ]);
    expect(await all(owner)).toEqual([]);

    const good = await upsert(owner, {
      email: 'typed@example.com',
      attributes: {
        age: 42,
        vip: false,
        since: '2024-02-29T10:00:00Z',
        nick: 'T',
        free: { any: 1 },
      },
    });
    expect(good.statusCode).toBe(201);
    const contact = good.json() as Contact;
    for (const since of ['2024-05-31', '2024-05-31T12:30:00.123+02:00']) {
      expect((await patch(owner, contact.id, { attributes: { since } })).statusCode).toBe(200);
    }

    const wrong = await patch(owner, contact.id, { attributes: { age: 'x', nick: 'New' } });
    expect(wrong.statusCode).toBe(400);
    expect((wrong.json() as Problem).errors).toEqual([
      { path: 'body.attributes.age', message: 'must be a number' },
    ]);
    // Removing a typed key with null is always allowed; nothing else changed above.
    const after = (await get(owner, contact.id)).json() as Contact;
    expect(after.attributes).toMatchObject({
      age: 42,
      nick: 'T',
      since: '2024-05-31T12:30:00.123+02:00',
    });
    const removed = await patch(owner, contact.id, { attributes: { age: null } });
    expect((removed.json() as Contact).attributes).not.toHaveProperty('age');
  });

  it('refuses to give a contact another contact’s address and changes nothing', async () => {
    const owner = await t.register();
    const a = (await upsert(owner, { email: 'first@example.com' })).json() as Contact;
    const b = (
      await upsert(owner, { email: 'second@example.com', firstName: 'B' })
    ).json() as Contact;
    const res = await patch(owner, b.id, { email: 'FIRST@example.com', firstName: 'Changed' });
    expect(res.statusCode).toBe(409);
    expect((res.json() as Problem).errors?.[0]?.path).toBe('body.email');
    expect((await get(owner, b.id)).json()).toMatchObject({
      email: 'second@example.com',
      firstName: 'B',
    });
    // Changing the case of its own address is fine.
    const recased = await patch(owner, a.id, { email: 'First@Example.com' });
    expect(recased.json()).toMatchObject({ email: 'First@example.com' });
  });

  it('deletes a contact with its activity; unknown ids are 404', async () => {
    const owner = await t.register();
    const { id } = (await upsert(owner, { email: 'gone@example.com' })).json() as Contact;
    const del = await t.call(owner.accessToken, {
      method: 'DELETE',
      url: `/api/v1/contacts/${id}`,
    });
    expect(del.statusCode).toBe(204);
    expect((await get(owner, id)).statusCode).toBe(404);
    expect(
      (await t.call(owner.accessToken, { method: 'DELETE', url: `/api/v1/contacts/${id}` }))
        .statusCode,
    ).toBe(404);
    expect((await patch(owner, id, { firstName: 'x' })).statusCode).toBe(404);
    const db = t.database.db;
    expect(await db.select().from(contacts).where(eq(contacts.id, id))).toEqual([]);
    expect(
      await db.select().from(contactActivities).where(eq(contactActivities.contactId, id)),
    ).toEqual([]);
  });

  it('stores a suppressed address as blocked whatever status is asked for', async () => {
    const owner = await t.register();
    const sup = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/suppressions',
      payload: { email: 'Blocked@Example.com', reason: 'complaint' },
    });
    expect(sup.statusCode).toBe(201);

    const created = await upsert(owner, { email: 'BLOCKED@example.com', status: 'subscribed' });
    expect(created.statusCode).toBe(201);
    const contact = created.json() as Contact;
    expect(contact.status).toBe('blocked');

    for (const res of [
      await patch(owner, contact.id, { status: 'subscribed' }),
      await upsert(owner, { email: 'blocked@example.com', status: 'subscribed' }),
    ]) {
      expect(res.statusCode).toBe(200);
      expect((res.json() as Contact).status).toBe('blocked');
    }

    // Moving a contact onto a suppressed address blocks it too.
    const other = (await upsert(owner, { email: 'free@example.com' })).json() as Contact;
    await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/suppressions',
      payload: { email: 'moved@example.com', reason: 'bounce' },
    });
    const moved = await patch(owner, other.id, { email: 'Moved@example.com' });
    expect(moved.json()).toMatchObject({ status: 'blocked' });
  });

  it('a viewer reads but cannot write; nothing changes', async () => {
    const owner = await t.register();
    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    const { id } = (await upsert(owner, { email: 'ro@example.com' })).json() as Contact;
    expect((await get(viewer, id)).statusCode).toBe(200);
    expect((await upsert(viewer, { email: 'new@example.com' })).statusCode).toBe(403);
    expect((await patch(viewer, id, { firstName: 'x' })).statusCode).toBe(403);
    expect((await all(owner)).map((c) => [c.email, c.firstName])).toEqual([
      ['ro@example.com', null],
    ]);
  });
});
