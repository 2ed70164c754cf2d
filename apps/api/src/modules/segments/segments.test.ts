import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { contacts } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { parseSegmentDefinition } from './segment.definition.js';

describe('segment definitions', () => {
  const parse = (d: unknown) =>
    parseSegmentDefinition(d, { fieldTypes: new Map([['score', 'number']]) });

  it('accepts nested all/any/not trees over every kind of condition', () => {
    const result = parse({
      all: [
        { field: 'email', op: 'ends_with', value: '@example.com' },
        {
          any: [
            { tag: 'vip', op: 'has' },
            { attribute: 'score', op: 'between', value: [1, 5] },
          ],
        },
        { not: { field: 'status', op: 'in', value: ['bounced', 'blocked'] } },
        { field: 'createdAt', op: 'within_last', value: 30 },
        { list: uuidv7(), op: 'in' },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it('names the path of every bad node', () => {
    const result = parse({
      all: [
        { field: 'email', op: 'gt', value: 'x' },
        { any: [{ attribute: 'score', op: 'eq', value: 'ten' }] },
        { field: 'shoeSize', op: 'eq', value: 1 },
        { tag: 'vip', op: 'has', extra: true },
        'nonsense',
        { all: [] },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual([
      'definition.all.0.op',
      'definition.all.1.any.0.value',
      'definition.all.2.field',
      'definition.all.3.extra',
      'definition.all.4',
      'definition.all.5.all',
    ]);
  });

  it('bounds size and depth', () => {
    let deep: unknown = { tag: 'x', op: 'has' };
    for (let i = 0; i < 15; i++) deep = { not: deep };
    expect(parse(deep).ok).toBe(false);
    const wide = { any: Array.from({ length: 300 }, () => ({ tag: 'x', op: 'has' })) };
    expect(parse(wide).ok).toBe(false);
  });
});

describe('segments', () => {
  let t: TestApp;
  let s: Session;
  let other: Session;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    s = await t.register();
    other = await t.register();
    await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key: 'score', label: 'Score', type: 'number' },
    });
    await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key: 'renewal', label: 'Renewal', type: 'date' },
    });
    await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key: 'trial', label: 'Trial', type: 'boolean' },
    });
    const people = [
      {
        email: 'ana@example.com',
        firstName: 'Ana',
        tags: ['vip'],
        attributes: { score: 9, plan: 'pro', renewal: '2030-01-15', trial: false },
      },
      {
        email: 'bob@example.org',
        firstName: 'Bob',
        tags: ['beta'],
        attributes: { score: 3, plan: 'free', trial: true },
      },
      {
        email: 'cy@example.com',
        firstName: 'Cy',
        tags: [],
        attributes: { plan: 'pro_plus' },
        status: 'unsubscribed',
      },
      {
        email: 'di_x@example.net',
        lastName: 'Di',
        tags: ['vip', 'beta'],
        attributes: { score: 5, renewal: '2020-06-01' },
      },
    ];
    for (const p of people) {
      const res = await t.call(s.accessToken, {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: p,
      });
      expect(res.statusCode, res.body).toBe(201);
      ids[p.email] = (res.json() as { id: string }).id;
    }
    // The other organization has a look-alike who must never be counted.
    await t.call(other.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { email: 'ana@example.com', tags: ['vip'] },
    });
  });
  afterAll(() => t.close());

  async function matches(definition: unknown, session = s): Promise<string[]> {
    const res = await t.call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/segments/preview',
      payload: { definition },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { count: number; sample: { email: string }[] };
    expect(body.sample.length).toBe(Math.min(body.count, 10));
    return body.sample.map((c) => c.email).sort();
  }

  it('evaluates field, tag, status and attribute conditions in the database, typed by field definitions', async () => {
    expect(await matches({ field: 'email', op: 'ends_with', value: '@EXAMPLE.com' })).toEqual([
      'ana@example.com',
      'cy@example.com',
    ]);
    expect(await matches({ field: 'email', op: 'starts_with', value: 'di_' })).toEqual([
      'di_x@example.net',
    ]);
    expect(await matches({ field: 'email', op: 'contains', value: '_' })).toEqual([
      'di_x@example.net',
    ]);
    expect(await matches({ field: 'firstName', op: 'eq', value: 'ana' })).toEqual([
      'ana@example.com',
    ]);
    expect(await matches({ field: 'firstName', op: 'is_empty' })).toEqual(['di_x@example.net']);
    expect(await matches({ tag: 'vip', op: 'has' })).toEqual([
      'ana@example.com',
      'di_x@example.net',
    ]);
    expect(await matches({ tag: 'vip', op: 'has_not' })).toEqual([
      'bob@example.org',
      'cy@example.com',
    ]);
    expect(await matches({ field: 'status', op: 'neq', value: 'subscribed' })).toEqual([
      'cy@example.com',
    ]);
    expect(await matches({ attribute: 'score', op: 'gte', value: 5 })).toEqual([
      'ana@example.com',
      'di_x@example.net',
    ]);
    expect(await matches({ attribute: 'score', op: 'between', value: [3, 5] })).toEqual([
      'bob@example.org',
      'di_x@example.net',
    ]);
    expect(await matches({ attribute: 'score', op: 'eq', value: 9 })).toEqual(['ana@example.com']);
    expect(await matches({ attribute: 'plan', op: 'eq', value: 'pro' })).toEqual([
      'ana@example.com',
    ]);
    expect(await matches({ attribute: 'plan', op: 'starts_with', value: 'PRO' })).toEqual([
      'ana@example.com',
      'cy@example.com',
    ]);
    expect(await matches({ attribute: 'plan', op: 'in', value: ['free', 'pro_plus'] })).toEqual([
      'bob@example.org',
      'cy@example.com',
    ]);
    expect(await matches({ attribute: 'plan', op: 'exists' })).toEqual([
      'ana@example.com',
      'bob@example.org',
      'cy@example.com',
    ]);
    expect(await matches({ attribute: 'trial', op: 'eq', value: true })).toEqual([
      'bob@example.org',
    ]);
    expect(await matches({ attribute: 'renewal', op: 'gt', value: '2025-01-01' })).toEqual([
      'ana@example.com',
    ]);
    expect(await matches({ attribute: 'renewal', op: 'more_than_ago', value: 365 })).toEqual([
      'di_x@example.net',
    ]);
    expect(await matches({ field: 'createdAt', op: 'within_last', value: 1 })).toHaveLength(4);
  });

  it('combines all / any / not', async () => {
    const definition = {
      all: [
        {
          any: [
            { tag: 'vip', op: 'has' },
            { tag: 'beta', op: 'has' },
          ],
        },
        { not: { attribute: 'score', op: 'lt', value: 4 } },
      ],
    };
    expect(await matches(definition)).toEqual(['ana@example.com', 'di_x@example.net']);
  });

  it('uses list membership and other segments, and refuses cycles and foreign ids', async () => {
    const list = (
      await t.call(s.accessToken, {
        method: 'POST',
        url: '/api/v1/lists',
        payload: { name: 'Seg list' },
      })
    ).json() as { id: string };
    await t.call(s.accessToken, {
      method: 'POST',
      url: `/api/v1/lists/${list.id}/members`,
      payload: { contactIds: [ids['bob@example.org']] },
    });
    expect(await matches({ list: list.id, op: 'in' })).toEqual(['bob@example.org']);

    const vip = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/segments',
      payload: { name: 'VIP', definition: { tag: 'vip', op: 'has' } },
    });
    expect(vip.statusCode).toBe(201);
    const vipSeg = vip.json() as { id: string; cachedCount: number; countAgeSeconds: number };
    expect(vipSeg.cachedCount).toBe(2);
    expect(vipSeg.countAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(
      await matches({
        all: [
          { segment: vipSeg.id, op: 'in' },
          { field: 'email', op: 'ends_with', value: '.net' },
        ],
      }),
    ).toEqual(['di_x@example.net']);

    const outer = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/segments',
      payload: { name: 'Not VIP', definition: { segment: vipSeg.id, op: 'not_in' } },
    });
    const outerSeg = outer.json() as { id: string; cachedCount: number };
    expect(outerSeg.cachedCount).toBe(2);
    const cycle = await t.call(s.accessToken, {
      method: 'PATCH',
      url: `/api/v1/segments/${vipSeg.id}`,
      payload: { definition: { segment: outerSeg.id, op: 'in' } },
    });
    expect(cycle.statusCode).toBe(422);
    expect(cycle.json().errors[0]).toMatchObject({
      path: 'definition.segment.segment',
      message: 'circular segment reference',
    });

    const inUse = await t.call(s.accessToken, {
      method: 'DELETE',
      url: `/api/v1/segments/${vipSeg.id}`,
    });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().detail).toContain('Not VIP');

    // Another organization's list or segment ids are unknown here.
    const foreign = await t.call(other.accessToken, {
      method: 'POST',
      url: '/api/v1/segments/preview',
      payload: { definition: { any: [{ list: list.id, op: 'in' }] } },
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0].path).toBe('definition.any.0.list');
    expect(await matches({ tag: 'vip', op: 'has' }, other)).toEqual(['ana@example.com']);
  });

  it('keeps a cached count with its age and recounts on demand', async () => {
    const created = (
      await t.call(s.accessToken, {
        method: 'POST',
        url: '/api/v1/segments',
        payload: { name: 'Beta', definition: { tag: 'beta', op: 'has' } },
      })
    ).json() as { id: string; cachedCount: number };
    expect(created.cachedCount).toBe(2);
    await t.database.db
      .update(contacts)
      .set({ tags: ['beta'] })
      .where(eq(contacts.id, ids['cy@example.com']!));
    const stale = (
      await t.call(s.accessToken, { method: 'GET', url: `/api/v1/segments/${created.id}` })
    ).json() as { cachedCount: number };
    expect(stale.cachedCount).toBe(2);
    const fresh = await t.call(s.accessToken, {
      method: 'POST',
      url: `/api/v1/segments/${created.id}/count`,
    });
    expect((fresh.json() as { cachedCount: number }).cachedCount).toBe(3);
    await t.database.db
      .update(contacts)
      .set({ tags: [] })
      .where(eq(contacts.id, ids['cy@example.com']!));
  });

  it('answers 422 with paths for invalid rules and saves nothing', async () => {
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/segments',
      payload: {
        name: 'Broken',
        definition: { all: [{ attribute: 'score', op: 'contains', value: 'x' }] },
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { path: 'definition.all.0.op', message: expect.stringContaining('must be one of') },
    ]);
    const list = (
      await t.call(s.accessToken, { method: 'GET', url: '/api/v1/segments?limit=200' })
    ).json() as { items: { name: string }[] };
    expect(list.items.map((i) => i.name)).not.toContain('Broken');
  });
});
