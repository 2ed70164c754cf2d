import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config, Secrets } from './config.js';
import type { Database } from './db/client.js';
import { registerAccessControl, type RouteEntry } from './http/access.js';
import { registerErrorHandling, sendNoRoute } from './http/errors.js';
import type { AppJobCatalog } from './jobs/catalog.js';
import { importsRoutes } from './modules/imports/imports.routes.js';
import { registerIdempotency } from './modules/idempotency/idempotency.hooks.js';
import { createIdempotencyRepo } from './modules/idempotency/idempotency.repo.js';
import { createServices, type Services } from './services.js';
import { apiKeysRoutes } from './modules/api-keys/api-keys.routes.js';
import { contactsRoutes } from './modules/contacts/contacts.routes.js';
import { fieldsRoutes } from './modules/fields/fields.routes.js';
import { listsRoutes } from './modules/lists/lists.routes.js';
import { suppressionsRoutes } from './modules/suppressions/suppressions.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { healthRoutes, type ReadinessChecks } from './modules/health/health.routes.js';
import { jobsRoutes } from './modules/jobs/jobs.routes.js';
import { organizationsRoutes } from './modules/organizations/organizations.routes.js';
import { segmentsRoutes } from './modules/segments/segments.routes.js';
import { templatesRoutes } from './modules/templates/templates.routes.js';
import { sendersRoutes } from './modules/senders/senders.routes.js';
import { outboxRoutes } from './modules/outbox/outbox.routes.js';
import { alertsRoutes } from './modules/alerts/alerts.routes.js';
import { campaignsRoutes } from './modules/campaigns/campaigns.routes.js';
import { flowsRoutes } from './modules/flows/flows.routes.js';
import { realtimeRoutes } from './modules/realtime/realtime.routes.js';
import { trackingRoutes } from './modules/tracking/tracking.routes.js';
import {
  eventIngestRoutes,
  type IngestRoutesOptions,
} from './modules/events/events.ingest.routes.js';
import { eventsRoutes } from './modules/events/events.routes.js';
import { writeKeysRoutes } from './modules/write-keys/write-keys.routes.js';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.js';
import { registerAuditTrail } from './modules/audit-log/audit-log.hooks.js';
import { auditLogRoutes } from './modules/audit-log/audit-log.routes.js';
import type { PubSub } from './platform/pubsub/pubsub.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import type { Queue } from './platform/queue/queue.js';
import type { RateLimiter } from './platform/ratelimit/ratelimit.js';
import { createTracing, type Tracing } from './platform/tracing.js';

export interface AppDeps {
  config: Config;
  secrets: Secrets;
  database: Database;
  queue: Queue<AppJobCatalog>;
  rateLimiter: RateLimiter;
  /** Realtime fan-out; in-process when absent. */
  pubsub?: PubSub;
  clock?: Clock;
  metrics?: Metrics;
  tracing?: Tracing;
  /** Extra readiness checks (e.g. Redis); the database and queue are always checked. */
  readiness?: ReadinessChecks;
  /** Built dashboard to serve at `/`; skipped when the folder does not exist. */
  dashboardDir?: string;
  /** Pre-built services (tests share them with a worker); built from the deps otherwise. */
  services?: Services;
  /** Fastify logger options; false in tests. */
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route with the access it declared; the tenancy test walks it. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    span: Span | undefined;
  }
}

export const API_PREFIX = '/api/v1';
const REQUEST_ID = /^[\w.-]{1,64}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, secrets, database, queue, rateLimiter } = deps;
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetrics();
  const tracing =
    deps.tracing ?? createTracing({ endpoint: undefined, serviceName: config.serviceName });

  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Router-level rejections (bad URL encoding, over-long parameters) answer problem+json too.
    frameworkErrors: (error, request, reply) => {
      const status: 400 | 414 = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      void (reply as FastifyReply)
        .code(status)
        .type('application/problem+json')
        .send({
          type: 'https://herald.dev/problems/bad-request',
          title: status === 414 ? 'URI Too Long' : 'Bad Request',
          status,
          detail: error.message,
          code: 'bad_request',
          requestId: request.id,
        });
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  const services =
    deps.services ??
    createServices({
      config,
      secrets,
      database,
      queue,
      rateLimiter,
      clock,
      metrics,
      ...(deps.pubsub ? { pubsub: deps.pubsub } : {}),
    });
  // Buffered tracking hits are written before the process lets go of the database.
  app.addHook('onClose', async () => services.tracking.drain());
  const {
    auth,
    apiKeys,
    organizations,
    jobs,
    segments,
    contacts,
    lists,
    fields,
    suppressions,
    imports,
    templates,
    senders,
    outbox,
    alerts,
    campaigns,
    campaignStats,
    tracking,
    pubsub,
  } = services;
  metrics.watchQueue(() => queue.counts());

  // First hook: even a request refused by access control carries its id and gets a span.
  registerIdempotency(app, createIdempotencyRepo(database.db));
  registerAuditTrail(app, services.auditLog);
  app.decorateRequest('span', undefined);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (tracing.enabled) {
      request.span = tracing.tracer.startSpan(
        `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': request.url.split('?')[0]!,
          },
        },
        tracing.extract(request.headers),
      );
    }
  });
  app.decorate('routeTable', [] as RouteEntry[]);
  registerAccessControl(
    app,
    async (request) => {
      const header = request.headers.authorization;
      const match = header?.match(/^Bearer\s+(\S+)$/i);
      if (!match) return undefined;
      const token = match[1]!;
      return token.startsWith('hk_')
        ? apiKeys.authenticate(token)
        : auth.authenticateAccessToken(token);
    },
    app.routeTable,
  );

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (request.span) {
      request.span.setAttribute('http.route', route);
      request.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) request.span.setStatus({ code: SpanStatusCode.ERROR });
      request.span.end();
    }
  });

  // Helmet's headers, computed once: @fastify/helmet rebuilt the whole middleware (parsing the
  // CSP directives) on every request, a measurable share of a small API response's cost.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Email previews render in sandboxed srcdoc frames, which inherit this policy: their
        // images, stylesheets and fonts come from anywhere. Scripts stay ours alone.
        imgSrc: ["'self'", 'data:', 'https:', 'http:'],
        styleSrc: ["'self'", "'unsafe-inline'", 'https:'],
        fontSrc: ["'self'", 'data:', 'https:'],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  await app.register(fastifyCors, {
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after'],
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Herald API',
        version: '1.0.0',
        description:
          'Herald marketing automation API. Authenticate with `Authorization: Bearer <access token | API key>`. Errors are application/problem+json (RFC 9457) with a stable `code`. Authenticated POSTs accept `Idempotency-Key`: a retry with the same key and body replays the first response (header `idempotent-replayed: true`).',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Access token from /auth/login, or an API key (hk_…)',
          },
          writeKey: {
            type: 'http',
            scheme: 'basic',
            description: 'Event API only: a write key (wk_…) as the username, empty password',
          },
        },
      },
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const access = input.route.config?.access;
      if (access && !('public' in access)) {
        return {
          ...transformed,
          schema: {
            ...transformed.schema,
            security: [{ bearer: [] }],
            description: `Requires the **${access.role}** role${access.principal === 'user' ? ' (signed-in users only, not API keys)' : ''}.`,
          },
        };
      }
      return transformed;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { hide: true }, config: { access: { public: true } } },
    async () => app.swagger(),
  );

  const eventIngest: IngestRoutesOptions = {
    events: services.events,
    writeKeys: services.writeKeys,
    authenticateBearer: (token) =>
      token.startsWith('hk_') ? apiKeys.authenticate(token) : auth.authenticateAccessToken(token),
    rateLimiter,
    ratePerSecond: config.eventsRateLimitPerSecond,
    publicUrl: config.publicUrl,
  };
  await app.register(
    async (api) => {
      await api.register(authRoutes, { auth });
      await api.register(organizationsRoutes, { organizations });
      await api.register(apiKeysRoutes, { apiKeys });
      await api.register(writeKeysRoutes, { writeKeys: services.writeKeys });
      await api.register(auditLogRoutes, { auditLog: services.auditLog });
      await api.register(jobsRoutes, { jobs });
      // audience routes
      await api.register(contactsRoutes, { contacts });
      await api.register(listsRoutes, { lists });
      await api.register(fieldsRoutes, { fields });
      await api.register(suppressionsRoutes, { suppressions });
      await api.register(eventsRoutes, { events: services.events });
      await api.register(eventIngestRoutes, eventIngest);
      await api.register(segmentsRoutes, { segments });
      await api.register(importsRoutes, { imports });
      // content routes
      await api.register(templatesRoutes, { templates });
      await api.register(sendersRoutes, { senders });
      await api.register(outboxRoutes, { outbox });
      await api.register(alertsRoutes, { alerts });
      // campaign routes
      await api.register(campaignsRoutes, { campaigns, stats: campaignStats, clock });
      await api.register(flowsRoutes, {
        flows: services.flows.service,
        runs: services.flows.runs,
        simulator: services.flows.simulator,
      });
      await api.register(webhooksRoutes, { webhooks: services.webhooks });
      await api.register(realtimeRoutes, {
        pubsub,
        authenticate: (token) =>
          token.startsWith('hk_')
            ? apiKeys.authenticate(token)
            : auth.authenticateAccessToken(token),
      });
    },
    { prefix: API_PREFIX },
  );

  // Segment's own paths, so an SDK pointed at Herald needs only its host changed.
  await app.register(eventIngestRoutes, { ...eventIngest, segmentPaths: true, prefix: '/v1' });

  await app.register(trackingRoutes, { tracking, pipeline: services.pipeline });

  await app.register(healthRoutes, {
    checks: {
      database: () => database.ping(),
      queue: () => queue.ping(),
      ...deps.readiness,
    },
  });

  if (config.metricsEnabled) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }

  const dashboardDir = deps.dashboardDir;
  const hasDashboard = Boolean(dashboardDir && existsSync(join(dashboardDir, 'index.html')));
  if (hasDashboard) {
    await app.register(fastifyStatic, {
      root: dashboardDir!,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
  }
  // Client-side routes (/settings/api-keys, …) load the SPA; unknown API paths stay problem+json.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const isAppPath =
      !/^\/(api|v1|docs|health|metrics|t|u)(\/|$)/.test(path) && !/\.[a-z0-9]+$/i.test(path);
    if (hasDashboard && request.method === 'GET' && isAppPath)
      return reply.type('text/html').sendFile('index.html');
    return sendNoRoute(request, reply);
  });

  return app;
}
