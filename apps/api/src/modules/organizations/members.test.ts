import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  PASSWORD,
  uniqueEmail,
  type Session,
  type TestApp,
} from '../../test/harness.js';

describe('members and invitations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const members = async (s: Session) =>
    (await t.call(s.accessToken, { method: 'GET', url: '/api/v1/members' })).json() as {
      items: { userId: string; role: string; email: string }[];
    };

  it('invites by email; the invitee registers with the token and joins with the invited role', async () => {
    const owner = await t.register();
    const email = uniqueEmail('invitee');
    const invite = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email, role: 'editor' },
    });
    expect(invite.statusCode).toBe(201);
    const { token, acceptUrl, id } = invite.json() as {
      token: string;
      acceptUrl: string;
      id: string;
    };
    expect(acceptUrl).toBe(`http://herald.test/invite?token=${token}`);

    const pending = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/invitations' });
    const listed = (pending.json() as { items: Record<string, unknown>[] }).items;
    expect(listed.map((i) => i.id)).toEqual([id]);
    expect(JSON.stringify(listed)).not.toContain(token);

    const reg = await t.call(undefined, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: PASSWORD, name: 'Invitee', inviteToken: token },
    });
    expect(reg.statusCode).toBe(201);
    expect(reg.json()).toMatchObject({
      organization: { id: owner.organization.id },
      role: 'editor',
    });
    expect((await members(owner)).items.find((m) => m.email === email)?.role).toBe('editor');

    // Spent: a second use fails.
    const again = await t.call(undefined, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: uniqueEmail(), password: PASSWORD, name: 'X', inviteToken: token },
    });
    expect(again.statusCode).toBe(401);
  });

  it('an existing user accepts an invitation and can then switch to that organization', async () => {
    const owner = await t.register();
    const other = await t.register();
    const invite = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: other.user.email.toUpperCase(), role: 'viewer' },
    });
    const { token } = invite.json() as { token: string };
    const stranger = await t.register();
    const wrongPerson = await t.call(stranger.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token },
    });
    expect(wrongPerson.statusCode).toBe(403);

    const accepted = await t.call(other.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      organization: { id: owner.organization.id },
      role: 'viewer',
    });
    const me = await t.call(other.accessToken, { method: 'GET', url: '/api/v1/me' });
    expect(
      (me.json() as { organizations: { id: string }[] }).organizations.map((o) => o.id),
    ).toContain(owner.organization.id);
  });

  it('revoked invitations cannot be used', async () => {
    const owner = await t.register();
    const email = uniqueEmail();
    const invite = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email, role: 'viewer' },
    });
    const { id, token } = invite.json() as { id: string; token: string };
    expect(
      (await t.call(owner.accessToken, { method: 'DELETE', url: `/api/v1/invitations/${id}` }))
        .statusCode,
    ).toBe(204);
    const reg = await t.call(undefined, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: PASSWORD, name: 'Late', inviteToken: token },
    });
    expect(reg.statusCode).toBe(401);
  });

  it('changes roles; admins cannot touch owners; the last owner stays', async () => {
    const owner = await t.register();
    const admin = await t.memberOf(owner.organization.id, 'admin');
    const viewer = await t.memberOf(owner.organization.id, 'viewer');

    const promote = await t.call(admin.accessToken, {
      method: 'PATCH',
      url: `/api/v1/members/${viewer.user.id}`,
      payload: { role: 'editor' },
    });
    expect(promote.statusCode).toBe(200);
    expect(promote.json()).toMatchObject({ userId: viewer.user.id, role: 'editor' });

    const toOwner = await t.call(admin.accessToken, {
      method: 'PATCH',
      url: `/api/v1/members/${viewer.user.id}`,
      payload: { role: 'owner' },
    });
    expect(toOwner.statusCode).toBe(403);
    const demoteOwner = await t.call(admin.accessToken, {
      method: 'PATCH',
      url: `/api/v1/members/${owner.user.id}`,
      payload: { role: 'viewer' },
    });
    expect(demoteOwner.statusCode).toBe(403);
    const inviteOwner = await t.call(admin.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: uniqueEmail(), role: 'owner' },
    });
    expect(inviteOwner.statusCode).toBe(403);

    const selfDemote = await t.call(owner.accessToken, {
      method: 'PATCH',
      url: `/api/v1/members/${owner.user.id}`,
      payload: { role: 'admin' },
    });
    expect(selfDemote.statusCode).toBe(422);
    expect(selfDemote.json()).toMatchObject({ code: 'last_owner' });
    const selfRemove = await t.call(owner.accessToken, {
      method: 'DELETE',
      url: `/api/v1/members/${owner.user.id}`,
    });
    expect(selfRemove.statusCode).toBe(422);

    const roles = Object.fromEntries((await members(owner)).items.map((m) => [m.userId, m.role]));
    expect(roles).toEqual({
      [owner.user.id]: 'owner',
      [admin.user.id]: 'admin',
      [viewer.user.id]: 'editor',
    });
  });

  it('pages through members with a keyset cursor and rejects a forged cursor', async () => {
    const owner = await t.register();
    for (let i = 0; i < 4; i++) await t.memberOf(owner.organization.id, 'viewer');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      const page = res.json() as { items: { userId: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await t.call(owner.accessToken, {
      method: 'GET',
      url: '/api/v1/members?cursor=bm9wZQ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it('renames the organization (admin) and refuses an empty name', async () => {
    const owner = await t.register();
    const ok = await t.call(owner.accessToken, {
      method: 'PATCH',
      url: '/api/v1/organization',
      payload: { name: 'Renamed' },
    });
    expect(ok.json()).toEqual({ id: owner.organization.id, name: 'Renamed' });
    const bad = await t.call(owner.accessToken, {
      method: 'PATCH',
      url: '/api/v1/organization',
      payload: { name: '  ' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
