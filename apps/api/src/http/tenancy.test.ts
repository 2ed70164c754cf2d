import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  alerts,
  failedJobs,
  imports,
  outboxMessages,
  webhookDeliveries,
} from '../db/schema/index.js';
import { createTestApp, type Session, type TestApp } from '../test/harness.js';
import { ROLES, roleAtLeast, type RouteEntry } from './access.js';

/**
 * Walks every route the app registered (app.routeTable) and proves, for each one:
 *  - no credentials → 401;
 *  - every role below the declared minimum → 403, the minimum itself → not refused;
 *  - routes for people only refuse API keys;
 *  - another organization's owner gets 404 for this organization's ids and changes nothing;
 *  - list routes called by another organization contain none of this organization's ids.
 * A new route with a path parameter fails this test until it gets a fixture below, so the
 * guarantee extends to every later feature.
 */

interface Fixture {
  params: Record<string, string>;
  body?: unknown;
  /** Still present and unchanged for its owner? */
  intact(): Promise<boolean>;
}

type FixtureFactory = (t: TestApp, owner: Session) => Promise<Fixture>;

const fixtures: Record<string, FixtureFactory> = {
  '/api/v1/members/:userId': async (t, owner) => {
    const member = await t.memberOf(owner.organization.id, 'viewer');
    return {
      params: { userId: member.user.id },
      body: { role: 'admin' },
      intact: async () => {
        const res = await t.call(owner.accessToken, {
          method: 'GET',
          url: '/api/v1/members?limit=200',
        });
        const items = (res.json() as { items: { userId: string; role: string }[] }).items;
        return items.some((m) => m.userId === member.user.id && m.role === 'viewer');
      },
    };
  },
  '/api/v1/invitations/:id': async (t, owner) => {
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: `invitee-${uuidv7()}@example.com`, role: 'editor' },
    });
    const { id } = res.json() as { id: string };
    return {
      params: { id },
      intact: async () => {
        const list = await t.call(owner.accessToken, {
          method: 'GET',
          url: '/api/v1/invitations?limit=200',
        });
        return (list.json() as { items: { id: string }[] }).items.some((i) => i.id === id);
      },
    };
  },
  '/api/v1/api-keys/:id': async (t, owner) => {
    const key = await t.apiKey(owner, 'viewer');
    return {
      params: { id: key.id },
      intact: async () =>
        (await t.call(key.key, { method: 'GET', url: '/api/v1/me' })).statusCode === 200,
    };
  },
  '/api/v1/write-keys/:id': async (t, owner) => {
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/write-keys',
      payload: { name: 'Fixture source' },
    });
    const { id } = res.json() as { id: string };
    return {
      params: { id },
      intact: async () => {
        const list = await t.call(owner.accessToken, {
          method: 'GET',
          url: '/api/v1/write-keys?limit=200',
        });
        return (list.json() as { items: { id: string }[] }).items.some((k) => k.id === id);
      },
    };
  },
  '/api/v1/jobs/failed/:id': failedJobFixture,
  '/api/v1/jobs/failed/:id/retry': failedJobFixture,
  // audience fixtures
  '/api/v1/contacts/:id': (t, owner) => contactFixture(t, owner, { firstName: 'Mallory' }),
  '/api/v1/contacts/:id/timeline': (t, owner) => contactFixture(t, owner),
  '/api/v1/contacts/:id/data': (t, owner) => contactFixture(t, owner),
  '/api/v1/contacts/:id/erase': (t, owner) => contactFixture(t, owner, { suppress: true }),
  '/api/v1/lists/:id': (t, owner) => listFixture(t, owner, () => ({ name: 'Hijacked' })),
  '/api/v1/lists/:id/members': (t, owner) =>
    listFixture(t, owner, (member, other) => ({ contactIds: [member, other] })),
  '/api/v1/fields/:id': async (t, owner) => {
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/fields',
      payload: { key: `f_${uuidv7().slice(-12)}`, label: 'Plan', type: 'string' },
    });
    const { id } = res.json() as { id: string };
    return {
      params: { id },
      body: { label: 'Hijacked' },
      intact: async () => {
        const list = await t.call(owner.accessToken, {
          method: 'GET',
          url: '/api/v1/fields?limit=200',
        });
        const items = (list.json() as { items: { id: string; label: string }[] }).items;
        return items.some((f) => f.id === id && f.label === 'Plan');
      },
    };
  },
  '/api/v1/suppressions/:id': async (t, owner) => {
    const email = `suppressed-${uuidv7()}@example.com`;
    const res = await t.call(owner.accessToken, {
      method: 'POST',
      url: '/api/v1/suppressions',
      payload: { email, reason: 'complaint' },
    });
    const { id } = res.json() as { id: string };
    return {
      params: { id },
      intact: async () => {
        const list = await t.call(owner.accessToken, {
          method: 'GET',
          url: `/api/v1/suppressions?search=${encodeURIComponent(email)}`,
        });
        return (list.json() as { items: { id: string }[] }).items.some((s) => s.id === id);
      },
    };
  },
  '/api/v1/imports/:id': importFixture,
  '/api/v1/imports/:id/errors': importFixture,
  '/api/v1/segments/:id': segmentFixture,
  '/api/v1/segments/:id/count': segmentFixture,
  // content fixtures
  '/api/v1/templates/:id': (t, owner) => templateFixture(t, owner, () => ({ name: 'Hijacked' })),
  '/api/v1/templates/:id/preview': (t, owner) => templateFixture(t, owner, () => ({})),
  '/api/v1/templates/:id/test-send': (t, owner) =>
    templateFixture(t, owner, (senderId) => ({ to: 'x@example.com', senderId })),
  '/api/v1/templates/:id/versions': (t, owner) => templateFixture(t, owner),
  '/api/v1/templates/:id/versions/:version': (t, owner) => templateFixture(t, owner),
  '/api/v1/templates/:id/versions/:version/restore': (t, owner) => templateFixture(t, owner),
  '/api/v1/senders/:id': senderFixture,
  '/api/v1/senders/:id/verify': senderFixture,
  '/api/v1/senders/:id/pause': senderFixture,
  '/api/v1/senders/:id/resume': senderFixture,
  '/api/v1/campaigns/:id': (t, owner) => campaignFixture(t, owner, { name: 'Hijacked' }),
  '/api/v1/campaigns/:id/preflight': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/schedule': (t, owner) =>
    campaignFixture(t, owner, { sendAt: '2099-01-01T00:00:00Z' }),
  '/api/v1/campaigns/:id/send-now': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/pause': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/resume': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/cancel': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/duplicate': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/follow-up': (t, owner) => campaignFixture(t, owner, { to: 'non_openers' }),
  '/api/v1/campaigns/:id/stats': (t, owner) => campaignFixture(t, owner),
  '/api/v1/campaigns/:id/messages': (t, owner) => campaignFixture(t, owner),
  '/api/v1/outbox/:id': async (t, owner) => {
    const id = uuidv7();
    await t.database.db.insert(outboxMessages).values({
      id,
      orgId: owner.organization.id,
      messageId: `<${id}@herald.test>`,
      fromEmail: 'a@herald.test',
      toEmail: 'b@herald.test',
      subject: 'Fixture',
      raw: 'Subject: Fixture\r\n\r\nHello\r\n',
    });
    return {
      params: { id },
      intact: async () =>
        (await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/outbox/${id}` }))
          .statusCode === 200,
    };
  },
  '/api/v1/webhooks/:id': (t, owner) => webhookFixture(t, owner, { description: 'Hijacked' }),
  '/api/v1/webhooks/:id/secret': webhookFixture,
  '/api/v1/webhooks/:id/rotate-secret': webhookFixture,
  '/api/v1/webhooks/:id/test': (t, owner) =>
    webhookFixture(t, owner, { eventType: 'contact.created' }),
  '/api/v1/webhooks/:id/deliveries': webhookFixture,
  '/api/v1/webhooks/:id/deliveries/:deliveryId': webhookFixture,
  '/api/v1/webhooks/:id/deliveries/:deliveryId/replay': webhookFixture,
  '/api/v1/flows/:id': (t, owner) => flowFixture(t, owner, { name: 'Hijacked' }),
  '/api/v1/flows/:id/validate': (t, owner) => flowFixture(t, owner, {}),
  '/api/v1/flows/:id/publish': flowFixture,
  '/api/v1/flows/:id/activate': flowFixture,
  '/api/v1/flows/:id/deactivate': flowFixture,
  '/api/v1/flows/:id/versions': flowFixture,
  '/api/v1/flows/:id/versions/:version': flowFixture,
  '/api/v1/flows/:id/enroll': (t, owner) => flowFixture(t, owner, 'contact'),
  '/api/v1/flows/:id/stats': flowFixture,
  '/api/v1/flows/:id/runs': flowFixture,
  '/api/v1/flows/:id/simulate': (t, owner) => flowFixture(t, owner, 'contact'),
  '/api/v1/flow-runs/:id': (t, owner) => flowFixture(t, owner, undefined, 'run'),
  '/api/v1/alerts/:id/resolve': async (t, owner) => {
    const id = uuidv7();
    await t.database.db.insert(alerts).values({
      id,
      orgId: owner.organization.id,
      kind: 'sender.paused',
      severity: 'critical',
      title: 'Fixture',
      message: 'Fixture alert',
    });
    return {
      params: { id },
      intact: async () => {
        const res = await t.call(owner.accessToken, {
          method: 'GET',
          url: '/api/v1/alerts?status=open&limit=200',
        });
        return (res.json() as { items: { id: string }[] }).items.some((a) => a.id === id);
      },
    };
  },
};

/** An active flow (version 1) with one run; `id` is the flow's, or the run's for `as: 'run'`. */
async function flowFixture(
  t: TestApp,
  owner: Session,
  body?: object | 'contact',
  as: 'flow' | 'run' = 'flow',
): Promise<Fixture> {
  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.call(owner.accessToken, { method, url, ...(payload ? { payload } : {}) });
  const contact = (
    await call('POST', '/api/v1/contacts', { email: `flow-${uuidv7()}@example.com` })
  ).json() as { id: string };
  const definition = {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { type: 'manual' } },
      { id: 'end', type: 'exit', position: { x: 0, y: 100 }, config: {} },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'end' }],
  };
  const { id } = (
    await call('POST', '/api/v1/flows', { name: 'Fixture flow', definition })
  ).json() as {
    id: string;
  };
  await call('POST', `/api/v1/flows/${id}/activate`);
  const enrolled = (
    await call('POST', `/api/v1/flows/${id}/enroll`, { contactId: contact.id })
  ).json() as { runs: { id: string }[] };
  const runId = enrolled.runs[0]!.id;
  return {
    params: { id: as === 'run' ? runId : id, version: '1' },
    body: body === 'contact' ? { contactId: contact.id } : body,
    intact: async () => {
      const flow = (await call('GET', `/api/v1/flows/${id}`)).json() as {
        name: string;
        status: string;
        publishedVersion: number;
      };
      const runs = (await call('GET', `/api/v1/flows/${id}/runs`)).json() as { items: unknown[] };
      return (
        flow.name === 'Fixture flow' &&
        flow.status === 'active' &&
        flow.publishedVersion === 1 &&
        runs.items.length === 1
      );
    },
  };
}

/** An endpoint with one dead delivery; any change by another organization shows. */
async function webhookFixture(t: TestApp, owner: Session, body?: object): Promise<Fixture> {
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/webhooks',
    payload: { url: 'https://hooks.example.com/fixture', eventTypes: ['contact.created'] },
  });
  const { id, secret } = res.json() as { id: string; secret: string };
  const deliveryId = uuidv7();
  await t.database.db.insert(webhookDeliveries).values({
    id: deliveryId,
    orgId: owner.organization.id,
    endpointId: id,
    eventId: `msg_${deliveryId}`,
    eventType: 'contact.created',
    payload: { type: 'contact.created', timestamp: new Date().toISOString(), data: {} },
    status: 'dead',
    attempts: 8,
  });
  const get = (url: string) => t.call(owner.accessToken, { method: 'GET', url });
  return {
    params: { id, deliveryId },
    body,
    intact: async () => {
      const endpoint = (await get(`/api/v1/webhooks/${id}`)).json() as {
        description: string | null;
      };
      const stored = (await get(`/api/v1/webhooks/${id}/secret`)).json() as { secret: string };
      const delivery = (await get(`/api/v1/webhooks/${id}/deliveries/${deliveryId}`)).json() as {
        attempts: unknown[];
        status: string;
      };
      const log = (await get(`/api/v1/webhooks/${id}/deliveries`)).json() as { items: unknown[] };
      return (
        endpoint.description === null &&
        stored.secret === secret &&
        delivery.status === 'dead' &&
        delivery.attempts.length === 0 &&
        log.items.length === 1
      );
    },
  };
}

async function templateFixture(
  t: TestApp,
  owner: Session,
  body?: (senderId: string) => object,
): Promise<Fixture> {
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/templates',
    payload: { name: 'Fixture template', subject: 'Hi', format: 'html', body: '<p>Hi</p>' },
  });
  const { id } = res.json() as { id: string };
  const senders = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/senders' });
  const senderId = (senders.json() as { items: { id: string }[] }).items[0]!.id;
  return {
    params: { id, version: '1' },
    body: body?.(senderId),
    intact: async () => {
      const got = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/templates/${id}`,
      });
      const body = got.json() as { name: string; version: number };
      return got.statusCode === 200 && body.name === 'Fixture template' && body.version === 1;
    },
  };
}

/** A draft campaign that could be sent: any action another organization sneaks through shows. */
async function campaignFixture(t: TestApp, owner: Session, body?: object): Promise<Fixture> {
  const senders = await t.call(owner.accessToken, { method: 'GET', url: '/api/v1/senders' });
  const senderId = (senders.json() as { items: { id: string }[] }).items[0]!.id;
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/campaigns',
    payload: {
      name: 'Fixture campaign',
      content: {
        subject: 'Hi',
        format: 'html',
        body: '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      },
      senderIds: [senderId],
    },
  });
  const { id } = res.json() as { id: string };
  return {
    params: { id },
    body,
    intact: async () => {
      const got = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/campaigns/${id}`,
      });
      const c = got.json() as { name: string; status: string };
      const all = await t.call(owner.accessToken, {
        method: 'GET',
        url: '/api/v1/campaigns?limit=200',
      });
      const copies = (all.json() as { items: { name: string }[] }).items.filter((i) =>
        i.name.startsWith('Fixture campaign'),
      );
      return (
        got.statusCode === 200 &&
        c.name === 'Fixture campaign' &&
        c.status === 'draft' &&
        copies.every((i) => i.name === 'Fixture campaign')
      );
    },
  };
}

async function senderFixture(t: TestApp, owner: Session): Promise<Fixture> {
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/senders',
    payload: { name: 'Fixture sender', fromEmail: 'news@herald.test', provider: 'outbox' },
  });
  const { id } = res.json() as { id: string };
  return {
    params: { id },
    body: { name: 'Hijacked' },
    intact: async () => {
      const got = await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/senders/${id}` });
      const body = got.json() as { name: string; status: string };
      return got.statusCode === 200 && body.name === 'Fixture sender' && body.status === 'active';
    },
  };
}

async function importFixture(t: TestApp, owner: Session): Promise<Fixture> {
  const id = uuidv7();
  await t.database.db.insert(imports).values({
    id,
    orgId: owner.organization.id,
    status: 'pending',
    fileName: 'fixture.csv',
    filePath: `/nonexistent/${id}.csv`,
    fileSize: 10,
    options: {},
  });
  return {
    params: { id },
    intact: async () => {
      const got = await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/imports/${id}` });
      return got.statusCode === 200 && (got.json() as { status: string }).status === 'pending';
    },
  };
}

async function segmentFixture(t: TestApp, owner: Session): Promise<Fixture> {
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/segments',
    payload: {
      name: 'Fixture segment',
      definition: { field: 'email', op: 'contains', value: '@' },
    },
  });
  const { id } = res.json() as { id: string };
  return {
    params: { id },
    body: { name: 'Renamed by another org' },
    intact: async () => {
      const got = await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/segments/${id}` });
      return got.statusCode === 200 && (got.json() as { name: string }).name === 'Fixture segment';
    },
  };
}

async function createContact(t: TestApp, owner: Session, firstName = 'Ada') {
  const email = `contact-${uuidv7()}@example.com`;
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/contacts',
    payload: { email, firstName },
  });
  return { ...(res.json() as { id: string }), email };
}

async function contactFixture(t: TestApp, owner: Session, body?: object): Promise<Fixture> {
  const contact = await createContact(t, owner);
  return {
    params: { id: contact.id },
    body,
    intact: async () => {
      const res = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/contacts/${contact.id}`,
      });
      const suppressed = await t.call(owner.accessToken, {
        method: 'GET',
        url: `/api/v1/suppressions?search=${encodeURIComponent(contact.email)}`,
      });
      return (
        res.statusCode === 200 &&
        (res.json() as { firstName: string }).firstName === 'Ada' &&
        (suppressed.json() as { items: unknown[] }).items.length === 0
      );
    },
  };
}

/** A list with one member; a members body names that member and one more, so any change shows. */
async function listFixture(
  t: TestApp,
  owner: Session,
  body: (member: string, other: string) => object,
): Promise<Fixture> {
  const [member, other] = [await createContact(t, owner), await createContact(t, owner)];
  const res = await t.call(owner.accessToken, {
    method: 'POST',
    url: '/api/v1/lists',
    payload: { name: 'Customers' },
  });
  const { id } = res.json() as { id: string };
  await t.call(owner.accessToken, {
    method: 'POST',
    url: `/api/v1/lists/${id}/members`,
    payload: { contactIds: [member.id] },
  });
  return {
    params: { id },
    body: body(member.id, other.id),
    intact: async () => {
      const list = await t.call(owner.accessToken, { method: 'GET', url: `/api/v1/lists/${id}` });
      const body = list.json() as { name: string; memberCount: number };
      return list.statusCode === 200 && body.name === 'Customers' && body.memberCount === 1;
    },
  };
}

async function failedJobFixture(t: TestApp, owner: Session): Promise<Fixture> {
  const id = uuidv7();
  await t.database.db.insert(failedJobs).values({
    id,
    orgId: owner.organization.id,
    queue: 'maintenance',
    name: 'maintenance.purge',
    payload: {},
    error: 'Error: boom',
    attempts: 3,
  });
  return {
    params: { id },
    intact: async () => {
      const res = await t.call(owner.accessToken, {
        method: 'GET',
        url: '/api/v1/jobs/failed?limit=200',
      });
      return (res.json() as { items: { id: string }[] }).items.some((j) => j.id === id);
    },
  };
}

const fill = (url: string, params: Record<string, string>) =>
  url.replace(/:(\w+)/g, (_, name: string) => params[name] ?? `:${name}`);
const hasParams = (route: RouteEntry) => /:\w+/.test(route.url);
const bodyFor = (route: RouteEntry) =>
  ['POST', 'PATCH', 'PUT'].includes(route.method) ? { payload: {} } : {};

describe('every route is scoped to the caller’s organization and role', () => {
  let t: TestApp;
  let ownerA: Session;
  let ownerB: Session;
  const byRole = new Map<string, Session>();
  let adminKey: string;
  let routes: RouteEntry[];

  beforeAll(async () => {
    t = await createTestApp();
    ownerA = await t.register({ organizationName: 'Org A' });
    ownerB = await t.register({ organizationName: 'Org B' });
    for (const role of ROLES)
      byRole.set(role, role === 'owner' ? ownerA : await t.memberOf(ownerA.organization.id, role));
    adminKey = (await t.apiKey(ownerA, 'admin')).key;
    routes = t.app.routeTable.filter((r) => !('public' in r.access));
  });
  afterAll(() => t.close());

  it('has routes to walk, each declaring access', () => {
    expect(routes.length).toBeGreaterThan(10);
    for (const r of t.app.routeTable) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
  });

  it('refuses anonymous callers on every non-public route', async () => {
    for (const route of routes) {
      const res = await t.call(undefined, {
        method: route.method as 'GET',
        url: fill(route.url, {}),
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('refuses forged, expired-looking and revoked credentials', async () => {
    const forged = `${ownerA.accessToken.slice(0, -4)}AAAA`;
    expect((await t.call(forged, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (await t.call('hk_not-a-real-key', { method: 'GET', url: '/api/v1/me' })).statusCode,
    ).toBe(401);
    const key = await t.apiKey(ownerA, 'viewer');
    await t.call(ownerA.accessToken, { method: 'DELETE', url: `/api/v1/api-keys/${key.id}` });
    expect((await t.call(key.key, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('refuses each role below a route’s minimum, and lets the minimum through', async () => {
    for (const route of routes) {
      if ('public' in route.access) continue;
      const minimum = route.access.role;
      const url = fill(route.url, { id: uuidv7(), userId: uuidv7() });
      for (const role of ROLES) {
        const res = await t.call(byRole.get(role)!.accessToken, {
          method: route.method as 'GET',
          url,
          ...bodyFor(route),
        });
        const label = `${route.method} ${route.url} as ${role}`;
        if (roleAtLeast(role, minimum)) expect([401, 403], label).not.toContain(res.statusCode);
        else expect(res.statusCode, label).toBe(403);
      }
    }
  });

  it('refuses API keys on routes that act for a person', async () => {
    const personal = routes.filter((r) => !('public' in r.access) && r.access.principal === 'user');
    expect(personal.length).toBeGreaterThan(0);
    for (const route of personal) {
      const res = await t.call(adminKey, {
        method: route.method as 'GET',
        url: fill(route.url, {}),
        ...bodyFor(route),
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });

  it('answers 404 to another organization for every id, and changes nothing', async () => {
    const parameterized = routes.filter(hasParams);
    const missing = [...new Set(parameterized.map((r) => r.url))].filter((url) => !fixtures[url]);
    expect(missing, 'add a tenancy fixture for these routes').toEqual([]);
    for (const route of parameterized) {
      const fixture = await fixtures[route.url]!(t, ownerA);
      const res = await t.call(ownerB.accessToken, {
        method: route.method as 'GET',
        url: fill(route.url, fixture.params),
        ...(fixture.body !== undefined ? { payload: fixture.body as object } : {}),
      });
      const label = `${route.method} ${route.url}`;
      expect(res.statusCode, label).toBe(404);
      expect(res.body, label).not.toContain(ownerA.organization.id);
      expect(await fixture.intact(), `${label} must leave organization A's data alone`).toBe(true);
    }
  });

  it('shows another organization none of this organization’s ids in any list', async () => {
    const ids = [ownerA.organization.id, ownerA.user.id];
    for (const factory of new Set(Object.values(fixtures))) {
      // Ids only: a version number such as "1" is not a secret and appears everywhere.
      ids.push(...Object.values((await factory(t, ownerA)).params).filter((v) => v.length > 8));
    }
    const lists = routes.filter((r) => r.method === 'GET' && !hasParams(r));
    expect(lists.length).toBeGreaterThan(3);
    for (const route of lists) {
      const res = await t.call(ownerB.accessToken, { method: 'GET', url: route.url });
      expect(res.statusCode, route.url).toBe(200);
      for (const id of ids) expect(res.body, `${route.url} leaks ${id}`).not.toContain(id);
    }
  });
});
