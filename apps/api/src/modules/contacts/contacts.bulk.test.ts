import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { contactActivities, contacts, segments } from '../../db/schema/index.js';
import type { JobOutcome } from '../../platform/queue/queue.js';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

interface Contact {
  id: string;
  email: string;
  status: string;
  tags: string[];
}

describe('bulk actions', () => {
  let t: TestApp;
  const outcomes: JobOutcome[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    // The same worker wiring as server.ts startJobWorker, on the test's database and queue.
    await t.startWorker({ onOutcome: (outcome) => outcomes.push(outcome) });
  });
  afterAll(() => t.close());

  async function seed(s: Session, count: number, tags: string[] = []): Promise<Contact[]> {
    const made: Contact[] = [];
    for (let i = 0; i < count; i++) {
      const res = await t.call(s.accessToken, {
        method: 'POST',
        url: '/api/v1/contacts',
        payload: { email: `c${i}-${uuidv7()}@example.com`, tags },
      });
      made.push(res.json() as Contact);
    }
    return made;
  }
  const bulk = (s: Session, payload: object) =>
    t.call(s.accessToken, { method: 'POST', url: '/api/v1/contacts/bulk', payload });
  const rows = (orgId: string) =>
    t.database.db
      .select({ id: contacts.id, status: contacts.status, tags: contacts.tags })
      .from(contacts)
      .where(eq(contacts.orgId, orgId));
  const listOf = async (s: Session) => {
    const res = await t.call(s.accessToken, {
      method: 'POST',
      url: '/api/v1/lists',
      payload: { name: 'L' },
    });
    return (res.json() as { id: string }).id;
  };
  const memberCount = async (s: Session, listId: string) =>
    (
      (await t.call(s.accessToken, { method: 'GET', url: `/api/v1/lists/${listId}` })).json() as {
        memberCount: number;
      }
    ).memberCount;

  /** Waits for the next contacts.bulk try to end; it must have completed. */
  async function finished(jobId: string) {
    for (let i = 0; i < 400; i++) {
      const index = outcomes.findIndex((o) => o.name === 'contacts.bulk');
      if (index >= 0) {
        const [outcome] = outcomes.splice(index, 1);
        expect(outcome!.state, `job ${jobId}: ${String(outcome!.error)}`).toBe('completed');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  it('tags and untags listed contacts inline, idempotently, never another organization’s', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const mine = await seed(owner, 3);
    const [theirs] = await seed(stranger, 1);
    const contactIds = [...mine.map((c) => c.id), theirs!.id, uuidv7()];

    const first = await bulk(owner, { action: 'add_tag', tag: 'vip', target: { contactIds } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ affected: 3 });
    expect(
      (await bulk(owner, { action: 'add_tag', tag: 'vip', target: { contactIds } })).json(),
    ).toEqual({ affected: 0 });
    expect((await rows(owner.organization.id)).every((r) => r.tags.includes('vip'))).toBe(true);
    expect((await rows(stranger.organization.id))[0]!.tags).toEqual([]);

    const removed = await bulk(owner, {
      action: 'remove_tag',
      tag: 'vip',
      target: { contactIds: [mine[0]!.id] },
    });
    expect(removed.json()).toEqual({ affected: 1 });
    const tagged = (await rows(owner.organization.id)).filter((r) => r.tags.includes('vip'));
    expect(tagged).toHaveLength(2);
  });

  it('adds to and removes from a list inline; the list must be the organization’s', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const mine = await seed(owner, 4);
    const listId = await listOf(owner);
    const contactIds = mine.map((c) => c.id);

    const added = await bulk(owner, { action: 'add_to_list', listId, target: { contactIds } });
    expect(added.json()).toEqual({ affected: 4 });
    expect(await memberCount(owner, listId)).toBe(4);
    const removed = await bulk(owner, {
      action: 'remove_from_list',
      listId,
      target: { contactIds: contactIds.slice(0, 3) },
    });
    expect(removed.json()).toEqual({ affected: 3 });
    expect(await memberCount(owner, listId)).toBe(1);

    // Someone else's list, or none at all, is a 404 that changes nothing.
    const theirList = await listOf(stranger);
    for (const id of [theirList, uuidv7()]) {
      const res = await bulk(owner, { action: 'add_to_list', listId: id, target: { contactIds } });
      expect(res.statusCode).toBe(404);
    }
    expect(await memberCount(stranger, theirList)).toBe(0);
  });

  it('unsubscribes only subscribed contacts and records each change', async () => {
    const owner = await t.register();
    const mine = await seed(owner, 3);
    await t.call(owner.accessToken, {
      method: 'PATCH',
      url: `/api/v1/contacts/${mine[2]!.id}`,
      payload: { status: 'bounced' },
    });
    const res = await bulk(owner, {
      action: 'unsubscribe',
      target: { contactIds: mine.map((c) => c.id) },
    });
    expect(res.json()).toEqual({ affected: 2 });
    const statuses = new Map((await rows(owner.organization.id)).map((r) => [r.id, r.status]));
    expect([...mine.map((c) => statuses.get(c.id))]).toEqual([
      'unsubscribed',
      'unsubscribed',
      'bounced',
    ]);
    const timeline = await t.call(owner.accessToken, {
      method: 'GET',
      url: `/api/v1/contacts/${mine[0]!.id}/timeline`,
    });
    expect((timeline.json() as { items: { type: string; data: unknown }[] }).items[0]).toEqual(
      expect.objectContaining({
        type: 'status_changed',
        data: { from: 'subscribed', to: 'unsubscribed', source: 'bulk' },
      }),
    );
  });

  it('deletes listed contacts inline', async () => {
    const owner = await t.register();
    const mine = await seed(owner, 3);
    const res = await bulk(owner, {
      action: 'delete',
      target: { contactIds: [mine[0]!.id, mine[1]!.id] },
    });
    expect(res.json()).toEqual({ affected: 2 });
    expect((await rows(owner.organization.id)).map((r) => r.id)).toEqual([mine[2]!.id]);
  });

  it('runs a segment as a job through the real queue, touching only the segment', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    const vips = await seed(owner, 3, ['vip']);
    const rest = await seed(owner, 2, ['regular']);
    const [theirs] = await seed(stranger, 1, ['vip']);
    const segmentId = uuidv7();
    await t.database.db.insert(segments).values({
      id: segmentId,
      orgId: owner.organization.id,
      name: 'VIPs',
      definition: { tag: 'vip', op: 'has' },
    });

    const res = await bulk(owner, { action: 'unsubscribe', target: { segmentId } });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json() as { jobId: string };
    expect(jobId).toBeTruthy();
    await finished(jobId);

    const statuses = new Map((await rows(owner.organization.id)).map((r) => [r.id, r.status]));
    for (const c of vips) expect(statuses.get(c.id)).toBe('unsubscribed');
    for (const c of rest) expect(statuses.get(c.id)).toBe('subscribed');
    expect((await rows(stranger.organization.id)).map((r) => r.id)).toEqual([theirs!.id]);
    expect((await rows(stranger.organization.id))[0]!.status).toBe('subscribed');

    const listId = await listOf(owner);
    const listJob = await bulk(owner, { action: 'add_to_list', listId, target: { segmentId } });
    await finished((listJob.json() as { jobId: string }).jobId);
    expect(await memberCount(owner, listId)).toBe(3);

    const deleteJob = await bulk(owner, { action: 'delete', target: { segmentId } });
    await finished((deleteJob.json() as { jobId: string }).jobId);
    expect((await rows(owner.organization.id)).map((r) => r.id).sort()).toEqual(
      rest.map((c) => c.id).sort(),
    );
  });

  it('works through every contact of the organization in batches', async () => {
    const owner = await t.register();
    const stranger = await t.register();
    await seed(stranger, 1);
    // More than one batch (5000) of contacts, inserted directly: the API path is tested above.
    await t.database.db.execute(sql`
      insert into contacts (id, org_id, email)
      select gen_random_uuid(), ${owner.organization.id}::uuid, 'bulk' || n || '@example.com'
      from generate_series(1, 5003) n`);

    const res = await bulk(owner, { action: 'add_tag', tag: 'everyone', target: { all: true } });
    expect(res.statusCode).toBe(202);
    await finished((res.json() as { jobId: string }).jobId);
    const [tagged] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(contacts)
      .where(
        and(
          eq(contacts.orgId, owner.organization.id),
          sql`${contacts.tags} @> array['everyone']::text[]`,
        ),
      );
    expect(tagged!.n).toBe(5003);
    expect((await rows(stranger.organization.id))[0]!.tags).toEqual([]);

    const unsubscribe = await bulk(owner, { action: 'unsubscribe', target: { all: true } });
    await finished((unsubscribe.json() as { jobId: string }).jobId);
    const [logged] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(contactActivities)
      .where(
        and(
          eq(contactActivities.orgId, owner.organization.id),
          eq(contactActivities.type, 'status_changed'),
        ),
      );
    expect(logged!.n).toBe(5003);
  });

  it('rejects bad requests with 4xx, enqueues nothing and changes nothing', async () => {
    const owner = await t.register();
    const mine = await seed(owner, 2, ['keep']);
    const contactIds = mine.map((c) => c.id);
    const cases: [object, number][] = [
      [{ action: 'add_tag', target: { contactIds } }, 400],
      [{ action: 'add_to_list', target: { contactIds } }, 400],
      [{ action: 'explode', target: { contactIds } }, 400],
      [{ action: 'delete', target: { contactIds: [] } }, 400],
      [{ action: 'delete', target: { contactIds: ['nope'] } }, 400],
      [{ action: 'delete', target: { all: false } }, 400],
      [{ action: 'delete', target: { contactIds, all: true } }, 400],
      [
        { action: 'delete', target: { contactIds: Array.from({ length: 1001 }, () => uuidv7()) } },
        400,
      ],
      [{ action: 'delete', target: { segmentId: uuidv7() } }, 404],
    ];
    for (const [payload, status] of cases) {
      const res = await bulk(owner, payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 120)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const viewer = await t.memberOf(owner.organization.id, 'viewer');
    expect((await bulk(viewer, { action: 'delete', target: { contactIds } })).statusCode).toBe(403);
    const after = await rows(owner.organization.id);
    expect(after).toHaveLength(2);
    expect(after.every((r) => r.tags.includes('keep'))).toBe(true);
    expect(outcomes.filter((o) => o.name === 'contacts.bulk')).toEqual([]);
  });
});
