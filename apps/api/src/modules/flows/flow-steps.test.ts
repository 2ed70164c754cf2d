import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { flowOrg, line, runsSettled } from './flows.test-kit.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('flow steps', () => {
  let t: TestApp;
  let server: Server;
  let port: number;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/flaky' && seen.filter((x) => x.url === '/flaky').length === 1) {
          res.writeHead(503);
          res.end();
          return;
        }
        if (req.url === '/broken') {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"error":"no"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ account: { tier: 'gold', score: 42 }, items: [{ id: 'x1' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // The local test server is a private address: only reachable because it is allowed.
    t = await createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    await t.startWorker();
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('branches on attributes, segments, the trigger and engagement with an email', async () => {
    const org = await flowOrg(t);
    const segment = (
      await org.call('POST', '/api/v1/segments', {
        name: 'VIP',
        definition: { tag: 'vip', op: 'has' },
      })
    ).json() as { id: string };
    const tag = (id: string, value: string) => ({
      id,
      type: 'update_contact',
      position: { x: 0, y: 0 },
      config: { actions: [{ type: 'add_tag', tag: value }] },
    });
    const flowId = await org.activeFlow({
      reEntry: 'once',
      exitConditions: [],
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { type: 'manual' } },
        {
          id: 'mail',
          type: 'send_email',
          position: { x: 0, y: 1 },
          config: { templateId: org.templateId },
        },
        {
          id: 'check',
          type: 'branch',
          position: { x: 0, y: 2 },
          config: {
            match: 'all',
            conditions: [
              { type: 'rules', rules: { attribute: 'plan', op: 'eq', value: 'pro' } },
              { type: 'segment', segmentId: segment.id, op: 'in' },
              { type: 'trigger', path: 'source', op: 'neq', value: 'import' },
            ],
          },
        },
        {
          id: 'pause',
          type: 'wait',
          position: { x: 0, y: 3 },
          config: { mode: 'duration', duration: { amount: 2, unit: 'seconds' } },
        },
        {
          id: 'engaged',
          type: 'branch',
          position: { x: 0, y: 4 },
          config: {
            match: 'any',
            conditions: [{ type: 'email', action: 'opened', stepId: 'mail' }],
          },
        },
        tag('vip', 'pro-vip'),
        tag('ignored', 'ignored'),
        tag('opened', 'opened'),
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'mail' },
        { id: 'e2', source: 'mail', target: 'check' },
        { id: 'e3', source: 'check', sourceHandle: 'yes', target: 'vip' },
        { id: 'e4', source: 'check', sourceHandle: 'no', target: 'pause' },
        { id: 'e5', source: 'pause', target: 'engaged' },
        { id: 'e6', source: 'engaged', sourceHandle: 'yes', target: 'opened' },
        { id: 'e7', source: 'engaged', sourceHandle: 'no', target: 'ignored' },
      ],
    });
    const proVip = await org.contact(undefined, { attributes: { plan: 'pro' }, tags: ['vip'] });
    const proOnly = await org.contact(undefined, { attributes: { plan: 'pro' } });
    const reader = await org.contact();
    const enrolled = await org.call('POST', `/api/v1/flows/${flowId}/enroll`, {
      contactIds: [proVip, proOnly, reader],
    });
    const readerRun = (enrolled.json() as { runs: { id: string; contactId: string }[] }).runs.find(
      (r) => r.contactId === reader,
    )!.id;
    // While the reader's run waits, they open the email it sent.
    await runsSettled(org.call, flowId, 3, ['completed', 'waiting']);
    await t.database.db
      .update(messages)
      .set({ openedAt: new Date() })
      .where(eq(messages.flowRunId, readerRun));
    const runs = await runsSettled(org.call, flowId, 3);
    const path = (contactId: string) =>
      runs
        .find((r) => r.contactId === contactId)!
        .steps.map((s) => `${s.stepId}:${s.outcome ?? ''}`);
    expect(path(proVip)).toEqual(['mail:sent', 'check:yes', 'vip:']);
    expect(path(proOnly)).toEqual(['mail:sent', 'check:no', 'pause:', 'engaged:no', 'ignored:']);
    expect(path(reader)).toEqual(['mail:sent', 'check:no', 'pause:', 'engaged:yes', 'opened:']);
    const check = runs.find((r) => r.contactId === proOnly)!.steps[1]!;
    expect(check.detail.conditions).toEqual([
      expect.objectContaining({ type: 'rules', result: true }),
      expect.objectContaining({
        type: 'segment',
        result: false,
        reason: 'the contact is not in the segment',
      }),
      expect.objectContaining({ type: 'trigger', result: true }),
    ]);
  });

  it('splits runs roughly in the configured proportions', async () => {
    const org = await flowOrg(t);
    const tag = (id: string) => ({
      id,
      type: 'update_contact',
      position: { x: 0, y: 0 },
      config: { actions: [{ type: 'add_tag', tag: id }] },
    });
    const flowId = await org.activeFlow({
      reEntry: 'once',
      exitConditions: [],
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { type: 'manual' } },
        {
          id: 'split',
          type: 'random_split',
          position: { x: 0, y: 1 },
          config: {
            branches: [
              { id: 'a', percent: 20 },
              { id: 'b', percent: 80 },
            ],
          },
        },
        tag('taken-a'),
        tag('taken-b'),
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'split' },
        { id: 'e2', source: 'split', sourceHandle: 'a', target: 'taken-a' },
        { id: 'e3', source: 'split', sourceHandle: 'b', target: 'taken-b' },
      ],
    });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await org.contact());
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactIds: ids });
    const runs = await runsSettled(org.call, flowId, 40, ['completed']);
    const a = runs.filter((r) => r.steps[0]!.outcome === 'a').length;
    expect(a).toBeGreaterThanOrEqual(2);
    expect(a).toBeLessThanOrEqual(16);
    for (const run of runs) expect(run.steps[1]!.stepId).toBe(`taken-${run.steps[0]!.outcome}`);
    const stats = (await org.call('GET', `/api/v1/flows/${flowId}/stats`)).json() as {
      steps: { stepId: string; entered: number }[];
    };
    expect(stats.steps.find((s) => s.stepId === 'taken-a')!.entered).toBe(a);
    expect(stats.steps.find((s) => s.stepId === 'taken-b')!.entered).toBe(40 - a);
  });

  it('updates the contact: attributes, tags, lists, unsubscribe', async () => {
    const org = await flowOrg(t);
    const list = (await org.call('POST', '/api/v1/lists', { name: 'Customers' })).json() as {
      id: string;
    };
    const old = (await org.call('POST', '/api/v1/lists', { name: 'Leads' })).json() as {
      id: string;
    };
    const contactId = await org.contact(undefined, {
      attributes: { stage: 'lead', temp: 1 },
      tags: ['lead'],
    });
    await org.call('POST', `/api/v1/lists/${old.id}/members`, { contactIds: [contactId] });
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        {
          id: 'update',
          type: 'update_contact',
          config: {
            actions: [
              { type: 'set_attribute', attribute: 'stage', value: 'customer' },
              { type: 'unset_attribute', attribute: 'temp' },
              { type: 'add_tag', tag: 'customer' },
              { type: 'remove_tag', tag: 'lead' },
              { type: 'add_to_list', listId: list.id },
              { type: 'remove_from_list', listId: old.id },
              { type: 'unsubscribe' },
            ],
          },
        },
      ]),
    );
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    const [run] = await runsSettled(org.call, flowId, 1);
    expect(run!.steps[0]!.detail.applied).toHaveLength(7);
    const contact = (await org.call('GET', `/api/v1/contacts/${contactId}`)).json() as {
      attributes: Record<string, unknown>;
      tags: string[];
      status: string;
    };
    expect(contact).toMatchObject({
      attributes: { stage: 'customer' },
      tags: ['customer'],
      status: 'unsubscribed',
    });
    expect(contact.attributes).not.toHaveProperty('temp');
    const members = (await org.call('GET', `/api/v1/contacts?listId=${list.id}`)).json() as {
      items: { id: string }[];
    };
    expect(members.items.map((m) => m.id)).toEqual([contactId]);
    const leads = (await org.call('GET', `/api/v1/contacts?listId=${old.id}`)).json() as {
      items: unknown[];
    };
    expect(leads.items).toHaveLength(0);
  });

  it('calls a webhook with a rendered body and maps the JSON answer into attributes', async () => {
    const org = await flowOrg(t);
    const contactId = await org.contact('hook@example.com', { attributes: { plan: 'pro' } });
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        {
          id: 'crm',
          type: 'webhook',
          config: {
            url: `http://127.0.0.1:${port}/sync?source=herald`,
            method: 'POST',
            headers: { 'x-api-key': 'secret-1' },
            body: '{"email": {{ contact.email | json }}, "plan": {{ contact.attributes.plan | json }}, "run": "{{ run.id }}"}',
            responseMapping: {
              tier: 'account.tier',
              score: 'account.score',
              first_item: 'items.0.id',
              gone: 'nope.nothing',
            },
          },
        },
        {
          id: 'broken',
          type: 'webhook',
          config: { url: `http://127.0.0.1:${port}/broken`, method: 'POST', body: '{}' },
        },
        {
          id: 'after',
          type: 'update_contact',
          config: { actions: [{ type: 'add_tag', tag: 'went-on' }] },
        },
      ]),
    );
    const before = seen.length;
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    const [run] = await runsSettled(org.call, flowId, 1);
    const call = seen[before]!;
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/sync?source=herald');
    expect(call.headers['x-api-key']).toBe('secret-1');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers['idempotency-key']).toBe(`${run!.id}:crm:1`);
    expect(JSON.parse(call.body)).toEqual({ email: 'hook@example.com', plan: 'pro', run: run!.id });
    // A 400 is not retried: the step fails, and (onFailure: continue) the run goes on.
    expect(run!.steps.map((s) => [s.stepId, s.status, s.outcome])).toEqual([
      ['crm', 'completed', '200'],
      ['broken', 'failed', 'error'],
      ['after', 'completed', null],
    ]);
    expect(seen.filter((s) => s.url === '/broken')).toHaveLength(1);
    const contact = (await org.call('GET', `/api/v1/contacts/${contactId}`)).json() as {
      attributes: Record<string, unknown>;
    };
    expect(contact.attributes).toEqual({ plan: 'pro', tier: 'gold', score: 42, first_item: 'x1' });
    const stats = (await org.call('GET', `/api/v1/flows/${flowId}/stats`)).json() as {
      steps: { stepId: string; errors: number }[];
    };
    expect(stats.steps.find((s) => s.stepId === 'broken')!.errors).toBe(1);
  });

  it('tries a webhook again after a 503, with the same idempotency key', async () => {
    const org = await flowOrg(t);
    const contactId = await org.contact();
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        {
          id: 'flaky',
          type: 'webhook',
          config: { url: `http://127.0.0.1:${port}/flaky`, method: 'POST', body: '{}' },
        },
      ]),
    );
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    const [run] = await runsSettled(org.call, flowId, 1);
    const calls = seen.filter((x) => x.url === '/flaky');
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.headers['idempotency-key']))).toEqual(
      new Set([`${run!.id}:flaky:1`]),
    );
    expect(run!.steps).toEqual([
      expect.objectContaining({ stepId: 'flaky', status: 'completed', outcome: '200' }),
    ]);
  });

  it('ends the run as failed when a webhook fails and the step says so; private addresses stay blocked', async () => {
    const org = await flowOrg(t);
    const contactId = await org.contact();
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        {
          id: 'metadata',
          type: 'webhook',
          config: {
            url: 'http://169.254.169.254/latest/meta-data',
            method: 'GET',
            onFailure: 'continue',
          },
        },
        {
          id: 'strict',
          type: 'webhook',
          config: { url: `http://127.0.0.1:${port}/broken`, method: 'POST', onFailure: 'fail' },
        },
        {
          id: 'never',
          type: 'update_contact',
          config: { actions: [{ type: 'add_tag', tag: 'never' }] },
        },
      ]),
    );
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    const [run] = await runsSettled(org.call, flowId, 1, ['failed']);
    expect(run!.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['metadata', 'failed'],
      ['strict', 'failed'],
    ]);
    expect(String(run!.steps[0]!.detail.error)).toMatch(/private or reserved/);
    expect(run!.error).toBe('The URL answered 400');
  });
});
