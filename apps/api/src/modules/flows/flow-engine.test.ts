import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowRunSteps, flowRuns, messages } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import {
  eventually,
  flowOrg,
  line,
  outboxFor,
  runsOf,
  runsSettled,
  type Call,
} from './flows.test-kit.js';

describe('flow execution', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.startWorker();
  });
  afterAll(() => t.close());

  it('runs a welcome flow: contact created → email → wait 1 s → email, through the outbox', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line({ type: 'contact_created' }, [
        { id: 'welcome', type: 'send_email', config: { templateId: org.templateId } },
        {
          id: 'pause',
          type: 'wait',
          config: { mode: 'duration', duration: { amount: 1, unit: 'seconds' } },
        },
        {
          id: 'tips',
          type: 'send_email',
          config: { templateId: org.templateId, subject: 'Tips for {{ firstName }}' },
        },
      ]),
      'Welcome',
    );
    const started = Date.now();
    await org.contact('new@example.com');

    const [run] = await runsSettled(org.call, flowId, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(run!.steps.map((s) => [s.stepId, s.status, s.outcome])).toEqual([
      ['welcome', 'completed', 'sent'],
      ['pause', 'completed', null],
      ['tips', 'completed', 'sent'],
    ]);
    const mail = await outboxFor(org.call, 'new@example.com');
    expect(mail.map((m) => m.subject).sort()).toEqual(['Hello Ada', 'Tips for Ada']);

    // The messages are in the ledger under the steps' hidden campaigns, which the campaign
    // list does not show; the numbers show on the flow.
    const campaigns = (await org.call('GET', '/api/v1/campaigns')).json() as { items: unknown[] };
    expect(campaigns.items).toHaveLength(0);
    const stats = (await org.call('GET', `/api/v1/flows/${flowId}/stats`)).json() as {
      runs: Record<string, number>;
      steps: {
        stepId: string;
        entered: number;
        completed: number;
        email: { sent: number } | null;
      }[];
    };
    expect(stats.runs).toMatchObject({ entered: 1, completed: 1, running: 0, failed: 0 });
    // The flow list carries the same run totals, so it needs no stats call per flow.
    const flows = (await org.call('GET', '/api/v1/flows')).json() as {
      items: { id: string; runs: Record<string, number> }[];
    };
    expect(flows.items.find((f) => f.id === flowId)!.runs).toEqual({
      entered: 1,
      active: 0,
      completed: 1,
    });
    expect(stats.steps.find((s) => s.stepId === 'welcome')).toMatchObject({
      entered: 1,
      completed: 1,
      email: { sent: 1 },
    });
    expect(stats.steps.find((s) => s.stepId === 'pause')!.email).toBeNull();

    // The contact's timeline shows the run and its emails.
    const timeline = (
      await org.call('GET', `/api/v1/contacts/${run!.contactId}/timeline`)
    ).json() as { items: { type: string; data: Record<string, unknown> }[] };
    expect(timeline.items.map((i) => i.type)).toContain('flow_completed');
    const sent = timeline.items.filter((i) => i.type === 'message_sent');
    expect(sent).toHaveLength(2);

    // A step's hidden campaign can be read, but is changed only through its flow.
    const hidden = sent[0]!.data.campaignId as string;
    expect((await org.call('GET', `/api/v1/campaigns/${hidden}`)).statusCode).toBe(200);
    for (const [method, path, body] of [
      ['PATCH', '', { name: 'Renamed' }],
      ['POST', '/pause', undefined],
      ['POST', '/cancel', undefined],
      ['POST', '/duplicate', undefined],
      ['DELETE', '', undefined],
    ] as const) {
      const res = await org.call(method, `/api/v1/campaigns/${hidden}${path}`, body);
      expect(res.statusCode, `${method} ${path}`).toBe(409);
    }
    expect(
      ((await org.call('GET', `/api/v1/campaigns/${hidden}`)).json() as { name: string }).name,
    ).not.toBe('Renamed');
  });

  it('sends once when a step job runs twice, or two copies run at once', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        { id: 'mail', type: 'send_email', config: { templateId: org.templateId } },
      ]),
    );
    const contactId = await org.contact('twice@example.com');
    const enrolled = await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const runId = (enrolled.json() as { runs: { id: string }[] }).runs[0]!.id;
    const job = { orgId: org.s.organization.id, runId, stepId: 'mail', visit: 1 };
    // The queued job may run too: three tries at the same step visit between them.
    await Promise.all([
      t.services.flows.engine.runStep(job, { isLastAttempt: false }),
      t.services.flows.engine.runStep(job, { isLastAttempt: false }),
    ]);
    await t.services.flows.engine.runStep(job, { isLastAttempt: false });
    await runsSettled(org.call, flowId, 1);
    const rows = await t.database.db
      .select({ status: messages.status })
      .from(messages)
      .where(eq(messages.flowRunId, runId));
    expect(rows).toEqual([{ status: 'sent' }]);
    expect(await outboxFor(org.call, 'twice@example.com')).toHaveLength(1);
  });

  it('repairs a lost timer: the sweep wakes an overdue wait and the run completes', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        {
          id: 'pause',
          type: 'wait',
          config: { mode: 'duration', duration: { amount: 1, unit: 'hours' } },
        },
        { id: 'after', type: 'send_email', config: { templateId: org.templateId } },
      ]),
    );
    const contactId = await org.contact('lost-timer@example.com');
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    const [waiting] = await runsSettled(org.call, flowId, 1, ['waiting']);
    expect(waiting!.currentStep).toBe('pause');
    // The hour "passes" and the delayed job is gone (a Redis without persistence restarted):
    // only wake_at says the run is due.
    await t.database.db
      .update(flowRuns)
      .set({ wakeAt: new Date(Date.now() - 1000) })
      .where(eq(flowRuns.id, waiting!.id));
    // The stored step keeps the time it computed first; move it back as well.
    const past = new Date(Date.now() - 1000).toISOString();
    await t.database.db
      .update(flowRunSteps)
      .set({ detail: { until: past } })
      .where(eq(flowRunSteps.runId, waiting!.id));
    expect(await t.services.flows.engine.sweep()).toBeGreaterThanOrEqual(1);
    const [done] = await runsSettled(org.call, flowId, 1);
    expect(done!.steps.map((s) => s.stepId)).toEqual(['pause', 'after']);
    expect(await outboxFor(org.call, 'lost-timer@example.com')).toHaveLength(1);
  });

  it('repairs a running run whose step job was lost', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        {
          id: 'tag',
          type: 'update_contact',
          config: { actions: [{ type: 'add_tag', tag: 'swept' }] },
        },
      ]),
    );
    const contactId = await org.contact();
    // A run at its first step that no job will ever pick up, last moved ten minutes ago.
    const runId = uuidv7();
    await t.database.db.insert(flowRuns).values({
      id: runId,
      orgId: org.s.organization.id,
      flowId,
      version: 1,
      contactId,
      status: 'running',
      entryKey: 'once',
      currentStep: 'tag',
      visits: { tag: 1 },
      updatedAt: new Date(Date.now() - 600_000),
    });
    expect((await runsOf(org.call, flowId))[0]!.status).toBe('running');
    expect(await t.services.flows.engine.sweep()).toBeGreaterThanOrEqual(1);
    await runsSettled(org.call, flowId, 1);
    const contact = (await org.call('GET', `/api/v1/contacts/${contactId}`)).json() as {
      tags: string[];
    };
    expect(contact.tags).toEqual(['swept']);
  });

  it('resumes a wait_for_event on the event, or on the timeout', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow({
      ...line({ type: 'manual' }, [
        {
          id: 'await',
          type: 'wait_for_event',
          config: {
            name: 'Order Completed',
            propertyFilter: [{ path: 'total', op: 'gte', value: 10 }],
            timeout: { amount: 2, unit: 'seconds' },
          },
        },
      ]),
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { type: 'manual' } },
        {
          id: 'await',
          type: 'wait_for_event',
          position: { x: 0, y: 100 },
          config: {
            name: 'Order Completed',
            propertyFilter: [{ path: 'total', op: 'gte', value: 10 }],
            timeout: { amount: 2, unit: 'seconds' },
          },
        },
        {
          id: 'bought',
          type: 'update_contact',
          position: { x: -100, y: 200 },
          config: { actions: [{ type: 'add_tag', tag: 'bought' }] },
        },
        {
          id: 'idle',
          type: 'update_contact',
          position: { x: 100, y: 200 },
          config: { actions: [{ type: 'add_tag', tag: 'idle' }] },
        },
      ],
      edges: [
        { id: 'e0', source: 'trigger', target: 'await' },
        { id: 'e1', source: 'await', sourceHandle: 'event', target: 'bought' },
        { id: 'e2', source: 'await', sourceHandle: 'timeout', target: 'idle' },
      ],
    });
    const buyer = await org.contact('buyer@example.com');
    const idler = await org.contact('idler@example.com');
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactIds: [buyer, idler] });
    await runsSettled(org.call, flowId, 2, ['waiting']);
    const emit = (contactId: string, total: number) =>
      t.services.domainEvents.emit(org.s.organization.id, 'event.tracked', {
        events: [
          {
            eventId: crypto.randomUUID(),
            contactId,
            name: 'Order Completed',
            properties: { total },
          },
        ],
      });
    // Too small for the filter: still waiting.
    await emit(buyer, 5);
    expect((await runsOf(org.call, flowId)).every((r) => r.status === 'waiting')).toBe(true);
    await emit(buyer, 25);
    const runs = await runsSettled(org.call, flowId, 2);
    const byContact = new Map(runs.map((r) => [r.contactId, r]));
    expect(byContact.get(buyer)!.steps.map((s) => [s.stepId, s.outcome])).toEqual([
      ['await', 'event'],
      ['bought', null],
    ]);
    expect(byContact.get(idler)!.steps.map((s) => [s.stepId, s.outcome])).toEqual([
      ['await', 'timeout'],
      ['idle', null],
    ]);
  });

  it('ends a run with status exited when the contact performs an exit event', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line(
        { type: 'manual' },
        [
          {
            id: 'pause',
            type: 'wait',
            config: { mode: 'duration', duration: { amount: 1, unit: 'hours' } },
          },
          { id: 'nudge', type: 'send_email', config: { templateId: org.templateId } },
        ],
        { exitConditions: [{ type: 'event', name: 'Subscription Started', propertyFilter: [] }] },
      ),
    );
    const contactId = await org.contact('exits@example.com');
    const ended: unknown[] = [];
    t.services.domainEvents.listen((orgId, type, data) => {
      if (orgId === org.s.organization.id && type === 'flow.run.completed') ended.push(data);
    });
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    await runsSettled(org.call, flowId, 1, ['waiting']);
    await t.services.domainEvents.emit(org.s.organization.id, 'event.tracked', {
      events: [
        {
          eventId: crypto.randomUUID(),
          contactId,
          name: 'Subscription Started',
          properties: {},
        },
      ],
    });
    const [run] = await runsSettled(org.call, flowId, 1, ['exited']);
    expect(run!.exitReason).toBe('event: Subscription Started');
    expect(ended).toEqual([{ flowId, runId: run!.id, contactId, status: 'exited' }]);
    expect(run!.steps).toEqual([expect.objectContaining({ stepId: 'pause', status: 'exited' })]);
    expect(await outboxFor(org.call, 'exits@example.com')).toHaveLength(0);
    const [row] = await t.database.db
      .select({ entryKey: flowRuns.entryKey })
      .from(flowRuns)
      .where(and(eq(flowRuns.id, run!.id)));
    expect(row!.entryKey).toBe('once');
  });

  it('keeps runs in flight on their version after a new one is published', async () => {
    const org = await flowOrg(t);
    const v1 = line(
      { type: 'manual' },
      [
        {
          id: 'pause',
          type: 'wait',
          config: { mode: 'duration', duration: { amount: 2, unit: 'seconds' } },
        },
        {
          id: 'tag',
          type: 'update_contact',
          config: { actions: [{ type: 'add_tag', tag: 'v1' }] },
        },
      ],
      { reEntry: 'every_time' },
    );
    const flowId = await org.activeFlow(v1);
    const first = await org.contact('first@example.com');
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId: first });
    await runsSettled(org.call, flowId, 1, ['waiting']);

    const v2 = line(
      { type: 'manual' },
      [
        {
          id: 'tag',
          type: 'update_contact',
          config: { actions: [{ type: 'add_tag', tag: 'v2' }] },
        },
      ],
      { reEntry: 'every_time' },
    );
    expect(
      (await org.call('PATCH', `/api/v1/flows/${flowId}`, { definition: v2 })).statusCode,
    ).toBe(200);
    const published = await org.call('POST', `/api/v1/flows/${flowId}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect((published.json() as { version: number }).version).toBe(2);
    const second = await org.contact('second@example.com');
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId: second });

    const runs = await runsSettled(org.call, flowId, 2);
    const byContact = new Map(runs.map((r) => [r.contactId, r]));
    expect(byContact.get(first)!.version).toBe(1);
    expect(byContact.get(first)!.steps.map((s) => s.stepId)).toEqual(['pause', 'tag']);
    expect(byContact.get(second)!.version).toBe(2);
    const tagsOf = async (id: string) =>
      ((await org.call('GET', `/api/v1/contacts/${id}`)).json() as { tags: string[] }).tags;
    expect(await tagsOf(first)).toEqual(['v1']);
    expect(await tagsOf(second)).toEqual(['v2']);
    await eventually(async () => {
      const v = (await org.call('GET', `/api/v1/flows/${flowId}/versions`)).json() as {
        items: { version: number }[];
      };
      expect(v.items.map((i) => i.version)).toEqual([2, 1]);
    });
  });
});

describe('flow waits on a controllable clock', () => {
  let t: TestApp;
  const clock = { current: new Date('2030-03-04T08:00:00Z'), now: () => new Date(clock.current) };
  beforeAll(async () => {
    t = await createTestApp({ clock });
    await t.startWorker();
  });
  afterAll(() => t.close());

  it('waits until a time of day in the contact’s timezone, then until a date attribute', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [
        { id: 'morning', type: 'wait', config: { mode: 'time_of_day', at: '09:00' } },
        {
          id: 'tag',
          type: 'update_contact',
          config: { actions: [{ type: 'add_tag', tag: 'morning' }] },
        },
        {
          id: 'renewal',
          type: 'wait',
          config: {
            mode: 'date_attribute',
            attribute: 'renewal',
            offsetDays: 1,
            direction: 'before',
            at: '10:00',
          },
        },
      ]),
    );
    // 08:00 UTC is 17:00 in Tokyo: the next 09:00 there is tomorrow, 00:00 UTC.
    const contactId = await org.contact(undefined, {
      timezone: 'Asia/Tokyo',
      attributes: { renewal: '2030-03-10' },
    });
    await org.call('POST', `/api/v1/flows/${flowId}/enroll`, { contactId });
    // Access tokens expire as the clock jumps ahead; an API key does not.
    const { key } = await t.apiKey(org.s, 'viewer');
    const call: Call = (method, url, payload) =>
      t.call(key, { method, url, ...(payload ? { payload } : {}) });
    const wakeAt = async () => {
      const [run] = await runsSettled(call, flowId, 1, ['waiting']);
      return ((await call('GET', `/api/v1/flow-runs/${run!.id}`)).json() as { wakeAt: string })
        .wakeAt;
    };
    expect(await wakeAt()).toBe('2030-03-05T00:00:00.000Z');
    // Not due yet: the sweep leaves it alone.
    clock.current = new Date('2030-03-04T23:59:00Z');
    await t.services.flows.engine.sweep();
    expect(await wakeAt()).toBe('2030-03-05T00:00:00.000Z');

    clock.current = new Date('2030-03-05T00:00:30Z');
    await t.services.flows.engine.sweep();
    // The day before 2030-03-10, 10:00 in Tokyo.
    await eventually(async () => expect(await wakeAt()).toBe('2030-03-09T01:00:00.000Z'));
    clock.current = new Date('2030-03-09T01:00:05Z');
    await t.services.flows.engine.sweep();
    const [run] = await runsSettled(call, flowId, 1);
    expect(run!.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['morning', 'completed'],
      ['tag', 'completed'],
      ['renewal', 'completed'],
    ]);
  });
});
