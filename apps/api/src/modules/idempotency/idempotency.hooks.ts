import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../http/errors.js';
import type { IdempotencyRepo } from './idempotency.repo.js';

const KEY = /^[\x21-\x7e]{1,255}$/;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | undefined;
  }
}

/**
 * `Idempotency-Key` on authenticated POSTs (DESIGN.md §8): the first request's response is
 * stored per organization and key and replayed for retries; the same key with a different
 * request is refused (422), and a retry while the first is still running gets 409. A 5xx
 * releases the key so the client can try again.
 */
export function registerIdempotency(app: FastifyInstance, repo: IdempotencyRepo): void {
  app.decorateRequest('idempotencyKey', undefined);

  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.principal) return;
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new AppError('bad_request', 'Idempotency-Key must be 1–255 visible ASCII characters.');
    }
    const orgId = request.principal.orgId;
    const fingerprint = createHash('sha256')
      .update(
        `${request.method} ${request.routeOptions.url ?? request.url}\n${JSON.stringify(request.params ?? {})}\n${JSON.stringify(request.body ?? null)}`,
      )
      .digest('hex');
    if (await repo.claim(orgId, header, fingerprint)) {
      request.idempotencyKey = header;
      return;
    }
    const stored = await repo.find(orgId, header);
    if (!stored)
      throw new AppError(
        'conflict',
        'A request with this Idempotency-Key was just released; retry it.',
      );
    if (stored.fingerprint !== fingerprint) {
      throw new AppError(
        'unprocessable',
        'This Idempotency-Key was already used for a different request.',
      );
    }
    if (stored.status === null) {
      throw new AppError(
        'conflict',
        'A request with this Idempotency-Key is still being processed.',
      );
    }
    return reply
      .code(stored.status)
      .header('idempotent-replayed', 'true')
      .type(stored.contentType ?? 'application/json')
      .send(stored.body ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || !request.principal) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await repo.release(request.principal.orgId, key);
    } else {
      const contentType = reply.getHeader('content-type');
      await repo.complete(request.principal.orgId, key, {
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : null,
        body: payload,
      });
    }
    return payload;
  });
}
