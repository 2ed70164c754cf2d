import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import { createTestApp, uniqueEmail, type Session, type TestApp } from '../../test/harness.js';
import { flowOrg, line } from '../flows/flows.test-kit.js';

interface Entry {
  id: string;
  action: string;
  actor: { type: string; id: string | null; label: string };
  target: { type: string; id: string | null; label: string | null } | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

const BODY = '<p>Hello</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';

describe('audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (url: string) => t.call(token, { method: 'GET', url }),
    post: (url: string, payload?: object, headers?: Record<string, string>) =>
      t.call(token, { method: 'POST', url, ...(payload ? { payload } : {}), headers }),
    patch: (url: string, payload: object) => t.call(token, { method: 'PATCH', url, payload }),
    delete: (url: string) => t.call(token, { method: 'DELETE', url }),
  });

  async function entries(s: Session | string, query = ''): Promise<Entry[]> {
    const token = typeof s === 'string' ? s : s.accessToken;
    const res = await as(token).get(`/api/v1/audit-log?limit=200${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: Entry[] }).items;
  }

  const ownerActor = (s: Session) => ({ type: 'user', id: s.user.id, label: s.user.email });

  it('records members, invitations and API keys with the person who did it, newest first', async () => {
    const owner = await t.register();
    const api = as(owner.accessToken);
    const member = await t.memberOf(owner.organization.id, 'viewer');

    expect(
      (await api.patch(`/api/v1/members/${member.user.id}`, { role: 'editor' })).statusCode,
    ).toBe(200);
    expect((await api.delete(`/api/v1/members/${member.user.id}`)).statusCode).toBe(204);
    const inviteEmail = uniqueEmail('invitee');
    const invite = await api.post('/api/v1/invitations', { email: inviteEmail, role: 'admin' });
    const invitationId = (invite.json() as { id: string }).id;
    expect((await api.delete(`/api/v1/invitations/${invitationId}`)).statusCode).toBe(204);
    const key = await t.apiKey(owner, 'editor');
    expect((await api.delete(`/api/v1/api-keys/${key.id}`)).statusCode).toBe(204);

    const log = await entries(owner);
    expect(log.map((e) => e.action)).toEqual([
      'api_key.revoked',
      'api_key.created',
      'member.invitation_revoked',
      'member.invited',
      'member.removed',
      'member.role_changed',
    ]);
    for (const e of log) {
      expect(e.actor).toEqual(ownerActor(owner));
      expect(e.ip).toBeTruthy();
    }
    const byAction = new Map(log.map((e) => [e.action, e]));
    expect(byAction.get('member.role_changed')).toMatchObject({
      target: { type: 'member', id: member.user.id, label: member.user.email },
      details: { role: 'editor', before: { role: 'viewer' } },
    });
    // Removed: the user is no longer a member, the entry still says who it was.
    expect(byAction.get('member.removed')).toMatchObject({
      target: { id: member.user.id, label: member.user.email },
      details: { before: { role: 'editor' } },
    });
    expect(byAction.get('member.invited')).toMatchObject({
      target: { type: 'invitation', id: invitationId, label: inviteEmail },
      details: { role: 'admin' },
    });
    expect(byAction.get('member.invitation_revoked')?.target?.label).toBe(inviteEmail);
    expect(byAction.get('api_key.created')).toMatchObject({
      target: { type: 'api_key', id: key.id, label: 'editor key' },
      details: { role: 'editor' },
    });
    // The key itself is shown once to its creator and never kept anywhere else.
    expect(JSON.stringify(log)).not.toContain(key.key);
  });

  it('names an API key as the actor and keeps senders by name after they are deleted', async () => {
    const owner = await t.register();
    const key = await t.apiKey(owner, 'admin');
    const created = await as(key.key).post('/api/v1/senders', {
      name: 'Relay',
      fromEmail: 'news@shop.example',
      provider: 'smtp',
      smtp: { host: 'smtp.shop.example', port: 587, username: 'u', password: 'hunter2-secret' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const senderId = (created.json() as { id: string }).id;
    const patched = await as(key.key).patch(`/api/v1/senders/${senderId}`, {
      name: 'Relay 2',
      smtp: { host: 'smtp.shop.example', port: 587, username: 'u', password: 'new-secret-pw' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await as(owner.accessToken).delete(`/api/v1/senders/${senderId}`)).statusCode).toBe(
      204,
    );

    const log = await entries(owner, '&action=sender');
    expect(log.map((e) => [e.action, e.actor.type, e.actor.label])).toEqual([
      ['sender.deleted', 'user', owner.user.email],
      ['sender.updated', 'apiKey', 'admin key'],
      ['sender.created', 'apiKey', 'admin key'],
    ]);
    expect(log[2]).toMatchObject({
      actor: { id: key.id },
      target: { type: 'sender', id: senderId, label: 'Relay' },
      details: { provider: 'smtp', fromEmail: 'news@shop.example' },
    });
    expect(log[1]!.details).toEqual({ changed: ['name', 'smtp'] });
    expect(log[0]!.target).toEqual({ type: 'sender', id: senderId, label: 'Relay 2' });
    expect(JSON.stringify(log)).not.toMatch(/hunter2|new-secret/);

    const byKey = await entries(owner, `&actorId=${key.id}`);
    expect(byKey.map((e) => e.action)).toEqual(['sender.updated', 'sender.created']);
    const byPeople = await entries(owner, '&actorType=user&action=sender.deleted&action=api_key');
    expect(byPeople.map((e) => e.action)).toEqual(['sender.deleted', 'api_key.created']);
  });

  it('records campaigns scheduled, started and cancelled, and contact exports and erasures', async () => {
    const owner = await t.register();
    const api = as(owner.accessToken);
    const contact = (
      await api.post('/api/v1/contacts', { email: uniqueEmail('reader'), firstName: 'Rita' })
    ).json() as { id: string; email: string };
    const list = (await api.post('/api/v1/lists', { name: 'Readers' })).json() as { id: string };
    await api.post(`/api/v1/lists/${list.id}/members`, { contactIds: [contact.id] });
    const template = (
      await api.post('/api/v1/templates', {
        name: 'Hello',
        subject: 'Hello',
        format: 'html',
        body: BODY,
      })
    ).json() as { id: string };
    const senders = (await api.get('/api/v1/senders')).json() as { items: { id: string }[] };
    const campaign = (
      await api.post('/api/v1/campaigns', {
        name: 'Autumn sale',
        audience: { listIds: [list.id] },
        templateId: template.id,
        senderIds: [senders.items[0]!.id],
      })
    ).json() as { id: string };

    const scheduled = await api.post(`/api/v1/campaigns/${campaign.id}/schedule`, {
      sendAt: '2099-03-01T09:00',
      timezone: 'Europe/Paris',
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect((await api.post(`/api/v1/campaigns/${campaign.id}/send-now`)).statusCode).toBe(200);
    expect((await api.post(`/api/v1/campaigns/${campaign.id}/cancel`)).statusCode).toBe(200);

    const exported = await api.get(`/api/v1/contacts/export?listId=${list.id}`);
    expect(exported.statusCode).toBe(200);
    const erased = await api.post(`/api/v1/contacts/${contact.id}/erase`, { suppress: true });
    expect(erased.statusCode).toBe(204);

    const log = await entries(owner);
    expect(log.map((e) => e.action)).toEqual([
      'contact.erased',
      'contacts.exported',
      'campaign.cancelled',
      'campaign.started',
      'campaign.scheduled',
    ]);
    for (const e of log.slice(2)) {
      expect(e.target).toEqual({ type: 'campaign', id: campaign.id, label: 'Autumn sale' });
    }
    expect(log[4]!.details).toEqual({ sendAt: '2099-03-01T09:00', timezone: 'Europe/Paris' });
    expect(log[1]).toMatchObject({ target: null, details: { listId: list.id } });
    expect(log[0]).toMatchObject({
      target: { type: 'contact', id: contact.id, label: null },
      details: { suppress: true },
    });
    // An erased contact's address must not survive in the audit log.
    expect(JSON.stringify(log)).not.toContain(contact.email);

    const campaignsOnly = await entries(owner, '&action=campaign');
    expect(campaignsOnly).toHaveLength(3);
  });

  it('records write keys, webhook endpoints and flows by name', async () => {
    const org = await flowOrg(t);
    const owner = org.s;
    const api = as(owner.accessToken);
    const writeKey = (await api.post('/api/v1/write-keys', { name: 'Website' })).json() as {
      id: string;
    };
    expect((await api.delete(`/api/v1/write-keys/${writeKey.id}`)).statusCode).toBe(204);
    const hook = (
      await api.post('/api/v1/webhooks', {
        url: 'https://hooks.example.com/herald',
        eventTypes: ['contact.created'],
      })
    ).json() as { id: string; secret: string };
    expect(
      (await api.patch(`/api/v1/webhooks/${hook.id}`, { description: 'CRM sync' })).statusCode,
    ).toBe(200);
    expect((await api.post(`/api/v1/webhooks/${hook.id}/rotate-secret`)).statusCode).toBe(200);
    expect((await api.delete(`/api/v1/webhooks/${hook.id}`)).statusCode).toBe(204);
    const flowId = await org.activeFlow(
      line({ type: 'contact_created' }, [
        { id: 'mail', type: 'send_email', config: { templateId: org.templateId } },
      ]),
      'Welcome series',
    );
    expect((await api.post(`/api/v1/flows/${flowId}/deactivate`)).statusCode).toBe(200);
    expect((await api.delete(`/api/v1/flows/${flowId}`)).statusCode).toBe(204);

    const log = await entries(owner);
    expect(log.map((e) => [e.action, e.target?.label])).toEqual([
      ['flow.deleted', 'Welcome series'],
      ['flow.deactivated', 'Welcome series'],
      ['flow.activated', 'Welcome series'],
      ['webhook.deleted', 'https://hooks.example.com/herald'],
      ['webhook.secret_rotated', 'https://hooks.example.com/herald'],
      ['webhook.updated', 'https://hooks.example.com/herald'],
      ['webhook.created', 'https://hooks.example.com/herald'],
      ['write_key.revoked', 'Website'],
      ['write_key.created', 'Website'],
    ]);
    const byAction = new Map(log.map((e) => [e.action, e]));
    expect(byAction.get('webhook.updated')!.details).toEqual({ changed: ['description'] });
    expect(byAction.get('webhook.created')!.details).toEqual({ eventTypes: ['contact.created'] });
    // The signing secret is never kept in the log.
    expect(JSON.stringify(log)).not.toContain(hook.secret);
    expect((await entries(owner, '&action=webhook')).map((e) => e.action)).toHaveLength(4);
  });

  it('records what Herald does by itself as the system, through the service', async () => {
    const owner = await t.register();
    const campaign = (
      await as(owner.accessToken).post('/api/v1/campaigns', { name: 'Scheduled one' })
    ).json() as { id: string };
    await t.services.auditLog.record(
      { kind: 'system', orgId: owner.organization.id },
      'campaign.started',
      { type: 'campaign', id: campaign.id },
    );
    const [entry] = await entries(owner);
    expect(entry).toMatchObject({
      action: 'campaign.started',
      actor: { type: 'system', id: null, label: 'Herald' },
      target: { type: 'campaign', id: campaign.id, label: 'Scheduled one' },
      details: {},
      ip: null,
    });
  });

  it('records nothing for refused, failed or replayed actions', async () => {
    const owner = await t.register();
    const api = as(owner.accessToken);
    const editor = await t.memberOf(owner.organization.id, 'editor');
    const stranger = await t.register();

    // Refused by role, bad input, another organization's id, a conflict.
    expect(
      (await as(editor.accessToken).post('/api/v1/api-keys', { name: 'x', role: 'viewer' }))
        .statusCode,
    ).toBe(403);
    expect((await api.post('/api/v1/api-keys', { name: '', role: 'viewer' })).statusCode).toBe(400);
    expect((await api.delete(`/api/v1/members/${stranger.user.id}`)).statusCode).toBe(404);
    const strangerKey = await t.apiKey(stranger, 'viewer');
    expect((await api.delete(`/api/v1/api-keys/${strangerKey.id}`)).statusCode).toBe(404);
    const ownerRemoval = await api.delete(`/api/v1/members/${owner.user.id}`);
    expect(ownerRemoval.statusCode).toBe(422);
    expect(await entries(owner)).toEqual([]);

    // A retry with the same Idempotency-Key replays the first answer: one entry.
    const headers = { 'idempotency-key': `audit-${owner.user.id}` };
    const first = await api.post('/api/v1/api-keys', { name: 'Zapier', role: 'viewer' }, headers);
    const again = await api.post('/api/v1/api-keys', { name: 'Zapier', role: 'viewer' }, headers);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect((await entries(owner)).map((e) => e.action)).toEqual(['api_key.created']);
  });

  it('is for admins of the organization only', async () => {
    const owner = await t.register();
    await as(owner.accessToken).post('/api/v1/api-keys', { name: 'CRM', role: 'viewer' });
    const admin = await t.memberOf(owner.organization.id, 'admin');
    expect((await entries(admin)).map((e) => e.action)).toEqual(['api_key.created']);
    const adminKey = await t.apiKey(owner, 'admin');
    expect((await entries(adminKey.key)).length).toBeGreaterThan(0);

    for (const role of ['viewer', 'editor'] as const) {
      const s = await t.memberOf(owner.organization.id, role);
      const res = await as(s.accessToken).get('/api/v1/audit-log');
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const key = await t.apiKey(owner, role);
      expect((await as(key.key).get('/api/v1/audit-log')).statusCode).toBe(403);
    }
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/audit-log' })).statusCode).toBe(
      401,
    );

    // Another organization sees only its own entries, whatever it filters by.
    const other = await t.register();
    expect(await entries(other)).toEqual([]);
    expect(await entries(other, `&actorId=${owner.user.id}`)).toEqual([]);
    const rows = await t.database.db
      .select({ orgId: auditLog.orgId })
      .from(auditLog)
      .where(eq(auditLog.actorId, owner.user.id));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.orgId === owner.organization.id)).toBe(true);
  });

  it('pages with a cursor and rejects bad filters and cursors', async () => {
    const owner = await t.register();
    for (const name of ['one', 'two', 'three']) {
      await as(owner.accessToken).post('/api/v1/api-keys', { name, role: 'viewer' });
    }
    const api = as(owner.accessToken);
    const page1 = (await api.get('/api/v1/audit-log?limit=2')).json() as {
      items: Entry[];
      nextCursor: string | null;
    };
    expect(page1.items.map((e) => e.target?.label)).toEqual(['three', 'two']);
    const page2 = (
      await api.get(`/api/v1/audit-log?limit=2&cursor=${page1.nextCursor}`)
    ).json() as { items: Entry[]; nextCursor: string | null };
    expect(page2.items.map((e) => e.target?.label)).toEqual(['one']);
    expect(page2.nextCursor).toBeNull();

    for (const query of [
      'action=DROP%20TABLE',
      'action=a.b.c',
      'actorType=robot',
      'actorId=x',
      'cursor=nope',
      'limit=0',
      'extra=1',
    ]) {
      const res = await api.get(`/api/v1/audit-log?${query}`);
      expect(res.statusCode, query).toBe(400);
    }
    // `_` in an area is literal, not LIKE's any-character.
    expect(await entries(owner, '&action=api_ke_')).toEqual([]);
    expect(await entries(owner, '&action=apixkey')).toEqual([]);
  });
});
