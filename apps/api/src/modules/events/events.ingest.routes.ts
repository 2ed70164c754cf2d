import { createGunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleAtLeast, type Principal } from '../../http/access.js';
import { AppError } from '../../http/errors.js';
import type { RateLimiter } from '../../platform/ratelimit/ratelimit.js';
import type { WriteKeysService } from '../write-keys/write-keys.service.js';
import {
  AliasMessageSchema,
  GroupMessageSchema,
  IdentifyMessageSchema,
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  MessageSchema,
  PageMessageSchema,
  ScreenMessageSchema,
  TrackMessageSchema,
  type MessageType,
} from './events.message.js';
import type { EventsService } from './events.service.js';

/**
 * The Segment-compatible event API. Registered twice: under /api/v1 (documented) and under
 * Segment's own /v1 paths, so an SDK needs only its host changed. Authentication is its own,
 * not the /api access hook's: HTTP Basic with a write key as the username (what every Segment
 * SDK sends), a write key in the body (analytics.js, which posts text/plain to avoid a CORS
 * preflight), or a Bearer API key / access token with the editor role.
 */

export interface IngestRoutesOptions {
  events: EventsService;
  writeKeys: WriteKeysService;
  /** Bearer tokens: API keys (hk_…) and access tokens. */
  authenticateBearer(token: string): Promise<Principal | undefined>;
  rateLimiter: RateLimiter;
  /** Requests per second per key; 0 turns the limit off. */
  ratePerSecond: number;
  /** Public URL of this server, for the analytics.js settings document. */
  publicUrl: string;
  /** Segment's own paths (/v1/…): kept out of the OpenAPI document, which lists /api/v1. */
  segmentPaths?: boolean;
}

interface Source {
  orgId: string;
  /** The rate-limit bucket: one per write key or API key. */
  bucket: string;
}

const SINGLE: Record<MessageType, z.ZodObject> = {
  identify: IdentifyMessageSchema,
  track: TrackMessageSchema,
  page: PageMessageSchema,
  screen: ScreenMessageSchema,
  group: GroupMessageSchema,
  alias: AliasMessageSchema,
};
/** analytics.js posts each call to the first letter of its type. */
const SHORT_PATHS: Record<string, MessageType> = {
  i: 'identify',
  t: 'track',
  p: 'page',
  s: 'screen',
  g: 'group',
  a: 'alias',
};

const WriteKeyField = z
  .string()
  .max(200)
  .optional()
  .describe('The write key, for clients that cannot send headers (analytics.js)');

const { $schema: _schema, ...messageJsonSchema } = z.toJSONSchema(MessageSchema, {
  io: 'input',
  unrepresentable: 'any',
});

const BatchBodySchema = z.looseObject({
  batch: z
    .array(z.unknown())
    .max(5000)
    .meta({ items: messageJsonSchema })
    .describe(
      'Messages of any type (identify, track, page, screen, group, alias), each at most 32 KB',
    ),
  sentAt: z.string().max(64).nullish().describe('When the client sent the batch (skew correction)'),
  context: z
    .record(z.string(), z.unknown())
    .nullish()
    .describe('Context for every message; their own context wins'),
  integrations: z.record(z.string(), z.unknown()).nullish().describe('Accepted and ignored'),
  writeKey: WriteKeyField,
});

const ResultSchema = z.object({
  success: z.literal(true),
  accepted: z
    .number()
    .int()
    .describe('Messages taken, including retries of messages already stored (kept once)'),
  rejected: z
    .array(
      z.object({
        index: z.number().int().describe('Position in the batch'),
        messageId: z.string().optional(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    )
    .describe('Malformed messages, each with its reasons; nothing of them was stored'),
});

const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .describe('application/problem+json (RFC 9457)');
const problems = {
  401: ProblemSchema.describe('Unknown, revoked or missing write key (or API key)'),
  413: ProblemSchema.describe(
    'The body is over the limit (32 KB for one message, 500 KB for a batch); nothing was stored',
  ),
  429: ProblemSchema.describe('Too many requests for this key; retry after the Retry-After header'),
};

const security: { [scheme: string]: string[] }[] = [{ writeKey: [] }, { bearer: [] }];
const LIMITS =
  'Auth: HTTP Basic with the write key as username and an empty password (as Segment SDKs send it), or `Authorization: Bearer <API key>` (editor role). Idempotent on messageId. Limits: 32 KB per message, 500 KB per batch request (413 beyond); gzip bodies are accepted.';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function writeKeyInBody(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (typeof body.writeKey === 'string') return body.writeKey;
  const first = Array.isArray(body.batch) ? (body.batch[0] as unknown) : undefined;
  return isObject(first) && typeof first.writeKey === 'string' ? first.writeKey : undefined;
}

const unauthenticated = () =>
  new AppError(
    'unauthenticated',
    'Send a write key as the HTTP Basic username (empty password), or an API key as a Bearer token.',
  );

export const eventIngestRoutes: FastifyPluginAsyncZod<IngestRoutesOptions> = async (
  app,
  options,
) => {
  const { events, writeKeys, authenticateBearer, rateLimiter, ratePerSecond } = options;
  const hide = options.segmentPaths === true;

  async function fromWriteKey(key: string): Promise<Source> {
    const source = key ? await writeKeys.authenticate(key) : undefined;
    if (!source) throw new AppError('unauthenticated', 'Unknown or revoked write key.');
    return { orgId: source.orgId, bucket: `wk:${source.writeKeyId}` };
  }

  async function fromHeader(header: string): Promise<Source> {
    const basic = /^Basic\s+([\w+/=-]{1,400})\s*$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [user, password] =
        colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
      // Segment sends the key as the username; some HTTP clients put it in the password.
      return fromWriteKey(user || password);
    }
    const bearer = /^Bearer\s+(\S{1,2000})$/i.exec(header);
    if (!bearer) throw unauthenticated();
    const principal = await authenticateBearer(bearer[1]!);
    if (!principal) throw unauthenticated();
    if (!roleAtLeast(principal.role, 'editor'))
      throw new AppError('forbidden', 'Sending events needs the editor role or higher.');
    return {
      orgId: principal.orgId,
      bucket: principal.apiKeyId ? `ak:${principal.apiKeyId}` : `u:${principal.userId}`,
    };
  }

  await app.register(async (plugin) => {
    const ingest = plugin.withTypeProvider<ZodTypeProvider>();
    const sources = new WeakMap<FastifyRequest, Source>();
    const sourceOf = (request: FastifyRequest) => {
      const source = sources.get(request);
      if (!source) throw unauthenticated();
      return source;
    };

    // analytics.js sends JSON as text/plain (a "simple" request, so no CORS preflight).
    ingest.removeContentTypeParser('text/plain');
    ingest.addContentTypeParser(
      'text/plain',
      { parseAs: 'string' },
      ingest.getDefaultJsonParser('error', 'error'),
    );

    // Some SDKs gzip their batches. The body limit counts the inflated bytes.
    ingest.addHook('preParsing', async (request, _reply, payload) => {
      const encoding = request.headers['content-encoding']?.toLowerCase();
      if (!encoding || encoding === 'identity') return payload;
      if (encoding !== 'gzip')
        throw new AppError('unsupported_media_type', 'Only gzip content encoding is accepted.');
      const inflated = createGunzip();
      let encoded = 0;
      inflated.on('error', (error) => Object.assign(error, { statusCode: 400 }));
      payload.on('data', (chunk: Buffer) => {
        encoded += chunk.length;
      });
      payload.on('end', () => Object.assign(inflated, { receivedEncodedLength: encoded }));
      payload.on('error', (error) => inflated.destroy(error));
      return payload.pipe(inflated);
    });

    // Headers are checked before the body is read; a write key in the body after parsing.
    ingest.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header !== undefined) sources.set(request, await fromHeader(header));
    });
    ingest.addHook('preValidation', async (request) => {
      let source = sources.get(request);
      if (!source) {
        const key = writeKeyInBody(request.body);
        if (key === undefined) throw unauthenticated();
        source = await fromWriteKey(key);
        sources.set(request, source);
      }
      if (ratePerSecond > 0) {
        const state = await rateLimiter.hit(`events:${source.bucket}`, {
          limit: ratePerSecond,
          windowMs: 1000,
        });
        if (!state.allowed) {
          throw new AppError('rate_limited', 'Too many event requests for this key; slow down.', {
            retryAfterSeconds: Math.max(1, Math.ceil(state.resetMs / 1000)),
          });
        }
      }
    });

    // Browsers post from the customer's own site; the response carries nothing secret.
    ingest.addHook('onSend', async (request, reply, payload) => {
      if (request.headers.origin) void reply.header('access-control-allow-origin', '*');
      return payload;
    });

    const single = (type: MessageType, path: string, isShort = false) =>
      ingest.post(path, {
        config: { access: { public: true } },
        bodyLimit: MAX_MESSAGE_BYTES,
        schema: {
          hide: hide || isShort,
          tags: ['events'],
          summary: `Send one ${type} message (Segment spec)`,
          description: `${LIMITS} Answered 400 with the reasons when the message is malformed.`,
          security,
          body: SINGLE[type].extend({
            type: z.literal(type).optional(),
            writeKey: WriteKeyField,
          }),
          response: {
            200: ResultSchema,
            400: ProblemSchema.describe('The message is malformed; errors name each problem'),
            ...problems,
          },
        },
        handler: async (request) => {
          const { writeKey: _writeKey, ...message } = request.body as Record<string, unknown>;
          const result = await events.ingest(sourceOf(request).orgId, {
            messages: [{ ...message, type }],
            checkSize: false,
          });
          const rejection = result.rejected[0];
          if (rejection) {
            throw new AppError('validation_failed', `The ${type} message is invalid.`, {
              errors: rejection.errors.map((e) => ({
                path: e.path ? `body.${e.path}` : 'body',
                message: e.message,
              })),
            });
          }
          return result;
        },
      });

    const batch = (path: string, isAlias = false) =>
      ingest.post(path, {
        config: { access: { public: true } },
        bodyLimit: MAX_BATCH_BYTES,
        schema: {
          hide: hide || isAlias,
          tags: ['events'],
          summary: 'Send a batch of messages (Segment spec)',
          description: `${LIMITS} Malformed messages are rejected one by one (index and reasons in \`rejected\`); the valid rest is stored.`,
          security,
          body: BatchBodySchema,
          response: {
            200: ResultSchema,
            400: ProblemSchema.describe('The body is not a batch (bad JSON, no batch array)'),
            ...problems,
          },
        },
        handler: async (request) => {
          const body = request.body;
          const length = Number(request.headers['content-length']);
          return events.ingest(sourceOf(request).orgId, {
            messages: body.batch,
            sentAt: body.sentAt,
            context: body.context ?? undefined,
            // A request under 32 KB cannot hold a message over it; gzip hides the real size.
            checkSize:
              !(length <= MAX_MESSAGE_BYTES) || request.headers['content-encoding'] !== undefined,
          });
        },
      });

    for (const type of Object.keys(SINGLE) as MessageType[]) single(type, `/${type}`);
    batch('/batch');
    if (hide) {
      for (const [letter, type] of Object.entries(SHORT_PATHS)) single(type, `/${letter}`, true);
      batch('/b', true);
      batch('/import', true);
    }
  });

  if (hide) {
    // analytics.js loads its settings from `${cdnURL}/v1/projects/<writeKey>/settings`:
    // pointing cdnURL at Herald sends its events here too.
    const base = new URL(options.publicUrl);
    app.get('/projects/:writeKey/settings', {
      config: { access: { public: true } },
      schema: {
        hide: true,
        params: z.strictObject({ writeKey: z.string().min(1).max(200) }),
      },
      handler: async (request, reply) => {
        await fromWriteKey(request.params.writeKey);
        void reply.header('access-control-allow-origin', '*');
        return {
          integrations: {
            'Segment.io': {
              apiKey: request.params.writeKey,
              apiHost: `${base.host}${base.pathname.replace(/\/$/, '')}/v1`,
              protocol: base.protocol.replace(':', ''),
            },
          },
          plan: {
            track: { __default: { enabled: true } },
            identify: { __default: { enabled: true } },
          },
          enabledMiddleware: {},
          metrics: { sampleRate: 0 },
          remotePlugins: [],
        };
      },
    });
  }
};
