import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKeys } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { basic, countEvents, createWriteKey, eventsOf, send } from './events.fixtures.js';

const track = (event = 'Signed Up', extra: object = {}) => ({
  userId: 'user-1',
  event,
  properties: { plan: 'pro' },
  ...extra,
});

describe('event API authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { EVENTS_RATE_LIMIT_PER_SECOND: '3' } });
  });
  afterAll(() => t.close());

  it('write keys are admin-only, shown once, stored hashed, listed by prefix and revocable', async () => {
    const owner = await t.register();
    const editor = await t.memberOf(owner.organization.id, 'editor');
    const refused = await t.call(editor.accessToken, {
      method: 'POST',
      url: '/api/v1/write-keys',
      payload: { name: 'Website' },
    });
    expect(refused.statusCode).toBe(403);

    const created = await createWriteKey(t, owner);
    expect(created.key).toMatch(/^wk_[\w-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const [row] = await t.database.db.select().from(writeKeys).where(eq(writeKeys.id, created.id));
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);

    expect((await send(t, created.key, '/v1/track', track())).statusCode).toBe(200);
    const list = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/write-keys' });
    const items = (list.json() as { items: Record<string, unknown>[] }).items;
    expect(items).toEqual([
      expect.objectContaining({ id: created.id, name: 'Website', prefix: created.prefix }),
    ]);
    expect(items[0]!.lastUsedAt).not.toBeNull();
    expect(list.body).not.toContain(created.key);

    const revoke = () =>
      t.call(owner.accessToken, { method: 'DELETE', url: `/api/v1/write-keys/${created.id}` });
    expect((await revoke()).statusCode).toBe(204);
    expect((await revoke()).statusCode).toBe(404);
    const after = await send(t, created.key, '/v1/track', track('After revoke'));
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toContain('application/problem+json');
    expect((await eventsOf(t, owner.organization.id)).map((e) => e.name)).toEqual(['Signed Up']);
  });

  it('accepts HTTP Basic write keys on Segment paths and /api/v1, and editor API keys', async () => {
    const owner = await t.register();
    const { key } = await createWriteKey(t, owner);
    expect((await send(t, key, '/v1/track', track('A'))).json()).toEqual({
      success: true,
      accepted: 1,
      rejected: [],
    });
    expect((await send(t, key, '/api/v1/track', track('B'))).statusCode).toBe(200);

    const editorKey = await t.apiKey(owner, 'editor');
    const viaApiKey = await t.call(editorKey.key, {
      method: 'POST',
      url: '/api/v1/batch',
      payload: { batch: [{ type: 'track', ...track('C') }] },
    });
    expect(viaApiKey.statusCode).toBe(200);
    const viewerKey = await t.apiKey(owner, 'viewer');
    const viewer = await t.call(viewerKey.key, {
      method: 'POST',
      url: '/v1/track',
      payload: track('D'),
    });
    expect(viewer.statusCode).toBe(403);
    expect((await eventsOf(t, owner.organization.id)).map((e) => e.name)).toEqual(['A', 'B', 'C']);
  });

  it('refuses missing, unknown, malformed and other kinds of credentials with 401', async () => {
    const owner = await t.register();
    const cases: (string | undefined)[] = [
      undefined,
      basic('wk_not-a-real-key'),
      basic(''),
      'Basic !!!',
      'Bearer hk_not-a-real-key',
      'Bearer not.a.jwt',
      `Digest ${'x'.repeat(20)}`,
    ];
    for (const authorization of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: authorization ? { authorization } : {},
        payload: { batch: [{ type: 'track', ...track() }] },
      });
      expect(res.statusCode, authorization).toBe(401);
    }
    expect(await countEvents(t, owner.organization.id)).toBe(0);
  });

  it('takes analytics.js requests: text/plain JSON with the write key in the body, short paths, CORS', async () => {
    const owner = await t.register();
    const { key } = await createWriteKey(t, owner);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/t',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
      payload: JSON.stringify({ ...track('Viewed Product'), type: 'track', writeKey: key }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const batched = await t.app.inject({
      method: 'POST',
      url: '/v1/b',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        batch: [{ type: 'page', name: 'Pricing', userId: 'u', writeKey: key }],
      }),
    });
    expect(batched.statusCode).toBe(200);
    const noKey = await t.app.inject({
      method: 'POST',
      url: '/v1/t',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify(track()),
    });
    expect(noKey.statusCode).toBe(401);
    const rows = await eventsOf(t, owner.organization.id);
    expect(rows.map((e) => [e.type, e.name])).toEqual([
      ['track', 'Viewed Product'],
      ['page', 'Pricing'],
    ]);

    const settings = await t.app.inject({ method: 'GET', url: `/v1/projects/${key}/settings` });
    expect(settings.json()).toMatchObject({
      integrations: { 'Segment.io': { apiKey: key, apiHost: 'herald.test/v1', protocol: 'http' } },
    });
    const unknown = await t.app.inject({ method: 'GET', url: '/v1/projects/wk_nope/settings' });
    expect(unknown.statusCode).toBe(401);
  });

  it('inflates gzip bodies and refuses broken ones with 400', async () => {
    const owner = await t.register();
    const { key } = await createWriteKey(t, owner);
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', ...track('Zipped') }] }));
    const res = await send(t, key, '/v1/batch', body, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(200);
    const broken = await send(t, key, '/v1/batch', Buffer.from('not gzip at all'), {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(broken.statusCode).toBe(400);
    const deflate = await send(t, key, '/v1/batch', body, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
    });
    expect(deflate.statusCode).toBe(415);
    expect((await eventsOf(t, owner.organization.id)).map((e) => e.name)).toEqual(['Zipped']);
  });

  it('limits requests per write key with 429 and Retry-After', async () => {
    const owner = await t.register();
    const { key } = await createWriteKey(t, owner);
    const other = await createWriteKey(t, owner, 'App');
    // 3 per second in fixed windows: 8 quick requests span at most two windows.
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await send(t, key, '/v1/track', track(`E${i}`)));
    const limited = answers.filter((r) => r.statusCode === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited[0]!.json()).toMatchObject({ code: 'rate_limited' });
    expect(await countEvents(t, owner.organization.id)).toBe(8 - limited.length);
    // Another key has its own budget.
    expect((await send(t, other.key, '/v1/track', track('Other'))).statusCode).toBe(200);
  });
});
