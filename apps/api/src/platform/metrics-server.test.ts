import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startHerald, type RunningHerald } from '../server.js';
import { createDomainEvents } from './domain-events.js';
import { createMetrics } from './metrics.js';
import { startMetricsServer } from './metrics-server.js';

/**
 * What the Grafana dashboard in deploy/ reads: sends by sender and tracking hits from a real
 * send, job outcomes from a worker-only process on its own metrics port.
 */

const BODY =
  '<p>Hi {{ firstName }}</p><p><a href="https://shop.example/sale">Sale</a></p>' +
  '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dirs: string[] = [];
async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'herald-metrics-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('metrics of sends, tracking and events', () => {
  let herald: RunningHerald;
  beforeAll(async () => {
    herald = await startHerald(
      loadConfig({
        HERALD_DATA_DIR: await dataDir(),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        SEND_RETRY_BASE_MS: '0',
        SHUTDOWN_TIMEOUT_MS: '1000',
      }),
      { logger: false },
    );
  }, 60_000);
  afterAll(() => herald?.close());

  it('counts messages by sender and outcome, and opens, after a campaign is sent', async () => {
    const base = herald.url;
    const registered = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `metrics-${Date.now()}@example.com`,
        password: 'metrics-password-1',
        name: 'Mia',
        organizationName: 'Metrics shop',
      }),
    });
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const call = async <T>(method: string, path: string, body?: object) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return (await res.json()) as T;
    };
    const list = await call<{ id: string }>('POST', '/lists', { name: 'Readers' });
    const contactIds: string[] = [];
    for (const n of [1, 2]) {
      const c = await call<{ id: string }>('POST', '/contacts', {
        email: `reader${n}@example.com`,
        firstName: `Reader${n}`,
      });
      contactIds.push(c.id);
    }
    await call('POST', `/lists/${list.id}/members`, { contactIds });
    const template = await call<{ id: string }>('POST', '/templates', {
      name: 'Sale',
      subject: 'Sale',
      format: 'html',
      body: BODY,
    });
    const senders = await call<{ items: { id: string }[] }>('GET', '/senders');
    const senderId = senders.items[0]!.id;
    const campaign = await call<{ id: string }>('POST', '/campaigns', {
      name: 'Sale',
      audience: { listIds: [list.id] },
      templateId: template.id,
      senderIds: [senderId],
    });
    await call('POST', `/campaigns/${campaign.id}/send-now`);
    const deadline = Date.now() + 30_000;
    while ((await call<{ status: string }>('GET', `/campaigns/${campaign.id}`)).status !== 'sent') {
      if (Date.now() > deadline) throw new Error('campaign did not finish');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const outbox = await call<{ items: { id: string }[] }>(
      'GET',
      `/outbox?campaignId=${campaign.id}`,
    );
    const { raw } = await call<{ raw: string }>('GET', `/outbox/${outbox.items[0]!.id}`);
    // The HTML part is quoted-printable: soft line breaks and =3D stand between us and the URL.
    const html = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const pixel = /(\/t\/o\/[A-Za-z0-9_-]+)/.exec(html)![1]!;
    const open = await fetch(`${base}${pixel}`, {
      headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) AppleWebKit Thunderbird/115' },
    });
    expect(open.status).toBe(200);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`herald_messages_total{sender_id="${senderId}",outcome="sent"} 2`);
    expect(metrics).toMatch(/herald_tracking_hits_total\{type="open",machine="(true|false)"\} 1/);
    expect(metrics).toMatch(
      /herald_jobs_total\{queue="[a-z]+",name="campaigns\.send",state="completed"\} \d+/,
    );
  }, 60_000);

  it('counts events the event API stored, and nothing else', async () => {
    const metrics = createMetrics();
    const events = createDomainEvents(() => undefined);
    metrics.watchDomainEvents(events);
    // The API and the worker of one process may share an emitter: still counted once.
    metrics.watchDomainEvents(events);
    const tracked = {
      eventId: 'e1',
      contactId: 'c1',
      name: 'Order Completed',
      properties: {},
    };
    // One ingest batch of two events, then a batch of one.
    await events.emit('org', 'event.tracked', { events: [tracked, { ...tracked, eventId: 'e2' }] });
    await events.emit('org', 'event.tracked', { events: [{ ...tracked, eventId: 'e3' }] });
    await events.emit('org', 'contact.created', { contactId: 'c1', source: 'api' });
    expect(await metrics.registry.metrics()).toContain('herald_events_ingested_total 3');
  });
});

describe('herald worker metrics port', () => {
  it('serves /metrics and /health/live for a worker-only process, and stops with it', async () => {
    const port = await freePort();
    const worker = await startHerald(
      loadConfig({
        HERALD_DATA_DIR: await dataDir(),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        WORKER_METRICS_PORT: String(port),
        SHUTDOWN_TIMEOUT_MS: '1000',
      }),
      { worker: true, http: false, logger: false },
    );
    try {
      expect(worker.url).toBe('');
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(await live.json()).toEqual({ status: 'ok' });
      // The worker schedules the hourly maintenance job as it starts; its outcome is counted here.
      const deadline = Date.now() + 20_000;
      let text = '';
      while (!/herald_jobs_total\{[^}]*name="maintenance\.purge"[^}]*\} 1/.test(text)) {
        if (Date.now() > deadline) throw new Error(`no job metric:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      }
      expect(text).toContain('process_resident_memory_bytes');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(
        405,
      );
    } finally {
      await worker.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  }, 60_000);

  it('answers in the Prometheus text format; the port is off unless WORKER_METRICS_PORT is set', async () => {
    const metrics = createMetrics();
    const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(`${server.url}/metrics`)).headers.get('content-type')).toContain(
        'text/plain',
      );
    } finally {
      await server.close();
    }
    expect(loadConfig({}).workerMetricsPort).toBeUndefined();
  });
});
