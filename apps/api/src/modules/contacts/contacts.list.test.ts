import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { segments } from '../../db/schema/index.js';
import { encodeCursor } from '../../http/pagination.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface Contact {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: string;
  tags: string[];
  createdAt: string;
}
interface Page {
  items: Contact[];
  nextCursor: string | null;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov'];
const STATUSES = ['subscribed', 'unsubscribed', 'bounced'];

describe('listing contacts', () => {
  let t: TestApp;
  let owner: Session;
  let stranger: Session;
  let people: Contact[];

  beforeAll(async () => {
    t = await createTestApp();
    owner = await t.register();
    stranger = await t.register();
    people = [];
    for (let i = 0; i < 25; i++) {
      const res = await t.call(owner.accessToken, {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: {
          // Mixed case and a shared prefix make the email order and the prefix search meaningful.
          email: `${i % 2 ? 'User' : 'user'}${String(i).padStart(2, '0')}@List.test`,
          firstName: FIRST[i % 5],
          lastName: LAST[(i * 3) % 5],
          status: STATUSES[i % 3],
          tags: i % 4 === 0 ? ['vip'] : ['regular'],
        },
      });
      expect(res.statusCode).toBe(201);
      people.push(res.json() as Contact);
    }
    // Another organization's contacts never show up.
    await t.call(stranger.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: 'user99@list.test', firstName: 'Ada', tags: ['vip'] },
    });
  });
  afterAll(() => t.close());

  async function walk(session: Session, query: string, limit: number): Promise<Contact[]> {
    const seen: Contact[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res = await t.call(session.accessToken, {
        method: 'GET',
        url: `/api/v1/contacts?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as Page;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen.map((c) => c.id)).size, 'no contact twice').toBe(seen.length);
    return seen;
  }

  const byCreated = (a: Contact, b: Contact) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1;
  const byEmail = (a: Contact, b: Contact) =>
    a.email.toLowerCase() < b.email.toLowerCase() ? -1 : 1;
  const ids = (list: Contact[]) => list.map((c) => c.id);

  it('walks every page in each sort order, each contact once', async () => {
    const ascCreated = [...people].sort(byCreated);
    const ascEmail = [...people].sort(byEmail);
    expect(ids(await walk(owner, 'sort=created_at', 7))).toEqual(ids(ascCreated));
    expect(ids(await walk(owner, 'sort=-created_at', 7))).toEqual(ids(ascCreated).reverse());
    expect(ids(await walk(owner, '', 4))).toEqual(ids(ascCreated).reverse());
    expect(ids(await walk(owner, 'sort=email', 6))).toEqual(ids(ascEmail));
    expect(ids(await walk(owner, 'sort=-email', 6))).toEqual(ids(ascEmail).reverse());
  });

  it('keeps keyset pages exact when rows share a created_at to the microsecond', async () => {
    const org = await t.register();
    await t.database.db.execute(sql`
      insert into contacts (id, org_id, email)
      select gen_random_uuid(), ${org.organization.id}::uuid, 'same' || n || '@example.com'
      from generate_series(1, 10) n`);
    const walked = await walk(org, 'sort=-created_at', 3);
    expect(walked).toHaveLength(10);
    expect(ids(walked)).toEqual(ids([...walked].sort(byCreated).reverse()));
  });

  it('searches by email prefix or name prefix, case-insensitively', async () => {
    const search = async (q: string) =>
      (await walk(owner, `search=${encodeURIComponent(q)}&sort=email`, 50)).map((c) => c.email);
    expect(await search('USER1')).toEqual(
      people
        .filter((c) => /^user1/i.test(c.email))
        .sort(byEmail)
        .map((c) => c.email),
    );
    expect(await search('user07@list')).toEqual(['User07@list.test']);
    const named = (first: string | null, last: string | null) =>
      people
        .filter((c) => c.firstName === first || (last !== null && c.lastName === last))
        .sort(byEmail)
        .map((c) => c.email);
    expect(await search('gra')).toEqual(named('Grace', null));
    expect(await search('LOVE')).toEqual(named(null, 'Lovelace'));
    expect(await search('ada lov')).toEqual(
      people
        .filter((c) => c.firstName === 'Ada' && c.lastName === 'Lovelace')
        .sort(byEmail)
        .map((c) => c.email),
    );
    // LIKE wildcards are plain characters here.
    expect(await search('%')).toEqual([]);
    expect(await search('user_')).toEqual([]);
  });

  it('filters by status, tag, list and segment, combined and paged', async () => {
    const pick = (f: (c: Contact) => boolean) => ids(people.filter(f).sort(byCreated).reverse());
    expect(ids(await walk(owner, 'status=bounced', 2))).toEqual(
      pick((c) => c.status === 'bounced'),
    );
    expect(ids(await walk(owner, 'tag=vip', 2))).toEqual(pick((c) => c.tags.includes('vip')));
    expect(ids(await walk(owner, 'tag=vip&status=subscribed', 2))).toEqual(
      pick((c) => c.tags.includes('vip') && c.status === 'subscribed'),
    );

    const list = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/lists',
      payload: { name: 'Members' },
    });
    const listId = (list.json() as { id: string }).id;
    const members = people.slice(0, 9).map((c) => c.id);
    await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/lists/${listId}/members`,
      payload: { contactIds: members },
    });
    expect(ids(await walk(owner, `listId=${listId}`, 4))).toEqual(
      pick((c) => members.includes(c.id)),
    );
    expect(ids(await walk(owner, `listId=${listId}&status=subscribed`, 4))).toEqual(
      pick((c) => members.includes(c.id) && c.status === 'subscribed'),
    );

    const segmentId = uuidv7();
    await t.database.db.insert(segments).values({
      id: segmentId,
      orgId: owner.organization.id,
      name: 'VIPs',
      definition: { tag: 'vip', op: 'has' },
    });
    expect(ids(await walk(owner, `segmentId=${segmentId}`, 2))).toEqual(
      pick((c) => c.tags.includes('vip')),
    );
    expect(ids(await walk(owner, `segmentId=${segmentId}&listId=${listId}`, 2))).toEqual(
      pick((c) => c.tags.includes('vip') && members.includes(c.id)),
    );

    // Another organization cannot use these ids, and sees none of these contacts.
    for (const query of [`listId=${listId}`, `segmentId=${segmentId}`]) {
      const res = await t.call(stranger.accessToken, {
        method: 'GET',
        url: `/api/v1/contacts?${query}`,
      });
      expect(res.statusCode).toBe(404);
    }
    const theirs = await walk(stranger, 'tag=vip', 50);
    expect(theirs.map((c) => c.email)).toEqual(['user99@list.test']);
  });

  it('answers bad queries and forged cursors with a 400', async () => {
    for (const query of [
      'sort=name',
      'status=vip',
      'limit=0',
      'listId=not-a-uuid',
      `cursor=${encodeCursor(['not a timestamp', uuidv7()])}`,
      `cursor=${encodeCursor(['2024-01-01 00:00:00+00', 'not-a-uuid'])}`,
      `cursor=${encodeCursor([1, 2])}`,
      `sort=email&cursor=${encodeCursor(['x@example.com'])}`,
    ]) {
      const res = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/contacts?${query}`,
      });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const res = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/contacts?listId=${uuidv7()}`,
    });
    expect(res.statusCode).toBe(404);
  });
});
