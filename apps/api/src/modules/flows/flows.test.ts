import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowVersions, flows } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { flowOrg, line } from './flows.test-kit.js';

interface Flow {
  id: string;
  status: string;
  publishedVersion: number | null;
  definition: Record<string, unknown>;
  problems: { nodeId?: string; edgeId?: string; path: string; message: string }[];
  hasUnpublishedChanges: boolean;
}

describe('flows API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a draft, saves it with problems, and publishes it once valid', async () => {
    const org = await flowOrg(t);
    const created = await org.call('POST', '/api/v1/flows', { name: ' Onboarding ' });
    expect(created.statusCode, created.body).toBe(201);
    const flow = created.json() as Flow;
    expect(flow).toMatchObject({
      status: 'draft',
      publishedVersion: null,
      hasUnpublishedChanges: true,
    });
    // A new flow has a manual trigger and nothing after it yet.
    expect(flow.problems).toEqual([
      {
        nodeId: 'trigger',
        path: 'nodes.trigger',
        message: 'connect the trigger to the first step',
      },
    ]);

    // Saved although invalid: the problems come back, each on its node.
    const broken = line({ type: 'manual' }, [
      {
        id: 'mail',
        type: 'send_email',
        config: { templateId: '0190c6a4-1111-7000-8000-000000000001' },
      },
      {
        id: 'pause',
        type: 'wait',
        config: { mode: 'duration', duration: { amount: 0, unit: 'days' } },
      },
    ]);
    const saved = await org.call('PATCH', `/api/v1/flows/${flow.id}`, { definition: broken });
    expect(saved.statusCode, saved.body).toBe(200);
    const problems = (saved.json() as Flow).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          nodeId: 'mail',
          path: 'nodes.mail.config.templateId',
          message: 'no such template in this organization',
        }),
        expect.objectContaining({ nodeId: 'pause', path: 'nodes.pause.config.duration.amount' }),
      ]),
    );
    const refused = await org.call('POST', `/api/v1/flows/${flow.id}/publish`);
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(
      (refused.json() as { errors: { nodeId: string }[] }).errors.map((e) => e.nodeId).sort(),
    ).toEqual(['mail', 'pause']);
    expect(await versionsOf(flow.id)).toEqual([]);
    // Activating publishes first, so it is refused the same way.
    expect((await org.call('POST', `/api/v1/flows/${flow.id}/activate`)).statusCode).toBe(422);
    expect((await org.call('GET', `/api/v1/flows/${flow.id}`)).json()).toMatchObject({
      status: 'draft',
    });

    const fixed = line({ type: 'manual' }, [
      { id: 'mail', type: 'send_email', config: { templateId: org.templateId } },
      {
        id: 'pause',
        type: 'wait',
        config: { mode: 'duration', duration: { amount: 1, unit: 'days' } },
      },
    ]);
    const check = await org.call('POST', `/api/v1/flows/${flow.id}/validate`, {
      definition: fixed,
    });
    expect(check.json()).toEqual({ isValid: true, problems: [] });
    await org.call('PATCH', `/api/v1/flows/${flow.id}`, { definition: fixed });
    const published = await org.call('POST', `/api/v1/flows/${flow.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({
      version: 1,
      flow: {
        publishedVersion: 1,
        status: 'draft',
        hasUnpublishedChanges: false,
        trigger: { type: 'manual' },
      },
    });
    const v1 = await org.call('GET', `/api/v1/flows/${flow.id}/versions/1`);
    expect(v1.statusCode).toBe(200);
    expect((v1.json() as { definition: { nodes: unknown[] } }).definition.nodes).toHaveLength(3);
    expect((await org.call('GET', `/api/v1/flows/${flow.id}/versions/2`)).statusCode).toBe(404);
    const list = (await org.call('GET', '/api/v1/flows')).json() as {
      items: { id: string; name: string }[];
    };
    expect(list.items).toEqual([expect.objectContaining({ id: flow.id, name: 'Onboarding' })]);
  });

  it('moves draft → active ⇄ inactive and answers 409 to illegal transitions', async () => {
    const org = await flowOrg(t);
    const flowId = (
      (
        await org.call('POST', '/api/v1/flows', {
          name: 'Lifecycle',
          definition: line({ type: 'manual' }, [{ id: 'end', type: 'exit' }]),
        })
      ).json() as Flow
    ).id;
    const contactId = await org.contact();
    const post = (path: string, body?: object) =>
      org.call('POST', `/api/v1/flows/${flowId}/${path}`, body);
    expect((await post('deactivate')).statusCode).toBe(409);
    expect((await post('enroll', { contactId })).statusCode).toBe(409);
    const active = await post('activate');
    expect(active.statusCode, active.body).toBe(200);
    expect(active.json()).toMatchObject({ status: 'active', publishedVersion: 1 });
    expect((await post('activate')).statusCode).toBe(409);
    expect((await org.call('DELETE', `/api/v1/flows/${flowId}`)).statusCode).toBe(409);
    expect((await post('enroll', { contactId })).statusCode).toBe(201);
    expect((await post('deactivate')).json()).toMatchObject({ status: 'inactive' });
    expect((await post('deactivate')).statusCode).toBe(409);
    expect((await post('enroll', { contactId })).statusCode).toBe(409);
    // Reactivating does not publish again.
    expect((await post('activate')).json()).toMatchObject({
      status: 'active',
      publishedVersion: 1,
    });
    await post('deactivate');
    expect((await org.call('DELETE', `/api/v1/flows/${flowId}`)).statusCode).toBe(204);
    expect((await org.call('GET', `/api/v1/flows/${flowId}`)).statusCode).toBe(404);
  });

  it('keeps another organization’s flows, runs and references out of reach (404)', async () => {
    const mine = await flowOrg(t);
    const theirs = await flowOrg(t);
    const flowId = await theirs.activeFlow(line({ type: 'manual' }, [{ id: 'end', type: 'exit' }]));
    const theirContact = await theirs.contact();
    const enrolled = await theirs.call('POST', `/api/v1/flows/${flowId}/enroll`, {
      contactId: theirContact,
    });
    const runId = (enrolled.json() as { runs: { id: string }[] }).runs[0]!.id;
    const myContact = await mine.contact();

    for (const [method, path, body] of [
      ['GET', `/flows/${flowId}`],
      ['PATCH', `/flows/${flowId}`, { name: 'Taken' }],
      ['DELETE', `/flows/${flowId}`],
      ['POST', `/flows/${flowId}/validate`, {}],
      ['POST', `/flows/${flowId}/publish`],
      ['POST', `/flows/${flowId}/activate`],
      ['POST', `/flows/${flowId}/deactivate`],
      ['GET', `/flows/${flowId}/versions`],
      ['GET', `/flows/${flowId}/versions/1`],
      ['POST', `/flows/${flowId}/enroll`, { contactId: myContact }],
      ['GET', `/flows/${flowId}/stats`],
      ['GET', `/flows/${flowId}/runs`],
      ['POST', `/flows/${flowId}/simulate`, { contactId: myContact }],
      ['GET', `/flow-runs/${runId}`],
    ] as const) {
      const res = await mine.call(method, `/api/v1${path}`, body);
      expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(404);
    }
    expect((await mine.call('GET', '/api/v1/flows')).json()).toEqual({
      items: [],
      nextCursor: null,
    });
    const [row] = await t.database.db.select().from(flows).where(eq(flows.id, flowId));
    expect(row).toMatchObject({ name: 'Flow', status: 'active' });

    // Their contact cannot be enrolled into my flow, nor their template used in it.
    const myFlow = await mine.activeFlow(line({ type: 'manual' }, [{ id: 'end', type: 'exit' }]));
    expect(
      (await mine.call('POST', `/api/v1/flows/${myFlow}/enroll`, { contactId: theirContact }))
        .statusCode,
    ).toBe(404);
    const skipped = await mine.call('POST', `/api/v1/flows/${myFlow}/enroll`, {
      contactIds: [theirContact, myContact],
    });
    expect(skipped.json()).toMatchObject({ skipped: [theirContact] });
    const foreign = await mine.call('POST', `/api/v1/flows/${myFlow}/validate`, {
      definition: line({ type: 'manual' }, [
        { id: 'mail', type: 'send_email', config: { templateId: theirs.templateId } },
      ]),
    });
    expect(foreign.json()).toMatchObject({
      isValid: false,
      problems: [{ nodeId: 'mail', message: 'no such template in this organization' }],
    });
  });

  it('lets viewers read and refuses their writes; bad input changes nothing', async () => {
    const org = await flowOrg(t);
    const flowId = await org.activeFlow(
      line({ type: 'manual' }, [{ id: 'end', type: 'exit' }]),
      'Readable',
    );
    const viewer = await t.memberOf(org.s.organization.id, 'viewer');
    const asViewer = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.call(viewer.accessToken, { method, url, ...(payload ? { payload } : {}) });
    expect((await asViewer('GET', `/api/v1/flows/${flowId}`)).statusCode).toBe(200);
    expect((await asViewer('GET', `/api/v1/flows/${flowId}/stats`)).statusCode).toBe(200);
    expect((await asViewer('PATCH', `/api/v1/flows/${flowId}`, { name: 'Mine' })).statusCode).toBe(
      403,
    );
    expect((await asViewer('POST', `/api/v1/flows/${flowId}/deactivate`)).statusCode).toBe(403);
    expect((await asViewer('POST', '/api/v1/flows', { name: 'x' })).statusCode).toBe(403);

    for (const body of [
      { name: '' },
      { definition: 'nodes' },
      { definition: [] },
      { name: 'ok', surprise: true },
    ]) {
      const res = await org.call('PATCH', `/api/v1/flows/${flowId}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await org.call('POST', `/api/v1/flows/${flowId}/enroll`, {})).statusCode).toBe(400);
    expect((await org.call('GET', `/api/v1/flows/${flowId}/runs?status=lost`)).statusCode).toBe(
      400,
    );
    expect((await org.call('GET', `/api/v1/flows/${flowId}/runs?cursor=forged`)).statusCode).toBe(
      400,
    );
    const flow = (await org.call('GET', `/api/v1/flows/${flowId}`)).json() as Flow & {
      name: string;
    };
    expect(flow).toMatchObject({
      name: 'Readable',
      hasUnpublishedChanges: false,
      status: 'active',
    });
  });

  async function versionsOf(flowId: string) {
    return t.database.db.select().from(flowVersions).where(eq(flowVersions.flowId, flowId));
  }
});
