import { join } from 'node:path';
import { z } from 'zod';
import { parseAllowList } from './platform/outbound-http.js';

/**
 * The only reader of process.env. Everything is validated at once, so an operator sees every
 * problem in one go instead of fixing them one restart at a time.
 */

const PLACEHOLDER_SECRETS = new Set(['change-me', 'changeme', 'secret', 'herald', 'replace-me']);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const intFrom = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const booleanFrom = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? def : ['true', '1', 'yes'].includes(v)));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: intFrom(3000, 0).pipe(z.number().max(65535)),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  HERALD_DATA_DIR: z.string().default('./data'),
  UPLOAD_DIR: optionalString,
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DB_POOL_SIZE: intFrom(10, 1),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z.string().min(1).default('herald'),
  JWT_SECRET: optionalString,
  ENCRYPTION_KEY: optionalString,
  ENCRYPTION_KEY_PREVIOUS: optionalString,
  JWT_SECRET_PREVIOUS: optionalString,
  ACCESS_TOKEN_TTL_SECONDS: intFrom(900, 30),
  REFRESH_TOKEN_TTL_SECONDS: intFrom(30 * 24 * 3600, 60),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  TRUST_PROXY: booleanFrom(false),
  BODY_LIMIT_BYTES: intFrom(1024 * 1024, 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
  OTEL_SERVICE_NAME: z.string().default('herald'),
  WORKER_CONCURRENCY: intFrom(5, 1),
  IMPORT_CHUNK_ROWS: intFrom(20_000, 1),
  SEND_BATCH_SIZE: intFrom(500, 1),
  SEND_LANES: intFrom(4, 1),
  SEND_LEASE_MS: intFrom(300_000, 1_000),
  SEND_MAX_ATTEMPTS: intFrom(5, 1),
  SEND_RETRY_BASE_MS: intFrom(60_000, 0),
  SHUTDOWN_TIMEOUT_MS: intFrom(30_000, 0),
  LOGIN_LIMIT_PER_ACCOUNT: intFrom(10, 1),
  LOGIN_LIMIT_PER_IP: intFrom(100, 1),
  LOGIN_LIMIT_WINDOW_SECONDS: intFrom(15 * 60, 1),
  METRICS_ENABLED: booleanFrom(true),
  EVENTS_RATE_LIMIT_PER_SECOND: intFrom(500, 0),
  WORKER_METRICS_PORT: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1).max(65535).optional(),
  ),
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const entries = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      try {
        parseAllowList(entries);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
      return entries;
    }),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .default('0,5000,300000,1800000,7200000,18000000,36000000,36000000')
    .transform((v) => v.split(',').map((s) => Number(s.trim())))
    .pipe(z.array(z.number().int().min(0)).min(1)),
  WEBHOOK_TIMEOUT_MS: intFrom(10_000, 100),
});

export type DeploymentMode = 'embedded' | 'scale-out';

export interface Secrets {
  /** HMAC key for access tokens (HS256). */
  jwtSecret: Uint8Array;
  /** AES-256-GCM key for secrets at rest. */
  encryptionKey: Buffer;
  /** Keys being rotated out: still opened, never used to seal (`herald rotate-key`). */
  previousEncryptionKeys?: Buffer[];
  /**
   * JWT secrets rotated out (JWT_SECRET_PREVIOUS): tokens and links they signed still verify —
   * above all the unsubscribe, open and click links in mail already sent — but nothing new is
   * signed with them.
   */
  previousJwtSecrets?: Uint8Array[];
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  /** embedded: PGlite + table queue + in-process limits; scale-out: PostgreSQL (+ Redis). */
  readonly mode: DeploymentMode;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly dataDir: string;
  /** Where uploads (CSV imports) are streamed; shared by every process in scale-out. */
  readonly uploadDir: string;
  readonly databaseUrl: string | undefined;
  readonly dbPoolSize: number;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  /** Present in scale-out mode; embedded mode generates its own in the data dir. */
  readonly secrets: Secrets | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly corsOrigins: readonly string[];
  readonly trustProxy: boolean;
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
  readonly workerConcurrency: number;
  /** Rows a PostgreSQL import applies per step while it reads the file. (Default: 20000) */
  readonly importChunkRows: number;
  /** The send pipeline (modules/campaigns/send): batch, lanes per campaign, lease, retries. */
  readonly send: {
    batchSize: number;
    lanes: number;
    leaseMs: number;
    maxAttempts: number;
    retryBaseMs: number;
  };
  readonly shutdownTimeoutMs: number;
  readonly loginLimits: { perAccount: number; perIp: number; windowSeconds: number };
  readonly metricsEnabled: boolean;
  /** Event API requests per second per write key or API key; 0 turns the limit off. (Default: 500, Segment's) */
  readonly eventsRateLimitPerSecond: number;
  /** `herald worker` serves /metrics and /health/live here; off when unset. (Default: off) */
  readonly workerMetricsPort: number | undefined;
  /** Outgoing webhooks (modules/webhooks) and other customer-given URLs (platform/outbound-http). */
  readonly webhooks: {
    /** Private hosts, addresses and CIDRs that may be called anyway. (Default: none) */
    allowedHosts: readonly string[];
    /** Wait before each attempt, the first included. (Default: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) */
    retryDelaysMs: readonly number[];
    /** Per attempt. (Default: 10000) */
    timeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function decodeEncryptionKey(value: string): Buffer | undefined {
  const key = Buffer.from(value, /^[0-9a-f]{64}$/i.test(value) ? 'hex' : 'base64');
  return key.length === 32 ? key : undefined;
}

function isWeakSecret(value: string): boolean {
  return PLACEHOLDER_SECRETS.has(value.toLowerCase()) || /^(.)\1*$/.test(value);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  // Secrets are checked even when other variables are invalid: every problem in one report.
  const raw = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const e = parsed.success
    ? parsed.data
    : {
        DATABASE_URL: raw('DATABASE_URL'),
        JWT_SECRET: raw('JWT_SECRET'),
        ENCRYPTION_KEY: raw('ENCRYPTION_KEY'),
      };
  const mode: DeploymentMode = e.DATABASE_URL ? 'scale-out' : 'embedded';

  let secrets: Secrets | undefined;
  if (mode === 'scale-out' || e.JWT_SECRET || e.ENCRYPTION_KEY) {
    // Several processes must share these, so scale-out never invents them.
    if (!e.JWT_SECRET) problems.push('JWT_SECRET: required when DATABASE_URL is set');
    else if (e.JWT_SECRET.length < 32 || isWeakSecret(e.JWT_SECRET))
      problems.push('JWT_SECRET: must be at least 32 random characters (openssl rand -base64 48)');
    const key = e.ENCRYPTION_KEY ? decodeEncryptionKey(e.ENCRYPTION_KEY) : undefined;
    if (!e.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: required when DATABASE_URL is set');
    else if (!key || key.every((b) => b === 0))
      problems.push(
        'ENCRYPTION_KEY: must be 32 random bytes, base64 or hex (openssl rand -base64 32)',
      );
    const previous = (raw('ENCRYPTION_KEY_PREVIOUS') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map((k) => decodeEncryptionKey(k));
    if (previous.some((k) => !k))
      problems.push('ENCRYPTION_KEY_PREVIOUS: each key must be 32 bytes, base64 or hex');
    const previousJwt = (raw('JWT_SECRET_PREVIOUS') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    if (previousJwt.some((k) => k.length < 32))
      problems.push('JWT_SECRET_PREVIOUS: each secret must be at least 32 characters');
    if (e.JWT_SECRET && key && problems.length === 0) {
      secrets = {
        jwtSecret: new TextEncoder().encode(e.JWT_SECRET),
        encryptionKey: key,
        previousEncryptionKeys: previous.filter((k): k is Buffer => k !== undefined),
        previousJwtSecrets: previousJwt.map((k) => new TextEncoder().encode(k)),
      };
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;

  return Object.freeze({
    env: v.NODE_ENV,
    mode,
    host: v.HOST,
    port: v.PORT,
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/$/, ''),
    dataDir: v.HERALD_DATA_DIR,
    uploadDir: v.UPLOAD_DIR ?? join(v.HERALD_DATA_DIR, 'uploads'),
    databaseUrl: v.DATABASE_URL,
    dbPoolSize: v.DB_POOL_SIZE,
    redisUrl: v.REDIS_URL,
    redisKeyPrefix: v.REDIS_KEY_PREFIX,
    secrets,
    accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS,
    corsOrigins: Object.freeze(v.CORS_ORIGINS),
    trustProxy: v.TRUST_PROXY,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    logLevel: v.LOG_LEVEL,
    otlpEndpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: v.OTEL_SERVICE_NAME,
    workerConcurrency: v.WORKER_CONCURRENCY,
    importChunkRows: v.IMPORT_CHUNK_ROWS,
    send: Object.freeze({
      batchSize: v.SEND_BATCH_SIZE,
      lanes: v.SEND_LANES,
      leaseMs: v.SEND_LEASE_MS,
      maxAttempts: v.SEND_MAX_ATTEMPTS,
      retryBaseMs: v.SEND_RETRY_BASE_MS,
    }),
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    loginLimits: {
      perAccount: v.LOGIN_LIMIT_PER_ACCOUNT,
      perIp: v.LOGIN_LIMIT_PER_IP,
      windowSeconds: v.LOGIN_LIMIT_WINDOW_SECONDS,
    },
    metricsEnabled: v.METRICS_ENABLED,
    eventsRateLimitPerSecond: v.EVENTS_RATE_LIMIT_PER_SECOND,
    workerMetricsPort: v.WORKER_METRICS_PORT,
    webhooks: Object.freeze({
      allowedHosts: Object.freeze(v.WEBHOOK_ALLOWED_HOSTS),
      retryDelaysMs: Object.freeze(v.WEBHOOK_RETRY_DELAYS_MS),
      timeoutMs: v.WEBHOOK_TIMEOUT_MS,
    }),
  });
}
