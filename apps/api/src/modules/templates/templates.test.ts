import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

const WELCOME = {
  name: 'Welcome',
  category: 'Onboarding',
  subject: 'Welcome, {{ contact.firstName | default: "friend" }}!',
  preheader: 'Your {{ company }} account is ready',
  format: 'html' as const,
  body: '<html><body><h1>Hi {{ firstName }}</h1><p>Plan: {{ contact.attributes.plan }}</p><a href="https://example.com/start">Start</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>',
};

interface Template {
  id: string;
  version: number;
  subject: string;
  body: string;
  name: string;
}
interface Preview {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  errors: { field: string; line: number; column: number; message: string }[];
  checks: { code: string; severity: string }[];
}

describe('templates', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.register();
  });
  afterAll(() => t.close());

  const create = async (session: Session, body: object = WELCOME) =>
    t.call(session.accessToken, { method: 'POST', url: '/api/v1/templates', payload: body });

  async function contact(session: Session, payload: object) {
    const res = await t.call(session.accessToken, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload,
    });
    return res.json() as { id: string };
  }

  it('creates version 1 and previews it as a contact, personalised in every part, with checks', async () => {
    const res = await create(s);
    expect(res.statusCode, res.body).toBe(201);
    const template = res.json() as Template;
    expect(template).toMatchObject({ version: 1, name: 'Welcome' });
    const ada = await contact(s, {
      email: 'ada@example.com',
      firstName: 'Ada',
      attributes: { plan: 'pro', company: 'Analytical Engines' },
    });
    const preview = await t.call(s.accessToken, {
      method: 'POST',
      url: `/api/v1/templates/${template.id}/preview`,
      payload: { contactId: ada.id },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json() as Preview;
    expect(p.errors).toEqual([]);
    expect(p.subject).toBe('Welcome, Ada!');
    expect(p.preheader).toBe('Your Analytical Engines account is ready');
    expect(p.html).toContain('<h1>Hi Ada</h1>');
    expect(p.html).toContain('Plan: pro');
    expect(p.text).toContain('Hi Ada');
    expect(p.html).toContain('http://herald.test/u/preview');
    // A hand-written text part is missing: a warning, not a blocker.
    expect(p.checks).toContainEqual(
      expect.objectContaining({ code: 'missing_text_part', severity: 'warning' }),
    );
    expect(p.checks.filter((c) => c.severity === 'error')).toEqual([]);

    // The sample recipient when no contact is given; defaults fill gaps.
    const sample = (
      await t.call(s.accessToken, {
        method: 'POST',
        url: `/api/v1/templates/${template.id}/preview`,
        payload: { sample: { firstName: null } },
      })
    ).json() as Preview;
    expect(sample.subject).toBe('Welcome, friend!');
  });

  it('refuses content that does not compile with field, line and column, storing nothing', async () => {
    const before = (
      await t.call(s.accessToken, { method: 'GET', url: '/api/v1/templates?limit=200' })
    ).json() as { items: unknown[] };
    const res = await create(s, { ...WELCOME, body: '<p>ok</p>\n<p>{% if x %}never closed</p>' });
    expect(res.statusCode).toBe(422);
    const problem = res.json() as { code: string; errors: { path: string; message: string }[] };
    expect(problem.code).toBe('unprocessable');
    expect(problem.errors[0]!.path).toBe('body');
    expect(problem.errors[0]!.message).toMatch(/^line 2, column \d+: /);
    const after = (
      await t.call(s.accessToken, { method: 'GET', url: '/api/v1/templates?limit=200' })
    ).json() as { items: unknown[] };
    expect(after.items).toHaveLength(before.items.length);

    // The editor's live preview of broken content answers 200 with the problem as data.
    const preview = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/templates/preview',
      payload: { content: { subject: 'Hi {{ contact.firstName ', format: 'html', body: '<p/>' } },
    });
    expect(preview.statusCode).toBe(200);
    const p = preview.json() as Preview;
    expect(p.errors[0]).toMatchObject({ field: 'subject', line: 1 });
    expect(p.html).toBe('');
  });

  it('keeps a version per content change, lists history and restores an old version as new', async () => {
    const template = (await create(s)).json() as Template;
    const edit = async (payload: object) =>
      t.call(s.accessToken, {
        method: 'PATCH',
        url: `/api/v1/templates/${template.id}`,
        payload,
      });
    expect(((await edit({ subject: 'Second subject' })).json() as Template).version).toBe(2);
    // Renaming does not make a version.
    const renamed = (await edit({ name: 'Welcome v2', category: 'Lifecycle' })).json() as Template;
    expect(renamed).toMatchObject({ version: 2, name: 'Welcome v2' });
    // A broken edit changes nothing.
    expect((await edit({ body: '{{ unclosed' })).statusCode).toBe(422);
    const versions = (
      await t.call(s.accessToken, {
        method: 'GET',
        url: `/api/v1/templates/${template.id}/versions?limit=1`,
      })
    ).json() as { items: { version: number; createdByName: string }[]; nextCursor: string };
    expect(versions.items.map((v) => v.version)).toEqual([2]);
    expect(versions.items[0]!.createdByName).toBe('Test User');
    const older = (
      await t.call(s.accessToken, {
        method: 'GET',
        url: `/api/v1/templates/${template.id}/versions?limit=1&cursor=${versions.nextCursor}`,
      })
    ).json() as { items: { version: number }[]; nextCursor: string | null };
    expect(older).toEqual({ items: [expect.objectContaining({ version: 1 })], nextCursor: null });
    const v1 = await t.call(s.accessToken, {
      method: 'GET',
      url: `/api/v1/templates/${template.id}/versions/1`,
    });
    expect((v1.json() as { subject: string }).subject).toBe(WELCOME.subject);
    const restored = await t.call(s.accessToken, {
      method: 'POST',
      url: `/api/v1/templates/${template.id}/versions/1/restore`,
    });
    expect(restored.json()).toMatchObject({ version: 3, subject: WELCOME.subject });
    expect(
      (
        await t.call(s.accessToken, {
          method: 'GET',
          url: `/api/v1/templates/${template.id}/versions/9`,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('searches by name or subject and filters by category', async () => {
    const org = await t.register();
    await create(org, { ...WELCOME, name: 'Spring sale', category: 'Promotions' });
    await create(org, { ...WELCOME, name: 'Receipt', category: 'Transactional' });
    const list = async (query: string) =>
      (
        (
          await t.call(org.accessToken, { method: 'GET', url: `/api/v1/templates?${query}` })
        ).json() as { items: { name: string }[] }
      ).items.map((i) => i.name);
    expect(await list('search=spring')).toEqual(['Spring sale']);
    expect(await list('category=Transactional')).toEqual(['Receipt']);
    const categories = await t.call(org.accessToken, {
      method: 'GET',
      url: '/api/v1/templates/categories',
    });
    expect(categories.json()).toEqual({ items: ['Promotions', 'Transactional'] });
  });

  it('sends a real test message through the built-in outbox, where its source can be read', async () => {
    const org = await t.register({ name: 'Grace Hopper' });
    const template = (await create(org)).json() as Template;
    const ada = await contact(org, {
      email: 'ada@example.com',
      firstName: 'Ada',
      attributes: { plan: 'team' },
    });
    const senders = (
      await t.call(org.accessToken, { method: 'GET', url: '/api/v1/senders' })
    ).json() as { items: { id: string; provider: string; fromEmail: string }[] };
    // Embedded installations start with the built-in outbox, sending as the registering user.
    expect(senders.items).toHaveLength(1);
    const outbox = senders.items[0]!;
    expect(outbox).toMatchObject({ provider: 'outbox', fromEmail: org.user.email });

    const res = await t.call(org.accessToken, {
      method: 'POST',
      url: `/api/v1/templates/${template.id}/test-send`,
      payload: { to: 'qa@example.net', contactId: ada.id, senderId: outbox.id },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'sent', code: 250 });
    const { messageId } = res.json() as { messageId: string };
    const byId = (
      await t.call(org.accessToken, {
        method: 'GET',
        url: `/api/v1/outbox?messageId=${encodeURIComponent(messageId)}`,
      })
    ).json() as { items: { messageId: string }[] };
    expect(byId.items.map((m) => m.messageId)).toEqual([messageId]);

    const stored = (
      await t.call(org.accessToken, { method: 'GET', url: '/api/v1/outbox' })
    ).json() as { items: { id: string; toEmail: string; subject: string; senderName: string }[] };
    expect(stored.items).toHaveLength(1);
    expect(stored.items[0]).toMatchObject({
      toEmail: 'qa@example.net',
      subject: '[Test] Welcome, Ada!',
      senderName: 'Built-in outbox',
    });
    const message = (
      await t.call(org.accessToken, {
        method: 'GET',
        url: `/api/v1/outbox/${stored.items[0]!.id}`,
      })
    ).json() as { raw: string; messageId: string };
    const parsed = await simpleParser(message.raw);
    expect(parsed.subject).toBe('[Test] Welcome, Ada!');
    expect(parsed.from?.value[0]).toMatchObject({ address: org.user.email, name: 'Grace Hopper' });
    expect(parsed.html).toContain('Plan: team');
    expect(parsed.text).toContain('Hi Ada');
    expect(message.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(message.raw).toMatch(/^List-Unsubscribe: <http:\/\/herald\.test\/u\/preview>\r$/m);
    expect(parsed.messageId).toBe(message.messageId);

    // The sender's health counts the send.
    const sender = (
      await t.call(org.accessToken, { method: 'GET', url: `/api/v1/senders/${outbox.id}` })
    ).json() as { health: { sent24h: number; score: number } };
    expect(sender.health).toMatchObject({ sent24h: 1, score: 100 });

    // Another organization sees none of it.
    const other = await t.register();
    expect(
      (
        await t.call(other.accessToken, {
          method: 'GET',
          url: `/api/v1/outbox/${stored.items[0]!.id}`,
        })
      ).statusCode,
    ).toBe(404);
    const foreignSend = await t.call(other.accessToken, {
      method: 'POST',
      url: `/api/v1/templates/${template.id}/test-send`,
      payload: { to: 'qa@example.net', senderId: outbox.id },
    });
    expect(foreignSend.statusCode).toBe(404);
  });

  it('a viewer previews but cannot create, edit or send', async () => {
    const template = (await create(s)).json() as Template;
    const viewer = await t.memberOf(s.organization.id, 'viewer');
    expect((await create(viewer)).statusCode).toBe(403);
    expect(
      (
        await t.call(viewer.accessToken, {
          method: 'POST',
          url: `/api/v1/templates/${template.id}/preview`,
          payload: {},
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.call(viewer.accessToken, {
          method: 'PATCH',
          url: `/api/v1/templates/${template.id}`,
          payload: { name: 'x' },
        })
      ).statusCode,
    ).toBe(403);
  });
});
