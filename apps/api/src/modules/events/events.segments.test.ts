import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { parseSegmentDefinition } from '../segments/segment.definition.js';
import { createWriteKey, send } from './events.fixtures.js';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

describe('segment conditions on events', () => {
  let t: TestApp;
  let s: Session;
  const domain = `@events-${Date.now().toString(36)}.example`;
  const email = (name: string) => `${name}${domain}`;

  beforeAll(async () => {
    t = await createTestApp();
    s = await t.register();
    const other = await t.register();
    const key = (await createWriteKey(t, s)).key;
    const otherKey = (await createWriteKey(t, other)).key;
    const order = (userId: string, ago: number, properties: object = {}) => ({
      type: 'track',
      userId,
      event: 'Order Completed',
      timestamp: daysAgo(ago),
      properties,
    });
    const identify = (userId: string) => ({
      type: 'identify',
      userId,
      traits: { email: email(userId) },
    });
    const res = await send(t, key, '/v1/batch', {
      batch: [
        ...['ann', 'bob', 'cid', 'dee'].map(identify),
        order('ann', 1, { total: 10, plan: 'pro' }),
        order('ann', 2, { total: 50, plan: 'pro' }),
        order('ann', 40, { total: 120, order: { coupon: 'WINTER' } }),
        { type: 'track', userId: 'ann', event: 'Logged In', timestamp: daysAgo(100) },
        order('bob', 10, { total: 5, coupon: 'SUMMER-24' }),
        { type: 'track', userId: 'cid', event: 'Logged In', timestamp: daysAgo(2) },
        // A page view with the same name is not a track event and never counts.
        { type: 'page', userId: 'cid', name: 'Order Completed', timestamp: daysAgo(1) },
        order('dee', 200, { total: '75' }),
        order('dee', 201, { total: 'n/a' }),
      ],
    });
    expect(res.json()).toMatchObject({ rejected: [] });
    // Another organization with a big spender of the same name: never counted here.
    await send(t, otherKey, '/v1/batch', {
      batch: [identify('ann'), ...Array.from({ length: 5 }, () => order('ann', 1, { total: 999 }))],
    });
  });
  afterAll(() => t.close());

  async function matches(definition: unknown): Promise<string[]> {
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/segments/preview',
      payload: { definition },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { count: number; sample: { email: string }[] };
    expect(body.sample).toHaveLength(body.count);
    return body.sample.map((c) => c.email.replace(domain, '')).sort();
  }
  const orders = (extra: object) => ({ event: 'Order Completed', ...extra });

  it('counts at least / at most / exactly N times', async () => {
    expect(await matches(orders({ op: 'at_least', count: 1 }))).toEqual(['ann', 'bob', 'dee']);
    expect(await matches(orders({ op: 'at_least', count: 2 }))).toEqual(['ann', 'dee']);
    expect(await matches(orders({ op: 'at_least', count: 3 }))).toEqual(['ann']);
    expect(await matches(orders({ op: 'at_least', count: 4 }))).toEqual([]);
    expect(await matches(orders({ op: 'at_most', count: 1 }))).toEqual(['bob', 'cid']);
    expect(await matches(orders({ op: 'at_most', count: 0 }))).toEqual(['cid']);
    expect(await matches(orders({ op: 'exactly', count: 0 }))).toEqual(['cid']);
    expect(await matches(orders({ op: 'exactly', count: 1 }))).toEqual(['bob']);
    expect(await matches(orders({ op: 'exactly', count: 2 }))).toEqual(['dee']);
    expect(await matches({ not: orders({ op: 'at_least', count: 1 }) })).toEqual(['cid']);
  });

  it('counts only the last D days when asked', async () => {
    expect(await matches(orders({ op: 'at_least', count: 2, withinDays: 30 }))).toEqual(['ann']);
    expect(await matches(orders({ op: 'at_least', count: 1, withinDays: 30 }))).toEqual([
      'ann',
      'bob',
    ]);
    expect(await matches(orders({ op: 'exactly', count: 0, withinDays: 30 }))).toEqual([
      'cid',
      'dee',
    ]);
  });

  it('filters on properties: equals, not equals, contains, greater / less than, nested keys', async () => {
    const where = (...filters: object[]) => orders({ op: 'at_least', count: 1, where: filters });
    expect(await matches(where({ property: 'total', op: 'gt', value: 40 }))).toEqual([
      'ann',
      'dee',
    ]);
    expect(await matches(where({ property: 'total', op: 'lte', value: 10 }))).toEqual([
      'ann',
      'bob',
    ]);
    expect(await matches(where({ property: 'total', op: 'eq', value: 75 }))).toEqual(['dee']);
    expect(await matches(where({ property: 'plan', op: 'eq', value: 'pro' }))).toEqual(['ann']);
    expect(
      await matches(
        orders({ op: 'at_least', count: 2, where: [{ property: 'plan', op: 'eq', value: 'pro' }] }),
      ),
    ).toEqual(['ann']);
    expect(await matches(where({ property: 'plan', op: 'neq', value: 'pro' }))).toEqual([
      'ann',
      'bob',
      'dee',
    ]);
    expect(await matches(where({ property: 'coupon', op: 'contains', value: 'summer' }))).toEqual([
      'bob',
    ]);
    expect(await matches(where({ property: 'order.coupon', op: 'eq', value: 'WINTER' }))).toEqual([
      'ann',
    ]);
    expect(
      await matches(
        where(
          { property: 'total', op: 'gte', value: 10 },
          { property: 'total', op: 'lt', value: 100 },
        ),
      ),
    ).toEqual(['ann', 'dee']);
  });

  it('compares the last time an event happened with a date or N days ago', async () => {
    expect(await matches(orders({ op: 'last_before', daysAgo: 30 }))).toEqual(['dee']);
    expect(await matches(orders({ op: 'last_after', daysAgo: 30 }))).toEqual(['ann', 'bob']);
    expect(await matches(orders({ op: 'last_after', date: daysAgo(5).slice(0, 10) }))).toEqual([
      'ann',
    ]);
    expect(await matches(orders({ op: 'last_before', date: '2000-01-01' }))).toEqual([]);
    expect(await matches({ event: 'Logged In', op: 'last_before', daysAgo: 50 })).toEqual(['ann']);
    expect(
      await matches({
        all: [
          orders({ op: 'last_after', daysAgo: 30 }),
          { event: 'Logged In', op: 'at_most', count: 0 },
        ],
      }),
    ).toEqual(['bob']);
  });

  it('refuses malformed event conditions with the path of each problem', async () => {
    const parse = (d: unknown) => parseSegmentDefinition(d, { fieldTypes: new Map() });
    const bad = parse({
      all: [
        { event: 'X', op: 'at_least', count: 0 },
        { event: '', op: 'exactly', count: 1 },
        { event: 'X', op: 'last_before', date: '2024-01-01', daysAgo: 3 },
        { event: 'X', op: 'last_after' },
        { event: 'X', op: 'at_least', count: 1, where: [{ property: 'a', op: 'like', value: 1 }] },
        {
          event: 'X',
          op: 'at_least',
          count: 1,
          where: [{ property: 'a', op: 'gt', value: 'big' }],
        },
        { event: 'X', op: 'at_least', count: 1, withinDays: 0 },
        { event: 'X', op: 'sometimes' },
        { event: 'X', op: 'at_least', count: 1, date: '2024-01-01' },
      ],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => e.path)).toEqual([
      'definition.all.0.count',
      'definition.all.1.event',
      'definition.all.2.date',
      'definition.all.3.date',
      'definition.all.4.where.0.op',
      'definition.all.5.where.0.value',
      'definition.all.6.withinDays',
      'definition.all.7.op',
      'definition.all.8.date',
    ]);
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/segments',
      payload: { name: 'Broken', definition: { event: 'X', op: 'at_least', count: -1 } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ errors: [{ path: 'definition.count' }] });
  });
});
