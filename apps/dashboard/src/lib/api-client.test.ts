import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The auth middleware against a fake Herald: tokens rotate on every refresh and an access token
 * is valid only until the next one is issued, as with the real server.
 */

const ORIGIN = 'http://herald.test';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

// openapi-fetch builds Requests from relative URLs, which only a browser page can resolve.
class PageRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' && input.startsWith('/') ? ORIGIN + input : input, init);
  }
}

const session = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn: 900,
  user: { id: 'u1', email: 'ada@example.com', name: 'Ada' },
  organization: { id: 'o1', name: 'Lovelace Analytics' },
  role: 'owner' as const,
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

const unauthorized = () =>
  json(401, {
    title: 'Unauthorized',
    status: 401,
    detail: 'Sign in first.',
    code: 'unauthenticated',
  });

let issued: number;
let expired: Set<string>;
let refreshes: number;
let refreshAnswer: 'ok' | 'reused';
let storage: MemoryStorage;

async function fakeHerald(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === '/api/v1/auth/refresh') {
    refreshes += 1;
    const { refreshToken } = (await request.json()) as { refreshToken: string };
    if (refreshAnswer === 'reused' || refreshToken !== `refresh-${issued}`) {
      return json(401, {
        title: 'Unauthorized',
        status: 401,
        detail: 'Used.',
        code: 'refresh_token_reused',
      });
    }
    issued += 1;
    return json(200, session(issued));
  }
  if (pathname === '/api/v1/auth/login') {
    return json(401, {
      title: 'Unauthorized',
      status: 401,
      detail: 'Wrong.',
      code: 'invalid_credentials',
    });
  }
  const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
  if (token !== `access-${issued}` || expired.has(token)) return unauthorized();
  return json(200, { principal: 'user', organization: { id: 'o1', name: 'Lovelace Analytics' } });
}

async function load() {
  vi.resetModules();
  const client = await import('./api-client');
  const { sessionStore } = await import('./session');
  return { ...client, sessionStore };
}

beforeEach(() => {
  issued = 1;
  expired = new Set();
  refreshes = 0;
  refreshAnswer = 'ok';
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('window', { addEventListener: () => undefined });
  vi.stubGlobal('navigator', {});
  vi.stubGlobal('Request', PageRequest);
  vi.stubGlobal('fetch', vi.fn(fakeHerald));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('api client', () => {
  it('sends the access token of the session', async () => {
    const { api, unwrap, sessionStore } = await load();
    sessionStore.set(session(1));
    await expect(unwrap(api.GET('/api/v1/me'))).resolves.toMatchObject({ principal: 'user' });
    expect(refreshes).toBe(0);
  });

  it('refreshes once on a 401, retries, and keeps the rotated refresh token', async () => {
    const { api, unwrap, sessionStore } = await load();
    sessionStore.set(session(1));
    expired.add('access-1');
    await expect(unwrap(api.GET('/api/v1/me'))).resolves.toMatchObject({ principal: 'user' });
    expect(refreshes).toBe(1);
    expect(JSON.parse(storage.getItem('herald.session')!)).toMatchObject({
      refreshToken: 'refresh-2',
    });
    // The access token stays in memory only.
    expect(storage.getItem('herald.session')).not.toContain('access-');
  });

  it('shares one refresh between requests that fail together', async () => {
    const { api, unwrap, sessionStore } = await load();
    sessionStore.set(session(1));
    expired.add('access-1');
    const results = await Promise.all([
      unwrap(api.GET('/api/v1/me')),
      unwrap(api.GET('/api/v1/members')),
      unwrap(api.GET('/api/v1/api-keys')),
    ]);
    expect(results).toHaveLength(3);
    // A second refresh would have spent refresh-1 again, which ends every session from it.
    expect(refreshes).toBe(1);
  });

  it('refreshes before the first request after a reload (no access token in memory)', async () => {
    storage.setItem('herald.session', JSON.stringify({ ...session(1), accessToken: undefined }));
    const { api, unwrap } = await load();
    await expect(unwrap(api.GET('/api/v1/me'))).resolves.toMatchObject({ principal: 'user' });
    expect(refreshes).toBe(1);
    expect(vi.mocked(fetch)).toHaveBeenCalledTimes(2);
  });

  it('ends the session when the refresh token is refused, and reports the 401', async () => {
    const { api, unwrap, sessionStore } = await load();
    sessionStore.set(session(1));
    expired.add('access-1');
    refreshAnswer = 'reused';
    await expect(unwrap(api.GET('/api/v1/me'))).rejects.toMatchObject({ status: 401 });
    expect(sessionStore.get()).toBeNull();
    expect(sessionStore.peekEndReason()).toBe('expired');
    expect(storage.getItem('herald.session')).toBeNull();
  });

  it('treats a 401 from login as the answer, not as an expired session', async () => {
    const { publicApi, unwrap, sessionStore } = await load();
    sessionStore.set(session(1));
    await expect(
      unwrap(publicApi.POST('/api/v1/auth/login', { body: { email: 'a@b.co', password: 'x' } })),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_credentials', detail: 'Wrong.' });
    expect(refreshes).toBe(0);
    expect(sessionStore.get()).not.toBeNull();
  });
});
