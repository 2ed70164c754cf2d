import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';

/**
 * Expected failures. The code is stable (clients switch on it); the table below is the only
 * place that knows which HTTP status each code answers with.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_cursor: 400,
  bad_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  last_owner: 422,
  rate_limited: 429,
  service_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

/** 409 naming the campaigns that still use something a caller wants to delete. */
export function refuseWhileUsed(
  users: { id: string; name: string }[] | undefined,
  what: string,
): void {
  if (!users?.length) return;
  const names = users.map((u) => `“${u.name}”`).join(', ');
  throw new AppError(
    'conflict',
    `${what} is used by campaign ${names}; change or delete those first`,
  );
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  requestId?: string;
}

function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `https://herald.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Maps Fastify's own client errors (bad JSON, size, media type) onto stable codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

export function toProblem(error: FastifyError | Error): Problem | undefined {
  if (error instanceof AppError)
    return problem(error.status, error.code, error.message, error.details.errors);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      path: [
        where,
        ...String(v.instancePath || '')
          .split('/')
          .filter(Boolean),
      ].join('.'),
      message: v.message ?? 'is invalid',
    }));
    return problem(400, 'validation_failed', `The request ${where} is invalid.`, errors);
  }
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return problem(ERROR_STATUS[mapped], mapped, fastifyError.message);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return problem(fastifyError.statusCode, 'bad_request', fastifyError.message);
  }
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toProblem(error);
    if (known) {
      if (error instanceof AppError && error.details.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(error.details.retryAfterSeconds));
      }
      return reply
        .code(known.status)
        .type('application/problem+json')
        .send({ ...known, requestId: request.id });
    }
    if (isResponseSerializationError(error)) {
      request.log.error(
        { err: error, issues: error.cause.issues },
        'response did not match its schema',
      );
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return reply
      .code(500)
      .type('application/problem+json')
      .send({
        ...problem(
          500,
          'internal',
          'Something went wrong on our side. Quote the request id when reporting it.',
        ),
        requestId: request.id,
      });
  });
}

export function sendNoRoute(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .type('application/problem+json')
    .send({
      ...problem(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
      requestId: request.id,
    });
}
