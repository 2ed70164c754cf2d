import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks.receiver.fixture.js';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  isEnabled: boolean;
  disabledReason: string | null;
  secret?: string;
}

/** The API without an allow-list: what a default installation does with private URLs. */
describe('webhook endpoints', () => {
  let t: TestApp;
  let owner: Session;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await t.register();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const create = (session: Session, payload: object) =>
    t.call(session.accessToken, { method: 'POST', url: '/api/v1/webhooks', payload });
  const list = async (session: Session) =>
    (
      (
        await t.call(session.accessToken, { method: 'GET', url: '/api/v1/webhooks?limit=200' })
      ).json() as {
        items: Endpoint[];
      }
    ).items;

  it('creates an endpoint with a Standard Webhooks secret, stored encrypted and shown to admins', async () => {
    const res = await create(owner, {
      url: 'https://hooks.example.com/herald',
      description: 'CRM sync',
      eventTypes: ['contact.created', 'message.opened'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const endpoint = res.json() as Endpoint;
    expect(endpoint).toMatchObject({
      url: 'https://hooks.example.com/herald',
      description: 'CRM sync',
      eventTypes: ['contact.created', 'message.opened'],
      isEnabled: true,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(endpoint.secret!.slice(6), 'base64')).toHaveLength(32);

    const [row] = await t.database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.secretEncrypted).toMatch(/^v1\./);
    expect(row!.secretEncrypted).not.toContain(endpoint.secret!.slice(6, 20));

    const got = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/webhooks/${endpoint.id}`,
    });
    expect(got.statusCode).toBe(200);
    expect(got.body).not.toContain('whsec_');
    const secret = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/webhooks/${endpoint.id}/secret`,
    });
    expect(secret.json()).toEqual({ secret: endpoint.secret });
    expect((await list(owner)).map((e) => e.id)).toContain(endpoint.id);
  });

  it('rotates the secret: the new one is shown from then on', async () => {
    const endpoint = (
      await create(owner, { url: 'https://hooks.example.com/rotate' })
    ).json() as Endpoint;
    const rotated = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/webhooks/${endpoint.id}/rotate-secret`,
    });
    expect(rotated.statusCode).toBe(200);
    const body = rotated.json() as { secret: string; previousValidUntil: string };
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(endpoint.secret);
    expect(Date.parse(body.previousValidUntil)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const secret = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/webhooks/${endpoint.id}/secret`,
    });
    expect((secret.json() as { secret: string }).secret).toBe(body.secret);
  });

  it('viewers read endpoints but cannot write them or see secrets', async () => {
    const endpoint = (
      await create(owner, { url: 'https://hooks.example.com/v' })
    ).json() as Endpoint;
    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    expect((await list(viewer)).map((e) => e.id)).toContain(endpoint.id);
    const writes = [
      create(viewer, { url: 'https://hooks.example.com/x' }),
      t.call(viewer.accessToken, {
        method: 'PATCH',
        url: `/api/v1/webhooks/${endpoint.id}`,
        payload: { description: 'x' },
      }),
      t.call(viewer.accessToken, { method: 'GET', url: `/api/v1/webhooks/${endpoint.id}/secret` }),
      t.call(viewer.accessToken, {
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/test`,
        payload: {},
      }),
    ];
    for (const res of await Promise.all(writes)) expect(res.statusCode).toBe(403);
  });

  it('refuses bad input with 400 and stores nothing', async () => {
    const before = (await list(owner)).length;
    for (const payload of [
      { url: 'ftp://hooks.example.com/' },
      { url: 'not a url' },
      { url: 'javascript:alert(1)' },
      { url: 'https://hooks.example.com/', eventTypes: ['contact.deleted'] },
      { url: 'https://hooks.example.com/', secret: 'whsec_mine' },
      { description: 'no url' },
      { url: `https://hooks.example.com/${'a'.repeat(2100)}` },
    ]) {
      const res = await create(owner, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await list(owner)).toHaveLength(before);
  });

  it('refuses private and loopback URLs at creation (422) when no allow-list names them', async () => {
    const before = (await list(owner)).length;
    for (const url of [
      `${receiver.url}`,
      'http://localhost:8080/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:3000/',
      'http://0x7f000001/',
      'http://10.0.0.8/hook',
    ]) {
      const res = await create(owner, { url });
      expect(res.statusCode, url).toBe(422);
      expect((res.json() as { errors: { path: string }[] }).errors[0]!.path).toBe('url');
      expect(res.body).toContain('WEBHOOK_ALLOWED_HOSTS');
    }
    expect(await list(owner)).toHaveLength(before);
  });

  it('refuses at delivery time too: an endpoint that became private is never called', async () => {
    // As if DNS had changed after creation: the stored URL now reaches loopback.
    const created = (
      await create(owner, { url: 'https://hooks.example.com/later' })
    ).json() as Endpoint;
    await t.database.db
      .update(webhookEndpoints)
      .set({ url: receiver.url })
      .where(eq(webhookEndpoints.id, created.id));
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/webhooks/${created.id}/test`,
      payload: { eventType: 'contact.created' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      attempt: { isSuccess: boolean; error: string | null; statusCode: number | null };
      delivery: { status: string };
    };
    expect(body.attempt.isSuccess).toBe(false);
    expect(body.attempt.error).toMatch(/^blocked_address:/);
    expect(body.attempt.statusCode).toBeNull();
    expect(body.delivery.status).toBe('dead');
    expect(receiver.received).toHaveLength(0);
  });

  it('updates, disables and re-enables an endpoint', async () => {
    const endpoint = (
      await create(owner, { url: 'https://hooks.example.com/u' })
    ).json() as Endpoint;
    const patch = (payload: object) =>
      t.call(owner.accessToken, {
        method: 'PATCH',
        url: `/api/v1/webhooks/${endpoint.id}`,
        payload,
      });
    const changed = await patch({ eventTypes: ['campaign.completed'], description: 'Ops' });
    expect(changed.json()).toMatchObject({
      eventTypes: ['campaign.completed'],
      description: 'Ops',
    });
    const disabled = await patch({ isEnabled: false });
    expect(disabled.json()).toMatchObject({
      isEnabled: false,
      disabledReason: 'Disabled by a person',
    });
    const enabled = await patch({ isEnabled: true });
    expect(enabled.json()).toMatchObject({ isEnabled: true, disabledReason: null });
    expect((await patch({ url: 'http://127.0.0.1:9/' })).statusCode).toBe(422);
    expect((await patch({ eventTypes: ['nope'] })).statusCode).toBe(400);
    const after = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/webhooks/${endpoint.id}`,
    });
    expect(after.json()).toMatchObject({
      url: 'https://hooks.example.com/u',
      eventTypes: ['campaign.completed'],
    });
  });

  it('deletes an endpoint with its delivery log', async () => {
    const endpoint = (
      await create(owner, { url: 'https://hooks.example.com/d' })
    ).json() as Endpoint;
    await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/webhooks/${endpoint.id}/test`,
      payload: {},
    });
    const del = await t.call(owner.accessToken, {
      method: 'DELETE',
      url: `/api/v1/webhooks/${endpoint.id}`,
    });
    expect(del.statusCode).toBe(204);
    const rows = await t.database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(rows).toHaveLength(0);
    const again = await t.call(owner.accessToken, {
      method: 'DELETE',
      url: `/api/v1/webhooks/${endpoint.id}`,
    });
    expect(again.statusCode).toBe(404);
  });

  it('another organization sees none of it (404) and changes nothing', async () => {
    const endpoint = (
      await create(owner, { url: 'https://hooks.example.com/mine' })
    ).json() as Endpoint;
    const test = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/webhooks/${endpoint.id}/test`,
      payload: {},
    });
    const deliveryId = (test.json() as { delivery: { id: string } }).delivery.id;
    const other = await t.register();
    expect(await list(other)).toHaveLength(0);
    const base = `/api/v1/webhooks/${endpoint.id}`;
    const calls = [
      { method: 'GET' as const, url: base },
      { method: 'PATCH' as const, url: base, payload: { description: 'Hijacked' } },
      { method: 'GET' as const, url: `${base}/secret` },
      { method: 'POST' as const, url: `${base}/rotate-secret` },
      { method: 'GET' as const, url: `${base}/deliveries` },
      { method: 'GET' as const, url: `${base}/deliveries/${deliveryId}` },
      { method: 'POST' as const, url: `${base}/deliveries/${deliveryId}/replay` },
      { method: 'POST' as const, url: `${base}/test`, payload: {} },
      { method: 'DELETE' as const, url: base },
    ];
    for (const call of calls) {
      const res = await t.call(other.accessToken, call);
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(404);
    }
    const mine = await t.call(owner.accessToken, { method: 'GET', url: base });
    expect(mine.json()).toMatchObject({ description: null });
    const secret = await t.call(owner.accessToken, { method: 'GET', url: `${base}/secret` });
    expect((secret.json() as { secret: string }).secret).toBe(endpoint.secret);
  });
});
