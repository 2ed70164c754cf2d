import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness.js';
import { createMetrics } from './metrics.js';
import { createTracing } from './tracing.js';

describe('health, metrics, request ids, headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => t.close());

  it('is live, and ready when the database and queue answer', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({
      status: 'ok',
    });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok' }, queue: { status: 'ok' } },
    });
  });

  it('answers 503 with the failing check named when a dependency is down', async () => {
    const broken = await createTestApp({
      readiness: { redis: async () => Promise.reject(new Error('ECONNREFUSED')) },
    });
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'unavailable',
        checks: { redis: { status: 'failed', error: 'ECONNREFUSED' }, database: { status: 'ok' } },
      });
    } finally {
      await broken.close();
    }
  });

  it('exposes Prometheus metrics: HTTP latency by route, queue depth, process metrics', async () => {
    await t.app.inject({ method: 'GET', url: '/health/live' });
    await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*route="\/health\/live"[^}]*status_code="200"/,
    );
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status_code="401"\} 1/,
    );
    expect(res.body).toMatch(/herald_queue_jobs\{queue="maintenance",state="waiting"\} \d+/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('counts job outcomes by queue, name and state', async () => {
    const metrics = createMetrics();
    metrics.recordJob({ queue: 'q', name: 'thing.do', state: 'completed', durationMs: 12 });
    metrics.recordJob({ queue: 'q', name: 'thing.do', state: 'failed', durationMs: 3 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('herald_jobs_total{queue="q",name="thing.do",state="completed"} 1');
    expect(text).toContain('herald_jobs_total{queue="q",name="thing.do",state="failed"} 1');
    expect(text).toContain('herald_job_duration_seconds_count{queue="q",name="thing.do"} 2');
  });

  it('echoes a sane x-request-id, invents one otherwise, and puts it in error bodies', async () => {
    const given = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    expect(given.json()).toMatchObject({ requestId: 'abc-123' });
    const hostile = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'x\r\nSet-Cookie: a=b' },
    });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and honours the CORS allow-list only', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { origin: 'https://app.example.com' },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers unknown API paths with problem+json 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('tracing', () => {
  it('exports a span per request over OTLP/HTTP, continuing the caller’s trace', async () => {
    const received: { url: string; body: string }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const tracing = createTracing({ endpoint, serviceName: 'herald-test' });
    const t = await createTestApp({ tracing });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await t.app.inject({
        method: 'GET',
        url: '/health/live',
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      await tracing.flush();
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]!.url).toBe('/v1/traces');
      const body = received.map((r) => r.body).join('\n');
      expect(body).toContain('herald-test');
      expect(body).toContain('GET /health/live');
      expect(body).toContain(traceId);
    } finally {
      await t.close();
      await tracing.shutdown();
      collector.close();
    }
  });
});
