import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { suppressions } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface Suppression {
  id: string;
  email: string;
  reason: string;
}

describe('suppressions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const call = (s: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.call(s.accessToken, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const suppress = (s: Session, email: string, reason = 'complaint') =>
    call(s, 'POST', '/suppressions', { email, reason });
  const listed = async (s: Session, query = '') =>
    ((await call(s, 'GET', `/suppressions?limit=200${query}`)).json() as { items: Suppression[] })
      .items;

  it('stores addresses lowercased and upserts: 201 then 200 with the new reason', async () => {
    const owner = await t.register();
    const first = await suppress(owner, '  Bounce.Me@Example.COM ', 'hard bounce');
    expect(first.statusCode).toBe(201);
    const created = first.json() as Suppression;
    expect(created).toMatchObject({ email: 'bounce.me@example.com', reason: 'hard bounce' });
    const again = await suppress(owner, 'BOUNCE.ME@example.com', 'complaint');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      id: created.id,
      email: 'bounce.me@example.com',
      reason: 'complaint',
    });
    expect((await listed(owner)).map((s) => s.id)).toEqual([created.id]);
  });

  it('blocks an existing contact at once and records why', async () => {
    const owner = await t.register();
    const contact = (
      await call(owner, 'POST', '/contacts', { email: 'Later@Example.com' })
    ).json() as { id: string };
    await suppress(owner, 'later@example.com');
    const after = await call(owner, 'GET', `/contacts/${contact.id}`);
    expect(after.json()).toMatchObject({ status: 'blocked' });
    const timeline = await call(owner, 'GET', `/contacts/${contact.id}/timeline`);
    expect((timeline.json() as { items: { data: unknown }[] }).items[0]!.data).toEqual({
      from: 'subscribed',
      to: 'blocked',
      source: 'suppression',
    });

    // Another organization's suppression of the same address changes nothing here.
    const other = await t.register();
    const mine = (
      await call(other, 'POST', '/contacts', { email: 'shared@example.com' })
    ).json() as { id: string };
    await suppress(owner, 'shared@example.com');
    expect((await call(other, 'GET', `/contacts/${mine.id}`)).json()).toMatchObject({
      status: 'subscribed',
    });

    // Lifting the suppression leaves the contact blocked until someone decides otherwise.
    const entry = (await listed(owner, '&search=later')).at(0)!;
    expect((await call(owner, 'DELETE', `/suppressions/${entry.id}`)).statusCode).toBe(204);
    expect((await call(owner, 'GET', `/contacts/${contact.id}`)).json()).toMatchObject({
      status: 'blocked',
    });
    expect((await call(owner, 'DELETE', `/suppressions/${entry.id}`)).statusCode).toBe(404);
  });

  it('searches by prefix and pages in address order', async () => {
    const owner = await t.register();
    const emails = Array.from({ length: 9 }, (_, i) => `p${i}@example.com`).concat(
      'other@example.com',
    );
    for (const email of emails) await suppress(owner, email);
    expect((await listed(owner, '&search=P')).map((s) => s.email)).toHaveLength(9);
    expect((await listed(owner, '&search=p3@')).map((s) => s.email)).toEqual(['p3@example.com']);
    expect(await listed(owner, '&search=%25')).toEqual([]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        owner,
        'GET',
        `/suppressions?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = res.json() as { items: Suppression[]; nextCursor: string | null };
      seen.push(...page.items.map((s) => s.email));
      cursor = page.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual([...emails].sort());
    expect(new Set(seen).size).toBe(emails.length);
  });

  it('refuses bad input, viewers and other organizations, storing nothing', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    const entry = (await suppress(owner, 'kept@example.com')).json() as Suppression;
    const cases: [Session, 'POST' | 'DELETE', string, object | undefined, number][] = [
      [owner, 'POST', '/suppressions', { email: 'nope', reason: 'x' }, 400],
      [owner, 'POST', '/suppressions', { email: 'a@example.com' }, 400],
      [owner, 'POST', '/suppressions', { email: 'a@example.com', reason: '  ' }, 400],
      [
        owner,
        'POST',
        '/suppressions',
        { email: 'a@example.com', reason: 'x', orgId: stranger.organization.id },
        400,
      ],
      [viewer, 'POST', '/suppressions', { email: 'a@example.com', reason: 'x' }, 403],
      [viewer, 'DELETE', `/suppressions/${entry.id}`, undefined, 403],
      [stranger, 'DELETE', `/suppressions/${entry.id}`, undefined, 404],
    ];
    for (const [who, method, url, payload, status] of cases) {
      expect(
        (await call(who, method, url, payload)).statusCode,
        `${method} ${url} ${JSON.stringify(payload)}`,
      ).toBe(status);
    }
    const rows = await t.database.db
      .select({ email: suppressions.email })
      .from(suppressions)
      .where(and(eq(suppressions.orgId, owner.organization.id)));
    expect(rows).toEqual([{ email: 'kept@example.com' }]);
    expect(await listed(stranger)).toEqual([]);
    expect((await listed(viewer)).map((s) => s.id)).toEqual([entry.id]);
  });
});
