import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { contactActivities, contacts, listMembers, suppressions } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { createWriteKey, eventsOf, send } from '../events/events.fixtures.js';

interface Contact {
  id: string;
  email: string;
  status: string;
}

describe('data-subject requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function contactInList(owner: Session, email: string) {
    const contact = (
      await t.call(owner.accessToken, {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: { email, firstName: 'Erin', attributes: { plan: 'pro' } },
      })
    ).json() as Contact;
    const list = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/lists',
      payload: { name: 'Newsletter' },
    });
    const listId = (list.json() as { id: string }).id;
    await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/lists/${listId}/members`,
      payload: { contactIds: [contact.id] },
    });
    return { contact, listId };
  }
  const erase = (s: Session, id: string, payload?: object) =>
    t.call(s.accessToken, {
      method: 'POST',
      url: `/api/v1/contacts/${id}/erase`,
      ...(payload ? { payload } : {}),
    });
  const held = async (s: Session, contactId: string, email: string) => {
    const db = t.database.db;
    return {
      contacts: await db.select().from(contacts).where(eq(contacts.id, contactId)),
      members: await db.select().from(listMembers).where(eq(listMembers.contactId, contactId)),
      activities: await db
        .select()
        .from(contactActivities)
        .where(eq(contactActivities.contactId, contactId)),
      suppressions: await db
        .select()
        .from(suppressions)
        .where(and(eq(suppressions.orgId, s.organization.id), eq(suppressions.email, email))),
    };
  };

  it('returns everything held about a contact', async () => {
    const owner = await t.register();
    const { contact, listId } = await contactInList(owner, 'erin@example.com');
    await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/suppressions',
      payload: { email: 'Erin@Example.com', reason: 'complaint' },
    });
    const res = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/contacts/${contact.id}/data`,
    });
    expect(res.statusCode).toBe(200);
    const data = res.json() as Record<string, unknown>;
    expect(data).toMatchObject({
      contact: {
        id: contact.id,
        email: 'erin@example.com',
        firstName: 'Erin',
        status: 'blocked',
        attributes: { plan: 'pro' },
      },
      lists: [{ id: listId, name: 'Newsletter' }],
      activities: [
        { type: 'created' },
        {
          type: 'status_changed',
          data: { from: 'subscribed', to: 'blocked', source: 'suppression' },
        },
      ],
      suppression: { email: 'erin@example.com', reason: 'complaint' },
    });

    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    expect(
      (
        await t.call(viewer.accessToken, {
          method: 'GET',
          url: `/api/v1/contacts/${contact.id}/data`,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('includes the contact’s event API events in the export, and erasure deletes them', async () => {
    const owner = await t.register();
    const { contact } = await contactInList(owner, 'tracked@example.com');
    const { key } = await createWriteKey(t, owner);
    const tracked = await send(t, key, '/v1/batch', {
      batch: [
        { type: 'identify', userId: 'u-7', traits: { email: 'tracked@example.com' } },
        { type: 'track', userId: 'u-7', event: 'Order Completed', properties: { total: 42 } },
      ],
    });
    expect(tracked.statusCode, tracked.body).toBe(200);
    const data = (
      await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/contacts/${contact.id}/data` })
    ).json() as { trackedEvents: Record<string, unknown>[]; flowRuns: unknown[] };
    expect(data.trackedEvents).toMatchObject([
      { type: 'identify', userId: 'u-7' },
      { type: 'track', name: 'Order Completed', properties: { total: 42 } },
    ]);
    expect(data.flowRuns).toEqual([]);

    expect((await erase(owner, contact.id)).statusCode).toBe(204);
    expect(await eventsOf(t, owner.organization.id)).toEqual([]);
  });

  it('erases the contact, its memberships and activity, keeping nothing personal', async () => {
    const owner = await t.register();
    const { contact, listId } = await contactInList(owner, 'forget.me@example.com');
    expect((await erase(owner, contact.id)).statusCode).toBe(204);
    expect(await held(owner, contact.id, 'forget.me@example.com')).toEqual({
      contacts: [],
      members: [],
      activities: [],
      suppressions: [],
    });
    const list = await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/lists/${listId}` });
    expect(list.json()).toMatchObject({ memberCount: 0 });
    expect((await erase(owner, contact.id)).statusCode).toBe(404);
  });

  it('with suppress, keeps the address suppressed after the contact is gone', async () => {
    const owner = await t.register();
    const { contact } = await contactInList(owner, 'Never.Again@Example.com');
    expect((await erase(owner, contact.id, { suppress: true })).statusCode).toBe(204);
    const after = await held(owner, contact.id, 'never.again@example.com');
    expect(after.contacts).toEqual([]);
    expect(after.activities).toEqual([]);
    expect(after.suppressions).toMatchObject([
      { orgId: owner.organization.id, email: 'never.again@example.com', reason: 'erasure request' },
    ]);

    // Coming back through the API, the address is blocked.
    const again = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: 'never.again@example.com', status: 'subscribed' },
    });
    expect(again.json()).toMatchObject({ status: 'blocked' });
    // An existing suppression keeps its reason.
    const second = again.json() as Contact;
    expect((await erase(owner, second.id, { suppress: true })).statusCode).toBe(204);
    expect((await held(owner, second.id, 'never.again@example.com')).suppressions).toMatchObject([
      { reason: 'erasure request' },
    ]);
  });

  it('refuses editors, bad bodies and other organizations, erasing nothing', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const { contact } = await contactInList(owner, 'keep@example.com');
    const editor = await t.memberOf(owner.organization.id, 'editor');
    expect((await erase(editor, contact.id)).statusCode).toBe(403);
    expect((await erase(owner, contact.id, { suppress: 'yes' })).statusCode).toBe(400);
    expect((await erase(owner, contact.id, { suppress: true, extra: 1 })).statusCode).toBe(400);
    expect((await erase(stranger, contact.id, { suppress: true })).statusCode).toBe(404);
    const after = await held(owner, contact.id, 'keep@example.com');
    expect(after.contacts).toHaveLength(1);
    expect(after.members).toHaveLength(1);
    expect(after.suppressions).toEqual([]);
  });
});
