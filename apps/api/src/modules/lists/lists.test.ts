import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { contacts, listMembers } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface List {
  id: string;
  name: string;
  description: string | null;
  memberCount: number;
}

describe('lists', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const call = (
    s: Session,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => t.call(s.accessToken, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const contact = async (s: Session) =>
    (
      (await call(s, 'POST', '/contacts', { email: `m-${uuidv7()}@example.com` })).json() as {
        id: string;
      }
    ).id;
  const newList = async (s: Session, name = 'Customers') =>
    (await call(s, 'POST', '/lists', { name, description: 'Paying' })).json() as List;

  it('creates, reads, renames, lists with member counts and deletes lists', async () => {
    const owner = await t.register();
    const created = await call(owner, 'POST', '/lists', {
      name: '  Customers ',
      description: 'Paying',
    });
    expect(created.statusCode).toBe(201);
    const list = created.json() as List;
    expect(list).toMatchObject({ name: 'Customers', description: 'Paying', memberCount: 0 });

    const renamed = await call(owner, 'PATCH', `/lists/${list.id}`, {
      name: 'Clients',
      description: null,
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: list.id, name: 'Clients', description: null });
    const a = await contact(owner);
    await call(owner, 'POST', `/lists/${list.id}/members`, { contactIds: [a] });
    expect((await call(owner, 'GET', `/lists/${list.id}`)).json()).toMatchObject({
      memberCount: 1,
    });

    const second = await newList(owner, 'Leads');
    const page = (await call(owner, 'GET', '/lists')).json() as { items: List[] };
    expect(page.items.map((l) => [l.name, l.memberCount])).toEqual([
      ['Leads', 0],
      ['Clients', 1],
    ]);

    expect((await call(owner, 'DELETE', `/lists/${list.id}`)).statusCode).toBe(204);
    expect((await call(owner, 'GET', `/lists/${list.id}`)).statusCode).toBe(404);
    expect((await call(owner, 'DELETE', `/lists/${list.id}`)).statusCode).toBe(404);
    // Its contacts stay.
    expect((await call(owner, 'GET', `/contacts/${a}`)).statusCode).toBe(200);
    expect(
      ((await call(owner, 'GET', '/lists')).json() as { items: List[] }).items.map((l) => l.id),
    ).toEqual([second.id]);
  });

  it('refuses to delete a list a segment tests, naming the segment', async () => {
    const owner = await t.register();
    const list = await newList(owner, 'Members');
    const seg = await call(owner, 'POST', '/segments', {
      name: 'On the list',
      definition: { list: list.id, op: 'in' },
    });
    expect(seg.statusCode).toBe(201);
    const refused = await call(owner, 'DELETE', `/lists/${list.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('On the list');
    expect((await call(owner, 'GET', `/lists/${list.id}`)).statusCode).toBe(200);
  });

  it('pages through lists newest first', async () => {
    const owner = await t.register();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await newList(owner, `L${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(owner, 'GET', `/lists?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as { items: List[]; nextCursor: string | null };
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it('adds members idempotently and skips contacts of other organizations', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const list = await newList(owner);
    const [a, b] = [await contact(owner), await contact(owner)];
    const theirs = await contact(stranger);

    const added = await call(owner, 'POST', `/lists/${list.id}/members`, {
      contactIds: [a, b, a, theirs, uuidv7()],
    });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({ added: 2 });
    expect(
      (await call(owner, 'POST', `/lists/${list.id}/members`, { contactIds: [a, b] })).json(),
    ).toEqual({
      added: 0,
    });
    const rows = await t.database.db
      .select()
      .from(listMembers)
      .where(eq(listMembers.listId, list.id));
    expect(rows.map((r) => r.contactId).sort()).toEqual([a, b].sort());
    expect(rows.every((r) => r.orgId === owner.organization.id)).toBe(true);

    const removed = await call(owner, 'DELETE', `/lists/${list.id}/members`, {
      contactIds: [a, theirs],
    });
    expect(removed.json()).toEqual({ removed: 1 });
    expect((await call(owner, 'GET', `/lists/${list.id}`)).json()).toMatchObject({
      memberCount: 1,
    });
    // Deleting a contact removes its membership.
    await call(owner, 'DELETE', `/contacts/${b}`);
    expect((await call(owner, 'GET', `/lists/${list.id}`)).json()).toMatchObject({
      memberCount: 0,
    });
  });

  it('refuses bad input, other organizations and viewers, changing nothing', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const list = await newList(owner);
    const a = await contact(owner);
    await call(owner, 'POST', `/lists/${list.id}/members`, { contactIds: [a] });

    const failures: [Session, 'POST' | 'PATCH' | 'DELETE', string, object | undefined, number][] = [
      [owner, 'POST', '/lists', { name: '' }, 400],
      [owner, 'POST', '/lists', { name: 'x'.repeat(201) }, 400],
      [owner, 'PATCH', `/lists/${list.id}`, { name: '   ' }, 400],
      [owner, 'PATCH', `/lists/${list.id}`, { memberCount: 5 }, 400],
      [owner, 'POST', `/lists/${list.id}/members`, { contactIds: [] }, 400],
      [owner, 'POST', `/lists/${list.id}/members`, { contactIds: ['x'] }, 400],
      [
        owner,
        'POST',
        `/lists/${list.id}/members`,
        { contactIds: Array.from({ length: 1001 }, () => uuidv7()) },
        400,
      ],
      [owner, 'DELETE', `/lists/${list.id}/members`, undefined, 400],
      [owner, 'POST', `/lists/${uuidv7()}/members`, { contactIds: [a] }, 404],
      [stranger, 'PATCH', `/lists/${list.id}`, { name: 'Mine' }, 404],
      [stranger, 'DELETE', `/lists/${list.id}/members`, { contactIds: [a] }, 404],
      [stranger, 'DELETE', `/lists/${list.id}`, undefined, 404],
    ];
    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    failures.push([viewer, 'DELETE', `/lists/${list.id}`, undefined, 403]);
    for (const [who, method, url, payload, status] of failures) {
      const res = await call(who, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(status);
    }
    expect((await call(owner, 'GET', `/lists/${list.id}`)).json()).toMatchObject({
      name: 'Customers',
      memberCount: 1,
    });
    expect(
      await t.database.db.select().from(contacts).where(eq(contacts.orgId, owner.organization.id)),
    ).toHaveLength(1);
    expect(((await call(owner, 'GET', '/lists')).json() as { items: List[] }).items).toHaveLength(
      1,
    );
  });
});
