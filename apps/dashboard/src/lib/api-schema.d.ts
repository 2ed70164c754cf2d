/**
 * TEMPORARY hand-written schema in openapi-typescript's output format, matching the routes the
 * API declares. Replaced by `npm run gen:api -w apps/dashboard` once src/lib/openapi.json exists.
 */

type Role = 'viewer' | 'editor' | 'admin' | 'owner';
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type Body<T> = { content: { 'application/json': T } };
type PageQuery = { cursor?: string; limit?: number };
type Page<T> = { items: T[]; nextCursor: string | null };
type Session = {
  accessToken: string;
  refreshToken: string;
  /** @description Access token lifetime in seconds */
  expiresIn: number;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
  role: Role;
};
type Organization = { id: string; name: string };
type MyOrganization = { id: string; name: string; role: Role; createdAt: string };
type Member = { userId: string; email: string; name: string; role: Role; createdAt: string };
type Invitation = { id: string; email: string; role: Role; expiresAt: string; createdAt: string };
type ApiKey = {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  lastUsedAt: string | null;
  createdAt: string;
};
type FailedJob = {
  id: string;
  queue: string;
  name: string;
  payload?: unknown;
  error: string;
  attempts: number;
  failedAt: string;
};
type Op<P, B, R> = {
  parameters: P;
  requestBody: B extends never ? never : Body<B>;
  responses: R;
};
type PathItem<M> = Omit<EmptyPathItem, keyof M> & M;
type EmptyPathItem = {
  parameters: NoParams;
  get?: never;
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
};

export interface paths {
  '/api/v1/auth/register': PathItem<{
    post: Op<
      NoParams,
      {
        email: string;
        password: string;
        name: string;
        organizationName?: string;
        inviteToken?: string;
      },
      { 201: Json<Session> }
    >;
  }>;
  '/api/v1/auth/login': PathItem<{
    post: Op<
      NoParams,
      { email: string; password: string; organizationId?: string },
      { 200: Json<Session> }
    >;
  }>;
  '/api/v1/auth/refresh': PathItem<{
    post: Op<NoParams, { refreshToken: string }, { 200: Json<Session> }>;
  }>;
  '/api/v1/auth/logout': PathItem<{
    post: Op<NoParams, { refreshToken: string }, { 204: NoContent }>;
  }>;
  '/api/v1/auth/switch-organization': PathItem<{
    post: Op<
      NoParams,
      { organizationId: string; refreshToken?: string },
      { 200: Json<Session> }
    >;
  }>;
  '/api/v1/me': PathItem<{
    get: {
      parameters: NoParams;
      requestBody?: never;
      responses: {
        200: Json<{
          principal: 'user' | 'apiKey';
          user: { id: string; email: string; name: string } | null;
          organization: Organization;
          role: Role;
          organizations: (Organization & { role: Role })[];
        }>;
      };
    };
  }>;
  '/api/v1/organizations': PathItem<{
    get: {
      parameters: { query?: PageQuery; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<Page<MyOrganization>> };
    };
    post: Op<NoParams, { name: string }, { 201: Json<MyOrganization> }>;
  }>;
  '/api/v1/members': PathItem<{
    get: {
      parameters: { query?: PageQuery; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<Page<Member>> };
    };
  }>;
  '/api/v1/members/{userId}': PathItem<{
    patch: Op<
      { query?: never; header?: never; path: { userId: string }; cookie?: never },
      { role: Role },
      { 200: Json<Member> }
    >;
    delete: {
      parameters: { query?: never; header?: never; path: { userId: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: NoContent };
    };
  }>;
  '/api/v1/invitations': PathItem<{
    get: {
      parameters: { query?: PageQuery; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<Page<Invitation>> };
    };
    post: Op<
      NoParams,
      { email: string; role: Role },
      { 201: Json<Invitation & { token: string; acceptUrl: string }> }
    >;
  }>;
  '/api/v1/invitations/{id}': PathItem<{
    delete: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: NoContent };
    };
  }>;
  '/api/v1/invitations/accept': PathItem<{
    post: Op<NoParams, { token: string }, { 200: Json<{ organization: Organization; role: Role }> }>;
  }>;
  '/api/v1/api-keys': PathItem<{
    get: {
      parameters: { query?: PageQuery; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<Page<ApiKey>> };
    };
    post: Op<
      NoParams,
      { name: string; role: 'admin' | 'editor' | 'viewer' },
      { 201: Json<ApiKey & { key: string }> }
    >;
  }>;
  '/api/v1/api-keys/{id}': PathItem<{
    delete: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: NoContent };
    };
  }>;
  '/api/v1/jobs/queues': PathItem<{
    get: {
      parameters: NoParams;
      requestBody?: never;
      responses: {
        200: Json<{
          driver: 'postgres' | 'bullmq';
          queues: {
            queue: string;
            waiting: number;
            delayed: number;
            active: number;
            completed: number;
            failed: number;
          }[];
        }>;
      };
    };
  }>;
  '/api/v1/jobs/failed': PathItem<{
    get: {
      parameters: {
        query?: PageQuery & { queue?: string };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Json<Page<FailedJob>> };
    };
  }>;
  '/api/v1/jobs/failed/{id}/retry': PathItem<{
    post: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 202: Json<{ jobId: string }> };
    };
  }>;
  '/api/v1/jobs/failed/{id}': PathItem<{
    delete: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 204: NoContent };
    };
  }>;
}

export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
