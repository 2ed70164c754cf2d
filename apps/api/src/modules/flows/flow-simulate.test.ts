import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { flowOrg, line } from './flows.test-kit.js';

interface Simulation {
  version: number | null;
  status: string;
  exitReason: string | null;
  steps: {
    stepId: string;
    at: string;
    outcome: string | null;
    reason: string;
    email?: { subject: string; wouldSend: boolean; from: string | null };
    webhook?: { method: string; url: string; body: string | null };
    changes?: string[];
    conditions?: { result: boolean; reason: string }[];
  }[];
}

const DAY = 86_400_000;

describe('flow simulation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.startWorker();
  });
  afterAll(() => t.close());

  /** Everything a run could have written for the organization. */
  const counts = async (orgId: string) => {
    const result = await t.database.db.execute(sql`select
        (select count(*)::int from messages where org_id = ${orgId}::uuid) as messages,
        (select count(*)::int from flow_runs where org_id = ${orgId}::uuid) as runs,
        (select count(*)::int from flow_run_steps where org_id = ${orgId}::uuid) as steps,
        (select count(*)::int from outbox_messages where org_id = ${orgId}::uuid) as outbox,
        (select count(*)::int from campaigns where org_id = ${orgId}::uuid) as campaigns,
        (select count(*)::int from contact_activities where org_id = ${orgId}::uuid) as activities`);
    return (result as unknown as { rows: Record<string, number>[] }).rows[0];
  };

  function definition(templateId: string) {
    const node = (id: string, type: string, config: object) => ({
      id,
      type,
      position: { x: 0, y: 0 },
      config,
    });
    return {
      reEntry: 'once',
      exitConditions: [{ type: 'event', name: 'Unsubscribed Everywhere', propertyFilter: [] }],
      nodes: [
        node('trigger', 'trigger', { type: 'event', name: 'Trial Started', propertyFilter: [] }),
        node('hello', 'send_email', { templateId, subject: 'Your trial, {{ firstName }}' }),
        node('day', 'wait', { mode: 'duration', duration: { amount: 1, unit: 'days' } }),
        node('buy', 'wait_for_event', {
          name: 'Purchased',
          propertyFilter: [{ path: 'total', op: 'gt', value: 0 }],
          timeout: { amount: 3, unit: 'days' },
        }),
        node('pro', 'branch', {
          match: 'all',
          conditions: [{ type: 'rules', rules: { attribute: 'plan', op: 'eq', value: 'pro' } }],
        }),
        node('crm', 'webhook', {
          url: 'https://crm.example.com/hook',
          body: '{"email": {{ contact.email | json }}}',
        }),
        node('mark', 'update_contact', { actions: [{ type: 'add_tag', tag: 'buyer' }] }),
        node('remind', 'send_email', { templateId }),
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'hello' },
        { id: 'e2', source: 'hello', target: 'day' },
        { id: 'e3', source: 'day', target: 'buy' },
        { id: 'e4', source: 'buy', sourceHandle: 'event', target: 'pro' },
        { id: 'e5', source: 'buy', sourceHandle: 'timeout', target: 'remind' },
        { id: 'e6', source: 'pro', sourceHandle: 'yes', target: 'crm' },
        { id: 'e7', source: 'pro', sourceHandle: 'no', target: 'mark' },
      ],
    };
  }

  it('shows the path a contact would take and sends, calls and writes nothing', async () => {
    const org = await flowOrg(t);
    const contactId = await org.contact('sim@example.com', { attributes: { plan: 'pro' } });
    const flowId = (
      (
        await org.call('POST', '/api/v1/flows', {
          name: 'Trial',
          definition: definition(org.templateId),
        })
      ).json() as {
        id: string;
      }
    ).id;
    const before = await counts(org.s.organization.id);
    const now = Date.now();
    const bought = await org.call('POST', `/api/v1/flows/${flowId}/simulate`, {
      contactId,
      events: [
        {
          name: 'Purchased',
          properties: { total: 0 },
          at: new Date(now + 1.5 * DAY).toISOString(),
        },
        { name: 'Purchased', properties: { total: 30 }, at: new Date(now + 2 * DAY).toISOString() },
      ],
    });
    expect(bought.statusCode, bought.body).toBe(200);
    const sim = bought.json() as Simulation;
    expect(sim).toMatchObject({ version: null, status: 'completed' });
    expect(sim.steps.map((s) => [s.stepId, s.outcome])).toEqual([
      ['hello', 'sent'],
      ['day', null],
      ['buy', 'event'],
      ['pro', 'yes'],
      ['crm', null],
    ]);
    expect(sim.steps[0]!.email).toMatchObject({ subject: 'Your trial, Ada', wouldSend: true });
    expect(sim.steps[2]!.reason).toContain('Purchased happens at');
    expect(Date.parse(sim.steps[3]!.at) - now).toBeGreaterThanOrEqual(2 * DAY - 5000);
    expect(sim.steps[3]!.conditions).toEqual([
      expect.objectContaining({ result: true, reason: 'the contact matches the rules' }),
    ]);
    expect(sim.steps[4]!.webhook).toEqual({
      method: 'POST',
      url: 'https://crm.example.com/hook',
      body: '{"email": "sim@example.com"}',
    });

    // No purchase in time: the timeout way.
    const idle = (
      await org.call('POST', `/api/v1/flows/${flowId}/simulate`, { contactId })
    ).json() as Simulation;
    expect(idle.steps.map((s) => [s.stepId, s.outcome])).toEqual([
      ['hello', 'sent'],
      ['day', null],
      ['buy', 'timeout'],
      ['remind', 'sent'],
    ]);
    expect(idle.steps[3]!.email!.subject).toBe('Hello Ada');

    // An exit event during the first day's wait ends the simulated run there.
    const exited = (
      await org.call('POST', `/api/v1/flows/${flowId}/simulate`, {
        contactId,
        events: [
          {
            name: 'Unsubscribed Everywhere',
            properties: {},
            at: new Date(now + DAY / 2).toISOString(),
          },
        ],
      })
    ).json() as Simulation;
    expect(exited.status).toBe('exited');
    expect(exited.steps.map((s) => s.stepId)).toEqual(['hello', 'day']);

    expect(await counts(org.s.organization.id)).toEqual(before);
    const contact = (await org.call('GET', `/api/v1/contacts/${contactId}`)).json() as {
      tags: string[];
    };
    expect(contact.tags).toEqual([]);
  });

  it('simulates a published version, and refuses a draft with problems or an unknown contact', async () => {
    const org = await flowOrg(t);
    const contactId = await org.contact(undefined, { status: 'unsubscribed' });
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        { id: 'mail', type: 'send_email', config: { templateId: org.templateId } },
      ]),
    );
    await org.call('PATCH', `/api/v1/flows/${flowId}`, {
      definition: line({ type: 'manual' }, []),
    });
    const draft = await org.call('POST', `/api/v1/flows/${flowId}/simulate`, { contactId });
    expect(draft.statusCode).toBe(422);
    const v1 = await org.call('POST', `/api/v1/flows/${flowId}/simulate`, {
      contactId,
      version: 1,
    });
    expect(v1.statusCode, v1.body).toBe(200);
    expect((v1.json() as Simulation).steps[0]).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('would not send: the contact is unsubscribed') as unknown,
    });
    expect(
      (await org.call('POST', `/api/v1/flows/${flowId}/simulate`, { contactId, version: 7 }))
        .statusCode,
    ).toBe(404);
    const other = await flowOrg(t);
    const stranger = await other.contact();
    expect(
      (
        await org.call('POST', `/api/v1/flows/${flowId}/simulate`, {
          contactId: stranger,
          version: 1,
        })
      ).statusCode,
    ).toBe(404);
  });
});
