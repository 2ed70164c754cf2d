import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is shown once, stored hashed, listed by prefix, authenticates with its role and records last use', async () => {
    const owner = await t.register();
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { name: 'CI', role: 'editor' },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as {
      id: string;
      key: string;
      prefix: string;
      lastUsedAt: string | null;
    };
    expect(created.key).toMatch(/^hk_[\w-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.lastUsedAt).toBeNull();

    const [row] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);

    const me = await t.call(created.key, { method: 'GET', url: '/api/v1/me' });
    expect(me.json()).toMatchObject({
      principal: 'apiKey',
      role: 'editor',
      user: null,
      organization: { id: owner.organization.id },
    });

    const list = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/api-keys' });
    const items = (list.json() as { items: Record<string, unknown>[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: created.id,
      name: 'CI',
      role: 'editor',
      prefix: created.prefix,
    });
    expect(items[0]!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(items)).not.toContain(created.key);
  });

  it('an editor key cannot manage keys, and nobody mints a key above their own role', async () => {
    const owner = await t.register();
    const editorKey = await t.apiKey(owner, 'editor');
    const adminKey = await t.apiKey(owner, 'admin');
    expect(
      (await t.call(editorKey.key, { method: 'GET', url: '/api/v1/api-keys' })).statusCode,
    ).toBe(403);
    const ownerKey = await t.call(adminKey.key, {
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { name: 'x', role: 'owner' },
    });
    expect(ownerKey.statusCode).toBe(400);
  });

  it('revoking stops the key at once and a second revoke is 404', async () => {
    const owner = await t.register();
    const key = await t.apiKey(owner, 'viewer');
    expect(
      (await t.call(owner.accessToken, { method: 'DELETE', url: `/api/v1/api-keys/${key.id}` }))
        .statusCode,
    ).toBe(204);
    expect((await t.call(key.key, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (await t.call(owner.accessToken, { method: 'DELETE', url: `/api/v1/api-keys/${key.id}` }))
        .statusCode,
    ).toBe(404);
    const list = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/api-keys' });
    expect((list.json() as { items: unknown[] }).items).toEqual([]);
  });
});
