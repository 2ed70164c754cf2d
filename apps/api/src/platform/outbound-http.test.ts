import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAddressAllowed,
  outboundRequest,
  OutboundRequestError,
  parseAllowList,
} from './outbound-http.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port: number;
const seen: Seen[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    if (req.url === '/slow') return; // never answers
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(200_000));
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json', 'x-thing': 'yes' });
    res.end(JSON.stringify({ ok: true }));
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>): Promise<OutboundRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('outboundRequest', () => {
  it('refuses loopback by default and sends nothing', async () => {
    const before = seen.length;
    const error = await failure(outboundRequest({ url: `http://127.0.0.1:${port}/` }));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
    expect(seen.length).toBe(before);
  });

  it('refuses a hostname that resolves to loopback (checked after DNS)', async () => {
    const error = await failure(outboundRequest({ url: `http://localhost:${port}/` }));
    expect(error.code).toBe('blocked_address');
  });

  it.each([
    'http://[::1]/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://127.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::]/',
    'http://[ff02::1]/',
  ])('refuses %s', async (url) => {
    const error = await failure(outboundRequest({ url, timeoutMs: 2000 }));
    expect(error.code).toBe('blocked_address');
  });

  it('refuses a name when any of its addresses is private', async () => {
    const error = await failure(
      outboundRequest({
        url: 'http://mixed.example/',
        resolve: () => Promise.resolve(['93.184.216.34', '127.0.0.1']),
      }),
    );
    expect(error.code).toBe('blocked_address');
  });

  it('refuses schemes other than http and https', async () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://x/', 'not a url']) {
      const error = await failure(outboundRequest({ url }));
      expect(error.code).toBe('invalid_url');
    }
  });

  it('calls an allowed address and returns status, headers and body', async () => {
    const response = await outboundRequest({
      url: `http://127.0.0.1:${port}/hook?x=1`,
      method: 'POST',
      headers: { 'content-type': 'application/json', Host: 'evil.example' },
      body: '{"a":1}',
      allow: ['127.0.0.1'],
    });
    expect(response.status).toBe(201);
    expect(response.headers['x-thing']).toBe('yes');
    expect(JSON.parse(response.body)).toEqual({ ok: true });
    expect(response.isTruncated).toBe(false);
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' });
    expect(last.headers.host).toBe(`127.0.0.1:${port}`);
  });

  it('allows by CIDR and by hostname, connecting to the checked address with the name as Host', async () => {
    const viaCidr = await outboundRequest({
      url: `http://127.0.0.1:${port}/`,
      allow: ['10.0.0.0/8', '127.0.0.0/8'],
    });
    expect(viaCidr.status).toBe(201);

    let lookups = 0;
    const response = await outboundRequest({
      url: `http://hooks.internal.test:${port}/named`,
      allow: ['hooks.internal.test'],
      // A rebinding resolver: a second lookup would answer another address; there is none.
      resolve: () => Promise.resolve(lookups++ === 0 ? ['127.0.0.1'] : ['10.9.9.9']),
    });
    expect(response.status).toBe(201);
    expect(response.address).toBe('127.0.0.1');
    expect(lookups).toBe(1);
    expect(seen.at(-1)!.headers.host).toBe(`hooks.internal.test:${port}`);

    const wildcard = await outboundRequest({
      url: `http://a.corp.test:${port}/`,
      allow: ['*.corp.test'],
      resolve: () => Promise.resolve(['127.0.0.1']),
    });
    expect(wildcard.status).toBe(201);
  });

  it('returns a 3xx as it is without following it', async () => {
    const before = seen.length;
    const response = await outboundRequest({
      url: `http://127.0.0.1:${port}/redirect`,
      allow: ['127.0.0.1'],
    });
    expect(response.status).toBe(302);
    expect(response.headers.location).toContain('169.254.169.254');
    expect(seen.length).toBe(before + 1);
  });

  it('times out a server that never answers', async () => {
    const error = await failure(
      outboundRequest({
        url: `http://127.0.0.1:${port}/slow`,
        allow: ['127.0.0.1'],
        timeoutMs: 300,
      }),
    );
    expect(error.code).toBe('timeout');
    expect(error.durationMs).toBeGreaterThanOrEqual(250);
    expect(error.durationMs).toBeLessThan(5000);
  });

  it('reads at most maxResponseBytes: truncated, or too_large when asked', async () => {
    const response = await outboundRequest({
      url: `http://127.0.0.1:${port}/big`,
      allow: ['127.0.0.1'],
      maxResponseBytes: 1000,
    });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(1000);
    expect(response.isTruncated).toBe(true);

    const error = await failure(
      outboundRequest({
        url: `http://127.0.0.1:${port}/big`,
        allow: ['127.0.0.1'],
        maxResponseBytes: 1000,
        onOversize: 'error',
      }),
    );
    expect(error.code).toBe('too_large');

    const full = await outboundRequest({
      url: `http://127.0.0.1:${port}/big`,
      allow: ['127.0.0.1'],
    });
    expect(full.body.length).toBe(64 * 1024);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      outboundRequest({ url: `http://127.0.0.1:${closedPort}/`, allow: ['127.0.0.1'] }),
    );
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('reports an unresolvable name as a network error', async () => {
    const error = await failure(
      outboundRequest({
        url: 'https://nowhere.invalid/',
        resolve: () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })),
      }),
    );
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/ENOTFOUND/);
  });
});

describe('allow-list', () => {
  it('accepts hostnames, wildcards, addresses and CIDRs and rejects anything else', () => {
    expect(() =>
      parseAllowList(['n8n', '*.corp.example', '10.0.0.5', 'fd00::/8', '[::1]']),
    ).not.toThrow();
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow(/CIDR/);
    expect(() => parseAllowList(['http://x'])).toThrow();
  });

  it('public addresses need no allow-list; private ones need a matching entry', () => {
    expect(isAddressAllowed('93.184.216.34')).toBe(true);
    expect(isAddressAllowed('2606:4700::1111')).toBe(true);
    expect(isAddressAllowed('10.1.2.3')).toBe(false);
    expect(isAddressAllowed('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(isAddressAllowed('::1', ['::1'])).toBe(true);
    expect(isAddressAllowed('192.168.0.1', ['10.0.0.0/8'])).toBe(false);
  });
});
