import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { organizations, users } from '../../db/schema/index.js';
import {
  createTestApp,
  PASSWORD,
  uniqueEmail,
  type Session,
  type TestApp,
} from '../../test/harness.js';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_LIMIT_PER_IP: '1000' } });
  });
  afterAll(() => t.close());

  const post = (url: string, payload: object, token?: string) =>
    t.call(token, { method: 'POST', url, payload });

  it('registers a user as owner of a new organization and stores only a scrypt hash', async () => {
    const email = uniqueEmail('Owner');
    const res = await post('/api/v1/auth/register', {
      email,
      password: PASSWORD,
      name: 'Ada',
      organizationName: 'Acme',
    });
    expect(res.statusCode).toBe(201);
    const session = res.json() as Session;
    expect(session.role).toBe('owner');
    expect(session.organization.name).toBe('Acme');
    expect(session.user.email).toBe(email);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, session.user.id));
    expect(row!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);

    const me = await t.call(session.accessToken, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      principal: 'user',
      user: { id: session.user.id, name: 'Ada' },
      organization: { id: session.organization.id, name: 'Acme' },
      role: 'owner',
      organizations: [{ id: session.organization.id, role: 'owner' }],
    });
  });

  it('refuses a second account for the same email, whatever its case, and creates nothing', async () => {
    const email = uniqueEmail('dupe');
    const orgName = `Dupe ${email}`;
    await t.register({ email });
    const res = await post('/api/v1/auth/register', {
      email: email.toUpperCase(),
      password: PASSWORD,
      name: 'Again',
      organizationName: orgName,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'email_taken', status: 409 });
    const orgs = await t.database.db
      .select()
      .from(organizations)
      .where(eq(organizations.name, orgName));
    expect(orgs).toEqual([]);
  });

  it('rejects weak passwords and bad emails with field errors', async () => {
    const res = await post('/api/v1/auth/register', {
      email: 'not-an-email',
      password: 'short',
      name: 'X',
      organizationName: 'Y',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e) => e.path).sort()).toEqual(['body.email', 'body.password']);
  });

  it('logs in case-insensitively and refuses a wrong password without telling which part was wrong', async () => {
    const s = await t.register();
    const ok = await post('/api/v1/auth/login', {
      email: s.user.email.toUpperCase(),
      password: PASSWORD,
    });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as Session).organization.id).toBe(s.organization.id);
    const wrong = await post('/api/v1/auth/login', {
      email: s.user.email,
      password: 'wrong password!',
    });
    const unknown = await post('/api/v1/auth/login', {
      email: uniqueEmail('nobody'),
      password: 'wrong password!',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('rate-limits failed logins per account with Retry-After, even for the right password', async () => {
    const s = await t.register();
    for (let i = 0; i < 3; i++) {
      expect(
        (await post('/api/v1/auth/login', { email: s.user.email, password: 'nope nope nope' }))
          .statusCode,
      ).toBe(401);
    }
    const limited = await post('/api/v1/auth/login', { email: s.user.email, password: PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
  });

  it('rate-limits logins per IP', async () => {
    const limited = await createTestApp({ env: { LOGIN_LIMIT_PER_IP: '2' } });
    try {
      const s = await limited.register();
      const login = () =>
        limited.call(undefined, {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: s.user.email, password: PASSWORD },
          remoteAddress: '203.0.113.9',
        });
      expect((await login()).statusCode).toBe(200);
      expect((await login()).statusCode).toBe(200);
      expect((await login()).statusCode).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('rotates refresh tokens, and reuse of a spent one revokes the whole family', async () => {
    const s = await t.register();
    const first = await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
    expect(first.statusCode).toBe(200);
    const second = first.json() as Session;
    expect(second.refreshToken).not.toBe(s.refreshToken);

    // The original token was spent: presenting it again means it leaked.
    const reuse = await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ code: 'refresh_token_reused' });
    // ...so the legitimate newer token is dead too.
    const afterReuse = await post('/api/v1/auth/refresh', { refreshToken: second.refreshToken });
    expect(afterReuse.statusCode).toBe(401);
  });

  it('logout ends the session family', async () => {
    const s = await t.register();
    expect((await post('/api/v1/auth/logout', { refreshToken: s.refreshToken })).statusCode).toBe(
      204,
    );
    expect((await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken })).statusCode).toBe(
      401,
    );
    expect((await post('/api/v1/auth/refresh', { refreshToken: 'garbage' })).statusCode).toBe(401);
  });

  it('lets a user belong to several organizations and switch between them', async () => {
    const s = await t.register({ organizationName: 'First' });
    const created = await post('/api/v1/organizations', { name: 'Second' }, s.accessToken);
    expect(created.statusCode).toBe(201);
    const second = created.json() as { id: string; role: string };
    expect(second.role).toBe('owner');

    const list = await t.call(s.accessToken, { method: 'GET', url: '/api/v1/organizations' });
    expect((list.json() as { items: { name: string }[] }).items.map((o) => o.name)).toEqual([
      'First',
      'Second',
    ]);

    const switched = await post(
      '/api/v1/auth/switch-organization',
      { organizationId: second.id, refreshToken: s.refreshToken },
      s.accessToken,
    );
    expect(switched.statusCode).toBe(200);
    const session = switched.json() as Session;
    expect(session.organization).toEqual({ id: second.id, name: 'Second' });
    const me = await t.call(session.accessToken, { method: 'GET', url: '/api/v1/me' });
    expect(me.json()).toMatchObject({ organization: { id: second.id } });
    // The old session was handed in.
    expect((await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken })).statusCode).toBe(
      401,
    );

    // Login can pick the organization too.
    const login = await post('/api/v1/auth/login', {
      email: s.user.email,
      password: PASSWORD,
      organizationId: second.id,
    });
    expect((login.json() as Session).organization.id).toBe(second.id);
  });

  it('cannot switch into an organization the user does not belong to', async () => {
    const a = await t.register();
    const b = await t.register();
    const res = await post(
      '/api/v1/auth/switch-organization',
      { organizationId: b.organization.id },
      a.accessToken,
    );
    expect(res.statusCode).toBe(404);
    const login = await post('/api/v1/auth/login', {
      email: a.user.email,
      password: PASSWORD,
      organizationId: b.organization.id,
    });
    expect(login.statusCode).toBe(403);
  });

  it('a removed member loses access at once, access token and refresh token alike', async () => {
    const owner = await t.register();
    const member = await t.memberOf(owner.organization.id, 'editor');
    expect(
      (await t.call(member.accessToken, { method: 'GET', url: '/api/v1/me' })).statusCode,
    ).toBe(200);
    const removed = await t.call(owner.accessToken, {
      method: 'DELETE',
      url: `/api/v1/members/${member.user.id}`,
    });
    expect(removed.statusCode).toBe(204);
    expect(
      (await t.call(member.accessToken, { method: 'GET', url: '/api/v1/me' })).statusCode,
    ).toBe(401);
    expect(
      (await post('/api/v1/auth/refresh', { refreshToken: member.refreshToken })).statusCode,
    ).toBe(401);
  });
});
