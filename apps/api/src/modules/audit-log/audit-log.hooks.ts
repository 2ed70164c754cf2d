import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TargetSnapshot } from './audit-log.repo.js';
import type {
  AuditAction,
  AuditLogService,
  AuditTarget,
  AuditTargetType,
} from './audit-log.service.js';

/**
 * Declared on a route next to its access rule; the entry is written when the route answers 2xx:
 *
 *   config: { access: { role: 'admin' }, audit: { action: 'sender.deleted', target: 'sender' } }
 */
export interface AuditSpec {
  action: AuditAction;
  /** The target's id is the route's `:id` / `:userId`, or the `id` of the created row it answers. */
  target?: AuditTargetType;
  /** What else to keep from the validated request. Never secrets, never a contact's personal data. */
  details?: (input: { body: unknown; query: unknown }) => Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: AuditSpec;
  }
}

/** Keeps these top-level fields of the body (or, for a GET, of the query string). */
export const auditFields =
  (...keys: string[]): NonNullable<AuditSpec['details']> =>
  ({ body, query }) => {
    const source = (body ?? query) as Record<string, unknown> | null | undefined;
    const kept: Record<string, unknown> = {};
    for (const key of keys) if (source?.[key] !== undefined) kept[key] = source[key];
    return kept;
  };

/** For edits: which fields changed, never their values (a password may be among them). */
export const auditChangedFields: NonNullable<AuditSpec['details']> = ({ body }) => ({
  changed: Object.keys((body ?? {}) as object).sort(),
});

function idFromParams(params: unknown): string | undefined {
  const p = params as Record<string, unknown> | undefined;
  const id = p?.id ?? p?.userId;
  return typeof id === 'string' ? id : undefined;
}

function idFromPayload(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records the routes that declare `config.audit`. The target is read before the handler runs
 * (a deleted sender keeps its name, a changed member their previous role) and the entry is
 * written before the response leaves, so a client that saw 2xx finds it in the log.
 */
export function registerAuditTrail(app: FastifyInstance, audit: AuditLogService): void {
  const before = new WeakMap<FastifyRequest, TargetSnapshot | null>();

  app.addHook('preHandler', async (request) => {
    const spec = request.routeOptions.config.audit;
    const id = idFromParams(request.params);
    if (!spec?.target || !request.principal || !id) return;
    before.set(request, await audit.snapshot(request.principal.orgId, spec.target, id));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const spec = request.routeOptions.config.audit;
    const principal = request.principal;
    if (!spec || !principal || reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    // A replayed Idempotency-Key response did nothing new.
    if (reply.getHeader('idempotent-replayed') === 'true') return payload;
    const snapshot = before.get(request);
    const targetId = idFromParams(request.params) ?? idFromPayload(payload);
    const target: AuditTarget | null =
      spec.target && targetId
        ? {
            type: spec.target,
            id: targetId,
            ...(snapshot !== undefined ? { label: snapshot?.label ?? null } : {}),
          }
        : null;
    const details = {
      ...spec.details?.({ body: request.body, query: request.query }),
      ...(snapshot?.before ? { before: snapshot.before } : {}),
    };
    try {
      await audit.record(principal, spec.action, target, details, { ip: request.ip });
    } catch (error) {
      // The action is committed; failing its response now would invite a retry that repeats it.
      request.log.error({ err: error, action: spec.action }, 'audit log entry not written');
    }
    return payload;
  });
}
