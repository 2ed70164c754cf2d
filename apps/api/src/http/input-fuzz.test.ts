import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createTestApp, type Session, type TestApp } from '../test/harness.js';
import type { RouteEntry } from './access.js';

/**
 * No input may produce a 500: every route (public or not) is fed malformed JSON, wrong types,
 * oversized bodies, unknown fields, hostile keys and broken parameters. Each answer must be a
 * 4xx problem+json. Routes join this walk by registering; nothing here lists them.
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const wrongValueFor = (schema: JsonSchema | undefined): unknown => {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  switch (type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    default:
      return ['not', 'an', 'object'];
  }
};

describe('hostile input never produces a 500', () => {
  let t: TestApp;
  let owner: Session;
  let routes: RouteEntry[];
  let bodySchemas: Map<string, JsonSchema>;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await t.register();
    routes = t.app.routeTable;
    const doc = t.app.swagger() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
      >;
    };
    bodySchemas = new Map();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (schema)
          bodySchemas.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, schema);
      }
    }
  });
  afterAll(() => t.close());

  const expectClientError = (
    res: { statusCode: number; headers: Record<string, unknown> },
    label: string,
  ) => {
    expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, label).toBeLessThan(500);
    expect(String(res.headers['content-type']), label).toContain('application/problem+json');
  };

  const send = (route: RouteEntry, options: Partial<InjectOptions>) =>
    t.call(owner.accessToken, {
      method: route.method as 'POST',
      url: route.url.replace(/:(\w+)/g, '00000000-0000-7000-8000-000000000000'),
      ...options,
    });

  it('walks a healthy number of routes', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(bodySchemas.size).toBeGreaterThan(8);
  });

  it('malformed JSON, wrong top-level types, unsupported media types and oversized bodies', async () => {
    const bodied = routes.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));
    const huge = JSON.stringify({ name: 'x'.repeat(t.config.bodyLimitBytes + 10) });
    for (const route of bodied) {
      const label = `${route.method} ${route.url}`;
      const json = { 'content-type': 'application/json' };
      expectClientError(
        await send(route, { payload: '{"name": ', headers: json }),
        `${label} malformed`,
      );
      for (const body of ['[]', '"text"', '42', 'null', 'true']) {
        expectClientError(
          await send(route, { payload: body, headers: json }),
          `${label} body ${body}`,
        );
      }
      expectClientError(
        await send(route, {
          payload: 'name=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        `${label} form`,
      );
      expectClientError(await send(route, { payload: huge, headers: json }), `${label} huge`);
      const tooBig = await send(route, { payload: huge, headers: json });
      expect(tooBig.statusCode, label).toBe(413);
    }
  });

  it('wrong field types, unknown fields and prototype-pollution keys', async () => {
    for (const route of routes.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method))) {
      const label = `${route.method} ${route.url}`;
      const schema = bodySchemas.get(`${route.method} ${route.url}`);
      const props = Object.entries(schema?.properties ?? {});
      if (props.length > 0) {
        const wrong = Object.fromEntries(props.map(([key, s]) => [key, wrongValueFor(s)]));
        expectClientError(await send(route, { payload: wrong }), `${label} wrong types`);
      }
      expectClientError(
        await send(route, { payload: { definitelyNotAField: 1 } }),
        `${label} unknown field`,
      );
      const polluted = '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}';
      expectClientError(
        await send(route, { payload: polluted, headers: { 'content-type': 'application/json' } }),
        `${label} proto`,
      );
      const deep = JSON.stringify(
        Array.from({ length: 2000 }).reduce<unknown>((acc) => ({ a: acc }), {}),
      );
      expectClientError(
        await send(route, { payload: deep, headers: { 'content-type': 'application/json' } }),
        `${label} deep`,
      );
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('broken path parameters and query strings', async () => {
    for (const route of routes) {
      const label = `${route.method} ${route.url}`;
      if (/:\w+/.test(route.url)) {
        for (const bad of [
          'not-a-uuid',
          "1' OR '1'='1",
          '%00',
          '..%2F..%2Fetc%2Fpasswd',
          'x'.repeat(5000),
        ]) {
          const res = await t.call(owner.accessToken, {
            method: route.method as 'GET',
            url: route.url.replace(/:(\w+)/g, bad),
          });
          expectClientError(res, `${label} param ${bad.slice(0, 20)}`);
        }
      }
      if (route.method === 'GET') {
        const forged = (parts: unknown[]) =>
          Buffer.from(JSON.stringify(parts)).toString('base64url');
        for (const query of [
          `cursor=${forged(['x'])}`,
          `cursor=${forged(['not-a-date', 'x'])}`,
          `cursor=${forged(['x', '00000000-0000-7000-8000-000000000000'])}`,
          `cursor=${forged([1e308, null])}`,
          'limit=abc',
          'limit=-1',
          'limit=100000',
          `cursor=${'A'.repeat(600)}`,
          'cursor=%FF%FE',
          'unknown=1&limit=1&limit=2',
        ]) {
          const res = await t.call(owner.accessToken, {
            method: 'GET',
            url: `${route.url.replace(/:(\w+)/g, '00000000-0000-7000-8000-000000000000')}?${query}`,
          });
          expect(res.statusCode, `${label}?${query}`).toBeLessThan(500);
        }
      }
    }
  });

  it('garbage authorization headers are a 401, not a crash', async () => {
    for (const header of [
      'Bearer',
      'Bearer ',
      'Basic Zm9vOmJhcg==',
      `Bearer ${'x'.repeat(10_000)}`,
      'Bearer a.b.c',
      'Bearer hk_',
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: header },
      });
      expect(res.statusCode, header.slice(0, 30)).toBe(401);
    }
  });
});
