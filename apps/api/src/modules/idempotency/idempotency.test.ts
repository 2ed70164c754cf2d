import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.register();
  });
  afterAll(() => t.close());

  const create = (key: string | undefined, payload: object, session = s) =>
    t.call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/api-keys',
      payload,
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('replays the first response for a retried create and creates one object', async () => {
    const first = await create('retry-1', { name: 'CI', role: 'viewer' });
    const second = await create('retry-1', { name: 'CI', role: 'viewer' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const rows = await t.database.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.orgId, s.organization.id));
    expect(rows.filter((r) => r.name === 'CI')).toHaveLength(1);
  });

  it('refuses the same key for a different request, and keys are per organization', async () => {
    await create('retry-2', { name: 'A', role: 'viewer' });
    const other = await create('retry-2', { name: 'B', role: 'viewer' });
    expect(other.statusCode).toBe(422);
    const elsewhere = await t.register();
    const theirs = await create('retry-2', { name: 'B', role: 'viewer' }, elsewhere);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });

  it('does not store validation failures, so a corrected retry goes through', async () => {
    const bad = await create('retry-3', { name: '', role: 'viewer' });
    expect(bad.statusCode).toBe(400);
    const good = await create('retry-3', { name: 'Fixed', role: 'viewer' });
    expect(good.statusCode).toBe(201);
  });

  it('rejects malformed keys', async () => {
    const res = await create('x'.repeat(300), { name: 'Z', role: 'viewer' });
    expect(res.statusCode).toBe(400);
  });
});
