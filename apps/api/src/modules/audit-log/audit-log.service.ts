import type { Principal } from '../../http/access.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import type { Clock } from '../../platform/clock.js';
import { fastUuidV7 } from '../../platform/ids.js';
import type { AuditLogRepo, AuditRow, TargetSnapshot } from './audit-log.repo.js';

export const AUDIT_ACTIONS = [
  'campaign.started',
  'campaign.scheduled',
  'campaign.paused',
  'campaign.resumed',
  'campaign.cancelled',
  'member.invited',
  'member.invitation_revoked',
  'member.role_changed',
  'member.removed',
  'api_key.created',
  'api_key.revoked',
  'sender.created',
  'sender.updated',
  'sender.deleted',
  'contacts.exported',
  'contact.erased',
  'write_key.created',
  'write_key.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
  'flow.published',
  'flow.activated',
  'flow.deactivated',
  'flow.deleted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = [
  'campaign',
  'member',
  'invitation',
  'api_key',
  'sender',
  'contact',
  'write_key',
  'webhook',
  'flow',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** A person or key acting through the API, or Herald itself (scheduled work, maintenance). */
export type AuditActor = Principal | { kind: 'system'; orgId: string };

export interface AuditTarget {
  type: AuditTargetType;
  id: string;
  /** Looked up from the id when absent; give it when the row is already gone. */
  label?: string | null;
}

export interface AuditQuery {
  cursor?: string | undefined;
  limit: number;
  action?: string[] | undefined;
  actorType?: 'user' | 'apiKey' | 'system' | undefined;
  actorId?: string | undefined;
}

const SYSTEM_LABEL = 'Herald';

function present(row: AuditRow) {
  return {
    id: row.id,
    action: row.action,
    actor: {
      type: row.actorType as 'user' | 'apiKey' | 'system',
      id: row.actorId,
      label: row.actorLabel,
    },
    target:
      row.targetType === null
        ? null
        : { type: row.targetType, id: row.targetId, label: row.targetLabel },
    details: row.details,
    ip: row.ip,
    createdAt: row.createdAt,
  };
}

export function createAuditLogService(deps: { repo: AuditLogRepo; clock: Clock }) {
  const { repo, clock } = deps;

  async function actorOf(actor: AuditActor) {
    if (actor.kind === 'system') return { type: 'system', id: null, label: SYSTEM_LABEL };
    if (actor.kind === 'apiKey' && actor.apiKeyId) {
      const name = await repo.apiKeyName(actor.orgId, actor.apiKeyId);
      return { type: 'apiKey', id: actor.apiKeyId, label: name ?? 'API key' };
    }
    const email = actor.userId ? await repo.userEmail(actor.userId) : null;
    return { type: 'user', id: actor.userId, label: email ?? 'Unknown user' };
  }

  return {
    /**
     * Writes one entry. Labels are copied now, so the entry reads the same after the user, key
     * or sender is deleted.
     */
    async record(
      actor: AuditActor,
      action: AuditAction,
      target: AuditTarget | null,
      details: Record<string, unknown> = {},
      context: { ip?: string | undefined } = {},
    ): Promise<void> {
      const orgId = actor.orgId;
      const who = await actorOf(actor);
      const targetLabel =
        target === null
          ? null
          : target.label !== undefined
            ? target.label
            : ((await repo.target(orgId, target.type, target.id))?.label ?? null);
      await repo.insert({
        id: fastUuidV7(clock.now().getTime()),
        orgId,
        actorType: who.type,
        actorId: who.id,
        actorLabel: who.label,
        action,
        targetType: target?.type ?? null,
        targetId: target?.id ?? null,
        targetLabel,
        details,
        ip: context.ip ?? null,
        createdAt: clock.now(),
      });
    },

    /** The target as it is now: read before a delete or a change, to keep its name and role. */
    snapshot(orgId: string, type: AuditTargetType, id: string): Promise<TargetSnapshot | null> {
      return repo.target(orgId, type, id);
    },

    async list(principal: Principal, query: AuditQuery) {
      const after = decodeCursor(query.cursor, 1);
      const rows = await repo.list(
        principal.orgId,
        { action: query.action, actorType: query.actorType, actorId: query.actorId },
        query.limit + 1,
        after?.[0] as string | undefined,
      );
      return toPage(rows.map(present), query.limit, (r) => [r.id]);
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
