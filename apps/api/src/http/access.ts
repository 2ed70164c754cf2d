import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** Who is calling: a signed-in person acting in one organization, or an organization's API key. */
export interface Principal {
  kind: 'user' | 'apiKey';
  orgId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
}

/**
 * Every /api route declares this in `config.access`; a route without it refuses to register.
 * `principal: 'user'` marks routes that act for a person (switching organization, accepting an
 * invitation), which API keys may not call.
 */
export type Access = { public: true } | { role: Role; principal?: 'user' | 'any' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

export type Authenticate = (request: FastifyRequest) => Promise<Principal | undefined>;

/** Routes outside /api (health, metrics, docs, the dashboard) are public by nature. */
const isApiRoute = (url: string) => url.startsWith('/api/') || url.startsWith('/v1/');

export function registerAccessControl(
  app: FastifyInstance,
  authenticate: Authenticate,
  routeTable: RouteEntry[],
): void {
  app.decorateRequest('principal', undefined);

  app.addHook('onRoute', (route) => {
    if (!isApiRoute(route.url)) return;
    const access = route.config?.access;
    if (!access) throw new Error(`${String(route.method)} ${route.url} declares no config.access`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, access });
    }
  });

  // Authenticate before the body is parsed: an anonymous caller should not cost a 1 MB parse.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return;
    const principal = await authenticate(request);
    if (!principal) throw new AppError('unauthenticated', 'Sign in or send a valid API key.');
    if (access.principal === 'user' && principal.kind !== 'user') {
      throw new AppError('forbidden', 'This action is for signed-in users, not API keys.');
    }
    if (!roleAtLeast(principal.role, access.role)) {
      throw new AppError('forbidden', `This action needs the ${access.role} role or higher.`);
    }
    request.principal = principal;
  });
}

/** The caller of a route that declared a role; set by the onRequest hook above. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in or send a valid API key.');
  return request.principal;
}
