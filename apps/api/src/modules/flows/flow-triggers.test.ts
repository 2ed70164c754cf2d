import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowSegmentMembers } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { addDays } from './flow-time.js';
import { flowOrg, line, outboxFor, runsOf, runsSettled, type FlowOrg } from './flows.test-kit.js';

const tagStep = (tag: string) => ({
  id: 'tag',
  type: 'update_contact',
  config: { actions: [{ type: 'add_tag', tag }] },
});

describe('flow triggers and re-entry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.startWorker();
  });
  afterAll(() => t.close());

  const track = (
    org: FlowOrg,
    contactId: string,
    name: string,
    properties = {},
    eventId = randomUUID(),
  ) =>
    t.services.domainEvents.emit(org.s.organization.id, 'event.tracked', {
      events: [
        {
          eventId,
          contactId,
          name,
          properties,
        },
      ],
    });

  it('enrols on an event under each re-entry policy', async () => {
    const org = await flowOrg(t);
    const trigger = {
      type: 'event',
      name: 'Signed In',
      propertyFilter: [{ path: 'app', op: 'eq', value: 'web' }],
    };
    const pause = {
      id: 'pause',
      type: 'wait',
      config: { mode: 'duration', duration: { amount: 2, unit: 'seconds' } },
    };
    const once = await org.activeFlow(
      line(trigger, [pause, tagStep('once')], { reEntry: 'once' }),
      'Once',
    );
    const oneAtATime = await org.activeFlow(
      line(trigger, [pause, tagStep('one')], { reEntry: 'once_at_a_time' }),
      'One at a time',
    );
    const everyTime = await org.activeFlow(
      line(trigger, [tagStep('every')], { reEntry: 'every_time' }),
      'Every',
    );
    const contactId = await org.contact();

    await track(org, contactId, 'Signed In', { app: 'ios' }); // filtered out everywhere
    expect(await runsOf(org.call, once)).toHaveLength(0);
    const first = randomUUID();
    await track(org, contactId, 'Signed In', { app: 'web' }, first);
    await track(org, contactId, 'Signed In', { app: 'web' }, first); // the same event again
    await track(org, contactId, 'Signed In', { app: 'web' }); // a second sign-in, while the waits run
    expect(await runsOf(org.call, once)).toHaveLength(1);
    expect(await runsOf(org.call, oneAtATime)).toHaveLength(1);
    await runsSettled(org.call, everyTime, 2);

    // Once the first runs have ended, a third sign-in starts a second run only where allowed.
    await runsSettled(org.call, oneAtATime, 1);
    await runsSettled(org.call, once, 1);
    await track(org, contactId, 'Signed In', { app: 'web' });
    await runsSettled(org.call, oneAtATime, 2);
    await runsSettled(org.call, everyTime, 3);
    expect(await runsOf(org.call, once)).toHaveLength(1);
  });

  it('enrols from the event API: a Segment-style track call starts the run, a retry does not', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line(
        { type: 'event', name: 'Plan Upgraded', propertyFilter: [] },
        [
          {
            id: 'thanks',
            type: 'send_email',
            // The email prints the event that started the run.
            config: { templateId: org.templateId, subject: 'Welcome to {{ event.plan }}' },
          },
          tagStep('upgraded'),
        ],
        { reEntry: 'every_time' },
      ),
    );
    const writeKey = (
      (await org.call('POST', '/api/v1/write-keys', { name: 'Website' })).json() as { key: string }
    ).key;
    const send = (path: string, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: path,
        headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
        payload,
      });
    const identified = await send('/v1/identify', {
      userId: 'user-42',
      traits: { email: 'upgrader@example.com' },
      messageId: 'id-1',
    });
    expect(identified.statusCode, identified.body).toBe(200);
    const track = {
      userId: 'user-42',
      event: 'Plan Upgraded',
      properties: { plan: 'pro' },
      messageId: 'tr-1',
    };
    expect((await send('/v1/track', track)).statusCode).toBe(200);
    expect((await send('/v1/track', track)).statusCode).toBe(200);
    const [run] = await runsSettled(org.call, flowId, 1);
    const detail = (await org.call('GET', `/api/v1/flow-runs/${run!.id}`)).json() as {
      trigger: Record<string, unknown>;
      contactEmail: string;
    };
    expect(detail).toMatchObject({
      contactEmail: 'upgrader@example.com',
      trigger: { type: 'event', name: 'Plan Upgraded', properties: { plan: 'pro' } },
    });
    expect((await outboxFor(org.call, 'upgrader@example.com')).map((m) => m.subject)).toEqual([
      'Welcome to pro',
    ]);
  });

  it('works through one batch in order: an event that starts a run, then one that exits it', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line(
        { type: 'event', name: 'Cart Abandoned', propertyFilter: [] },
        [
          {
            id: 'pause',
            type: 'wait',
            config: { mode: 'duration', duration: { amount: 1, unit: 'hours' } },
          },
          tagStep('reminded'),
        ],
        {
          reEntry: 'every_time',
          exitConditions: [{ type: 'event', name: 'Order Completed', propertyFilter: [] }],
        },
      ),
    );
    const buyer = await org.contact();
    const browser = await org.contact();
    const bystander = await org.contact();
    const event = (contactId: string, name: string) => ({
      eventId: randomUUID(),
      contactId,
      name,
      properties: {},
    });
    await t.services.domainEvents.emit(org.s.organization.id, 'event.tracked', {
      events: [
        event(buyer, 'Cart Abandoned'),
        event(bystander, 'Page Viewed'),
        event(browser, 'Cart Abandoned'),
        event(buyer, 'Order Completed'),
      ],
    });
    const runs = await runsSettled(org.call, flowId, 2, ['waiting', 'exited']);
    const byContact = new Map(runs.map((r) => [r.contactId, r]));
    // The buyer's run began with the first event and ended with the fourth, in one batch.
    expect(byContact.get(buyer)).toMatchObject({
      status: 'exited',
      exitReason: 'event: Order Completed',
    });
    expect(byContact.get(browser)?.status).toBe('waiting');
    expect(byContact.has(bystander)).toBe(false);
  });

  it('enrols contacts added to a list, once per addition', async () => {
    const org = await flowOrg(t);
    const list = (await org.call('POST', '/api/v1/lists', { name: 'Beta' })).json() as {
      id: string;
    };
    const other = (await org.call('POST', '/api/v1/lists', { name: 'Other' })).json() as {
      id: string;
    };
    const flowId = await org.activeFlow(
      line({ type: 'list_added', listId: list.id }, [tagStep('beta')], { reEntry: 'every_time' }),
    );
    const a = await org.contact();
    const b = await org.contact();
    await org.call('POST', `/api/v1/lists/${other.id}/members`, { contactIds: [a] });
    await org.call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: [a, b] });
    // Already a member: no addition, no run.
    await org.call('POST', `/api/v1/lists/${list.id}/members`, { contactIds: [a] });
    const runs = await runsSettled(org.call, flowId, 2);
    expect(runs.map((r) => r.contactId).sort()).toEqual([a, b].sort());
  });

  it('enrols contacts entering a segment, and again after they left and came back', async () => {
    const org = await flowOrg(t);
    const segment = await org.call('POST', '/api/v1/segments', {
      name: 'Pro',
      definition: { attribute: 'plan', op: 'eq', value: 'pro' },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    const segmentId = (segment.json() as { id: string }).id;
    const pro = await org.contact(undefined, { attributes: { plan: 'pro' } });
    const free = await org.contact(undefined, { attributes: { plan: 'free' } });
    const flowId = await org.activeFlow(
      line({ type: 'segment_entered', segmentId }, [tagStep('pro')], { reEntry: 'every_time' }),
    );
    await t.services.flows.triggers.evaluateSegments();
    expect((await runsSettled(org.call, flowId, 1))[0]!.contactId).toBe(pro);
    // Nothing changed: nobody new.
    await t.services.flows.triggers.evaluateSegments();
    expect(await runsOf(org.call, flowId)).toHaveLength(1);

    const plan = (id: string, value: string) =>
      org.call('PATCH', `/api/v1/contacts/${id}`, { attributes: { plan: value } });
    await plan(free, 'pro');
    await plan(pro, 'free');
    await t.services.flows.triggers.evaluateSegments();
    const members = async () =>
      (
        await t.database.db
          .select({ contactId: flowSegmentMembers.contactId })
          .from(flowSegmentMembers)
          .where(eq(flowSegmentMembers.flowId, flowId))
      ).map((m) => m.contactId);
    expect(await members()).toEqual([free]);
    await plan(pro, 'pro');
    await t.services.flows.triggers.evaluateSegments();
    const runs = await runsSettled(org.call, flowId, 3);
    expect(runs.filter((r) => r.contactId === pro)).toHaveLength(2);
    expect((await members()).sort()).toEqual([free, pro].sort());
  });

  it('enrols contacts whose date attribute is the offset away, once a day', async () => {
    const org = await flowOrg(t);
    const today = new Date().toISOString().slice(0, 10);
    const due = await org.contact(undefined, { attributes: { renewal: addDays(today, 3) } });
    await org.contact(undefined, { attributes: { renewal: addDays(today, 4) } });
    await org.contact(undefined, { attributes: { renewal: 'someday' } });
    const birthday = await org.contact(undefined, {
      attributes: { birthday: `1990-${today.slice(5)}` },
    });
    const renewals = await org.activeFlow(
      line(
        {
          type: 'date_attribute',
          attribute: 'renewal',
          offsetDays: 3,
          direction: 'before',
          at: '00:00',
        },
        [tagStep('renewal')],
        { reEntry: 'every_time' },
      ),
      'Renewals',
    );
    const birthdays = await org.activeFlow(
      line(
        { type: 'date_attribute', attribute: 'birthday', yearly: true, at: '00:00' },
        [tagStep('cake')],
        {
          reEntry: 'every_time',
        },
      ),
      'Birthdays',
    );
    // The per-minute trigger job schedules one job per flow and day; a second call adds none.
    await t.services.flows.triggers.scheduleDates();
    await t.services.flows.triggers.scheduleDates();
    expect((await runsSettled(org.call, renewals, 1))[0]!.contactId).toBe(due);
    expect((await runsSettled(org.call, birthdays, 1))[0]!.contactId).toBe(birthday);
    // The same day again enrols nobody twice.
    expect(
      await t.services.flows.triggers.runDates({
        orgId: org.s.organization.id,
        flowId: renewals,
        date: today,
      }),
    ).toBe(0);
  });
});
