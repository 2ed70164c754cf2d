import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-schema';
import { networkError, toApiError } from './api-error';
import { sessionStore } from './session';

/** The JSON body a route answers with, e.g. `ApiResponse<'/api/v1/members', 'get'>`. */
export type ApiResponse<
  P extends keyof paths,
  M extends keyof paths[P],
  S extends number = 200,
> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;

// Same origin as the API: relative URLs, no CORS.
const baseUrl = '';

/** Routes that take no access token; a 401 from them is an answer, not an expired session. */
const PUBLIC_PATHS = new Set<string>([
  '/api/v1/auth/login',
  '/api/v1/auth/register',
  '/api/v1/auth/refresh',
  '/api/v1/auth/logout',
]);

/** Client without the auth middleware, for refreshing (which must not recurse into itself). */
const bareClient = createClient<paths>({ baseUrl });

let refreshing: Promise<boolean> | null = null;

async function refreshOnce(): Promise<boolean> {
  // Re-read inside the lock: the refresh token rotates, and a token spent twice ends the session.
  const refreshToken = sessionStore.readRefreshToken();
  if (!refreshToken) return false;
  let result;
  try {
    result = await bareClient.POST('/api/v1/auth/refresh', { body: { refreshToken } });
  } catch {
    return false; // Offline: keep the session, fail only this request.
  }
  if (result.data) {
    sessionStore.set(result.data);
    return true;
  }
  if (result.response.status === 400 || result.response.status === 401) {
    sessionStore.clear('expired');
  }
  return false;
}

async function refreshExclusively(): Promise<boolean> {
  if (!('locks' in navigator)) return refreshOnce();
  return await navigator.locks.request('herald.session.refresh', refreshOnce);
}

/**
 * Trades the refresh token for a new session. Single-flight within the tab, and serialized
 * across tabs with a Web Lock where available, since every tab shares one refresh token.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  const flight = refreshExclusively().finally(() => {
    refreshing = null;
  });
  refreshing = flight;
  return flight;
}

// Requests kept unsent so a 401 can be retried once after refreshing (bodies are read-once).
const replays = new Map<string, Request>();

const authMiddleware: Middleware = {
  async onRequest({ request, schemaPath, id }) {
    request.headers.set('Accept', 'application/json, application/problem+json');
    if (PUBLIC_PATHS.has(schemaPath)) return request;
    if (!sessionStore.getAccessToken() && sessionStore.get()) await refreshSession();
    const token = sessionStore.getAccessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    replays.set(id, request.clone());
    return request;
  },

  async onResponse({ response, schemaPath, id, options }) {
    const replay = replays.get(id);
    replays.delete(id);
    if (response.status !== 401 || !replay || PUBLIC_PATHS.has(schemaPath)) return undefined;
    const sent = replay.headers.get('Authorization');
    const current = sessionStore.getAccessToken();
    // Another request may already have refreshed while this one was in flight.
    const isFresh = current !== null && sent !== `Bearer ${current}`;
    if (!isFresh && !(await refreshSession())) return undefined;
    const token = sessionStore.getAccessToken();
    if (!token) return undefined;
    replay.headers.set('Authorization', `Bearer ${token}`);
    return options.fetch(replay);
  },

  onError({ error, id }) {
    replays.delete(id);
    return error instanceof TypeError ? networkError() : undefined;
  },
};

/** Typed client for the Herald API; adds the bearer token and renews expired sessions. */
export const api = createClient<paths>({ baseUrl });
api.use(authMiddleware);

/** Auth calls that must not carry or refresh a token (login, register, logout). */
export const publicApi = bareClient;

/** Resolves to the response body, or throws an ApiError built from the problem+json answer. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await call;
  } catch (error) {
    throw error instanceof TypeError ? networkError() : error;
  }
  if (!result.response.ok) throw toApiError(result.error, result.response);
  return result.data as T;
}
