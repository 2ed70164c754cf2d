import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, uniqueEmail, type TestApp } from '../../test/harness.js';
import { contactByEmail, createWriteKey, eventsOf } from './events.fixtures.js';

/**
 * The official Segment Node SDK, pointed at a Herald listening on a real port with nothing
 * changed but `host`: proof that existing instrumentation can send to Herald.
 */
describe('@segment/analytics-node against Herald', () => {
  let t: TestApp;
  let host: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    host = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('delivers identify, track, page, group and alias calls, stored once each', async () => {
    const owner = await t.register();
    const { key } = await createWriteKey(t, owner, 'Node backend');
    const analytics = new Analytics({ writeKey: key, host, flushAt: 50, flushInterval: 200 });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    const email = uniqueEmail('sdk');

    analytics.identify({ userId: 'sdk-1', traits: { email, firstName: 'Sid', plan: 'team' } });
    analytics.track({ userId: 'sdk-1', event: 'Report Exported', properties: { rows: 120 } });
    analytics.page({ userId: 'sdk-1', name: 'Billing', properties: { path: '/billing' } });
    analytics.group({ userId: 'sdk-1', groupId: 'acme', traits: { name: 'Acme' } });
    analytics.alias({ userId: 'sdk-1', previousId: 'anon-from-browser' });
    analytics.track({ anonymousId: 'anon-from-browser', event: 'Opened App' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    const contact = await contactByEmail(t, owner.organization.id, email);
    expect(contact).toMatchObject({
      externalId: 'sdk-1',
      firstName: 'Sid',
      source: 'events',
      attributes: { plan: 'team' },
    });
    const rows = await eventsOf(t, owner.organization.id);
    expect(rows.map((r) => [r.type, r.name])).toEqual([
      ['identify', null],
      ['track', 'Report Exported'],
      ['page', 'Billing'],
      ['group', null],
      ['alias', null],
      ['track', 'Opened App'],
    ]);
    // Every call of the SDK carried its own messageId, and the alias tied the browser's id on.
    expect(new Set(rows.map((r) => r.messageId)).size).toBe(6);
    expect(rows.every((r) => r.contactId === contact!.id)).toBe(true);
    expect(rows[1]!.properties).toEqual({ rows: 120 });
    expect(rows[1]!.context).toMatchObject({ library: { name: '@segment/analytics-node' } });
    expect(rows[3]!.properties).toEqual({ name: 'Acme', groupId: 'acme' });
  });

  it('reports a delivery failure for a revoked write key and stores nothing', async () => {
    const owner = await t.register();
    const { id, key } = await createWriteKey(t, owner);
    await t.call(owner.accessToken, { method: 'DELETE', url: `/api/v1/write-keys/${id}` });
    const analytics = new Analytics({ writeKey: key, host, maxRetries: 0 });
    const failures: { code: string; reason?: unknown }[] = [];
    const statuses: number[] = [];
    analytics.on('error', (error) => failures.push(error));
    analytics.on('http_response', (response) => statuses.push(response.status));
    analytics.track({ userId: 'x', event: 'Should Not Land' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(statuses).toEqual([401]);
    expect(failures.map((f) => f.code)).toEqual(['delivery_failure']);
    expect(String(failures[0]!.reason)).toContain('401');
    expect(await eventsOf(t, owner.organization.id)).toEqual([]);
  });
});
