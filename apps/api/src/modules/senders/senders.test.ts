import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { eq } from 'drizzle-orm';
import { senders as sendersTable } from '../../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../test/smtp-test-server.js';
import { PAUSE_AFTER_FAILURES } from './senders.service.js';

interface Sender {
  id: string;
  status: string;
  smtp: { host: string; hasPassword: boolean; username: string | null } | null;
  health: {
    score: number | null;
    sent24h: number;
    deferred24h: number;
    consecutiveFailures: number;
  };
  pausedReason: string | null;
  lastVerify: { ok: boolean; steps: { step: string; ok: boolean }[] } | null;
}

const PASSWORD = 's3cret-Pässword';

describe('senders', () => {
  let t: TestApp;
  let owner: Session;
  let server: SmtpTestServer;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await t.register();
    server = await startSmtpTestServer({
      tls: 'starttls',
      authMechanisms: ['PLAIN', 'LOGIN'],
      users: [{ username: 'mailer', password: PASSWORD }],
    });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  const smtpSender = (overrides: object = {}) => ({
    name: 'Local relay',
    fromName: 'Herald Tests',
    fromEmail: 'news@herald.test',
    provider: 'smtp',
    smtp: {
      host: server.host,
      port: server.port,
      tls: 'starttls',
      auth: 'plain',
      username: 'mailer',
      password: PASSWORD,
      allowInvalidCertificates: true,
    },
    limits: { perSecond: 10, perHour: 1000, perDay: null },
    window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', timezone: 'Europe/Paris' },
    ...overrides,
  });

  async function create(session: Session, body: object) {
    return t.call(session.accessToken, { method: 'POST', url: '/api/v1/senders', payload: body });
  }

  it('stores the password encrypted and never returns it', async () => {
    const res = await create(owner, smtpSender());
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(PASSWORD);
    const sender = res.json() as Sender;
    expect(sender.smtp).toMatchObject({ hasPassword: true, username: 'mailer' });
    const [row] = await t.database.db
      .select({ secret: sendersTable.secret })
      .from(sendersTable)
      .where(eq(sendersTable.id, sender.id));
    expect(row!.secret).toMatch(/^v1\./);
    expect(row!.secret).not.toContain('s3cret');

    // Omitting the password keeps it; clearing it while a login is configured is refused.
    const renamed = await t.call(owner.accessToken, {
      method: 'PATCH',
      url: `/api/v1/senders/${sender.id}`,
      payload: { name: 'Relay', smtp: { ...smtpSender().smtp, password: undefined } },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((renamed.json() as Sender).smtp!.hasPassword).toBe(true);
    const cleared = await t.call(owner.accessToken, {
      method: 'PATCH',
      url: `/api/v1/senders/${sender.id}`,
      payload: { smtp: { ...smtpSender().smtp, password: null } },
    });
    expect(cleared.statusCode).toBe(400);
    expect(cleared.json()).toMatchObject({ errors: [{ path: 'smtp.password' }] });
    const list = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/senders' });
    expect(list.body).not.toContain(PASSWORD);
    expect(list.body).not.toContain(row!.secret!);
  });

  it('verifies step by step: connect, greeting, EHLO, STARTTLS, login', async () => {
    const sender = (await create(owner, smtpSender())).json() as Sender;
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/senders/${sender.id}/verify`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json() as { ok: boolean; steps: { step: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.step)).toEqual([
      'connect',
      'greeting',
      'ehlo',
      'starttls',
      'auth',
    ]);
    expect(report.steps.every((s) => s.ok)).toBe(true);

    const wrong = (
      await create(
        owner,
        smtpSender({ smtp: { ...smtpSender().smtp, password: 'not-the-password' } }),
      )
    ).json() as Sender;
    const failed = (
      await t.call(owner.accessToken, { method: 'POST', url: `/api/v1/senders/${wrong.id}/verify` })
    ).json() as { ok: boolean; steps: { step: string; ok: boolean; detail: string }[] };
    expect(failed.ok).toBe(false);
    expect(failed.steps.at(-1)).toMatchObject({ step: 'auth', ok: false });
    // The last report stays on the sender for the dashboard.
    const stored = (
      await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/senders/${wrong.id}` })
    ).json() as Sender;
    expect(stored.lastVerify?.ok).toBe(false);
  });

  it('delivers a test send through SMTP with STARTTLS and AUTH PLAIN', async () => {
    const sender = (await create(owner, smtpSender())).json() as Sender;
    const template = (
      await t.call(owner.accessToken, {
        method: 'POST',
        url: '/api/v1/templates',
        payload: {
          name: 'Héllo',
          subject: 'Grüße, {{ firstName | default: "Freund" }} ✨',
          format: 'markdown',
          body: '# Hallo\n\nJetzt [abbestellen]({{ unsubscribe_url }}).',
        },
      })
    ).json() as { id: string };
    const before = server.messages.length;
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: `/api/v1/templates/${template.id}/test-send`,
      payload: { to: 'inbox@example.org', senderId: sender.id },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'sent' });
    await server.waitFor(() => server.messages.length > before);
    const received = server.messages.at(-1)!;
    expect(received).toMatchObject({ from: 'news@herald.test', to: ['inbox@example.org'] });
    expect(received.isSecure).toBe(true);
    expect(received.user).toBe('mailer');
    const parsed = await simpleParser(received.data);
    expect(parsed.subject).toBe('[Test] Grüße, Jane ✨');
    expect(parsed.html).toContain('<h1>Hallo</h1>');
    expect(parsed.text).toContain('abbestellen');
  });

  it('pauses a sender whose server keeps refusing, raises an alert, and resumes cleanly', async () => {
    const refusing = await startSmtpTestServer({
      authMechanisms: ['PLAIN'],
      users: [{ username: 'mailer', password: PASSWORD }],
      rules: [{ command: 'AUTH', reply: '454 4.7.0 Temporary authentication failure' }],
    });
    try {
      const sender = (
        await create(
          owner,
          smtpSender({
            smtp: { ...smtpSender().smtp, host: refusing.host, port: refusing.port, tls: 'none' },
          }),
        )
      ).json() as Sender;
      const template = (
        await t.call(owner.accessToken, {
          method: 'POST',
          url: '/api/v1/templates',
          payload: {
            name: 'Ping',
            subject: 'Ping',
            format: 'html',
            body: '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
          },
        })
      ).json() as { id: string };
      for (let i = 0; i < PAUSE_AFTER_FAILURES; i++) {
        const res = await t.call(owner.accessToken, {
          method: 'POST',
          url: `/api/v1/templates/${template.id}/test-send`,
          payload: { to: 'someone@example.org', senderId: sender.id },
        });
        expect(res.json()).toMatchObject({ outcome: 'retry', code: 454 });
      }
      const paused = (
        await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/senders/${sender.id}` })
      ).json() as Sender;
      expect(paused.status).toBe('paused');
      expect(paused.pausedReason).toContain('454');
      expect(paused.health).toMatchObject({
        deferred24h: PAUSE_AFTER_FAILURES,
        consecutiveFailures: PAUSE_AFTER_FAILURES,
        score: 0,
      });
      const alerts = (
        await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/alerts?status=open' })
      ).json() as { items: { kind: string; subject: { senderId: string } }[]; openCount: number };
      expect(alerts.items).toContainEqual(
        expect.objectContaining({ kind: 'sender.paused', subject: { senderId: sender.id } }),
      );
      expect(alerts.openCount).toBeGreaterThan(0);

      const resumed = await t.call(owner.accessToken, {
        method: 'POST',
        url: `/api/v1/senders/${sender.id}/resume`,
      });
      expect(resumed.json()).toMatchObject({
        status: 'active',
        health: { consecutiveFailures: 0 },
      });
      const after = (
        await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/alerts?status=open' })
      ).json() as { items: { subject: { senderId?: string } }[] };
      expect(after.items.some((a) => a.subject.senderId === sender.id)).toBe(false);
    } finally {
      await refusing.close();
    }
  });

  it('refuses bad settings with the field named, and lets only admins change senders', async () => {
    const bad = async (body: object, path: string) => {
      const res = await create(owner, body);
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json() as { errors: { path: string }[] }).errors[0]!.path).toContain(path);
    };
    await bad(smtpSender({ smtp: null }), 'smtp');
    await bad(smtpSender({ smtp: { ...smtpSender().smtp, username: null } }), 'smtp.username');
    await bad(smtpSender({ smtp: { ...smtpSender().smtp, port: 70000 } }), 'port');
    await bad(
      smtpSender({ window: { days: [1, 1], start: '09:00', end: '17:00', timezone: 'UTC' } }),
      'window',
    );
    await bad(
      smtpSender({ window: { days: [1], start: '09:00', end: '17:00', timezone: 'Mars/Olympus' } }),
      'window.timezone',
    );
    await bad(smtpSender({ fromEmail: 'not an address' }), 'fromEmail');
    const editor = await t.memberOf(owner.organization.id, 'editor');
    expect((await create(editor, smtpSender())).statusCode).toBe(403);
  });
});
